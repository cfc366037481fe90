"""Write a draft: the case file (YAML) and, beside it, the source text its quotes come from.

Both files are written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

HEADER = (
    "# DRAFT written by `kgcase draft` from {input}: not reviewed.\n"
    "# Every fact says `status: draft` and how it was found (found_by: rule, confidence).\n"
    "# Quotes are checked against {source}. Items under `review:` need a curator's decision.\n"
    "# Format: docs/case-format.md; review: docs/curation.md.\n\n"
)


#: libyaml's emitter when PyYAML has it (ten times faster than the pure-Python one).
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[valid-type,misc]
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_draft(case: dict[str, Any], source_text: str, input_path: Path, out_dir: Path) -> Path:
    """Write ``<out>/<id>.yaml`` and ``<out>/sources/<id>.txt``; return the case file's path."""
    source = out_dir / case["source_text"]
    atomic_write(source, source_text)
    body = yaml.dump(case, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    target = out_dir / f"{case['id']}.yaml"
    atomic_write(target, HEADER.format(input=input_path.name, source=case["source_text"]) + body)
    return target
