"""The prefix map the workbench completes from, beside the service's own prefixes: every
prefix the Bioregistry knows, with its URI prefix, written once at set-up (``make vendor``)
to a JSON file the service serves as a static file. The editor never asks the network.

``python -m kgcase.web.prefixmap OUT.json`` writes it. The Bioregistry's data ship inside the
``bioregistry`` package (its ``curies`` converter), so writing it needs no network either.
"""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import version
from pathlib import Path

#: What SPARQL accepts as a prefix name (PN_PREFIX, ASCII), and as an IRI's characters.
PREFIX_NAME = re.compile(r"[A-Za-z](?:[\w.-]*[\w-])?", re.ASCII)
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def bioregistry_map() -> tuple[str, list[tuple[str, str]]]:
    """``(source, [(prefix, URI prefix)])``: the Bioregistry's canonical prefixes, sorted;
    those SPARQL cannot write as ``prefix:`` or ``<URI>`` are left out."""
    import bioregistry  # set-up only: the service reads the file this feeds

    converter = bioregistry.get_converter()
    pairs = sorted((prefix, uri) for prefix, uri in converter.bimap.items()
                   if PREFIX_NAME.fullmatch(prefix) and uri.startswith(("http://", "https://"))
                   and not IRI_FORBIDDEN.search(uri))
    return f"bioregistry {version('bioregistry')}", pairs


def write(path: Path) -> int:
    """Write the map to ``path`` (atomically); the number of prefixes written."""
    source, pairs = bioregistry_map()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"source": source, "prefixes": pairs}, separators=(",", ":")),
                       encoding="utf-8")
    partial.replace(path)
    return len(pairs)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kgcase.web.prefixmap OUT.json", file=sys.stderr)
        return 2
    count = write(Path(args[0]))
    print(f"{args[0]}: {count} prefixes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
