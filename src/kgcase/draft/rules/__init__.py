"""Every clinical cue the drafter uses lives in a JSON file here; code holds no clinical literals.

Each file has one top-level key naming its kind (``{"effects": {...}}`` in ``effects.json``);
:func:`load_rules` checks that key and the entry keys the kind allows, and names the file and
the entry in its error.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from kgcase.errors import KgcaseError

HERE = Path(__file__).parent

#: The keys each rule file may hold under its top-level key.
ALLOWED: dict[str, set[str]] = {
    "sections": {"headings", "abstract", "background", "references"},
    "patients": {"introduction", "reference", "sex", "age"},
    "exposures": {"dose", "interval", "routes", "start", "stop", "reason", "history"},
    "measurements": {"value", "units", "reference", "time"},
    "effects": {"directions", "window", "treatment"},
    "claims": {"cues", "citation", "observation"},
    "lexicon": {"forms"},
    "context": {"categories", "drop_default"},
    "mentions": {"finding_cue"},
}


class RuleFileError(KgcaseError):
    """A rule file that does not have the shape its kind requires."""


@cache
def load_rules(name: str) -> dict[str, Any]:
    """The entries of ``rules/<name>.json``, checked against :data:`ALLOWED`."""
    path = HERE / f"{name}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    if set(raw) != {name}:
        raise RuleFileError(f"{path}: the top-level key must be {name!r}, not {sorted(raw)}")
    body = raw[name]
    unknown = set(body) - ALLOWED[name]
    if unknown:
        raise RuleFileError(f"{path}: unknown entries {sorted(unknown)}; "
                            f"allowed: {sorted(ALLOWED[name])}")
    return body  # type: ignore[no-any-return]


def rule_path(name: str) -> Path:
    return HERE / f"{name}.json"
