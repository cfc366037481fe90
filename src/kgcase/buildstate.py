"""What a build leaves in its release for the next build to start from: ``build-state.json``.

An incremental build (:mod:`kgcase.incremental`) makes its release from the previous one, so it
needs to know which case file gave which report, with which content, and the totals the build
added up over every report (effect summaries, class and drug counts, incoming links). The
totals are sums of per-report counts (:mod:`kgcase.summary`, :mod:`kgcase.links`), so a changed
report is taken out by subtracting its old counts and put back by adding its new ones
(:meth:`Totals.add`), with no report read again.

The file names the release it was written for: a release made by ``POST /sparql/update``
copies the files of the one before it but not its case files' state, and is never a base.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgcase.links import LinkCounts
from kgcase.pipeline import CaseResult
from kgcase.summary import ClassCounts, Counts, DrugCounts

STATE_FILE = "build-state.json"
#: The layout of the file; a release written in another one is not a base.
STATE_FORMAT = 1


@dataclass
class Totals:
    """Counts added up over every report (and the ontology's own classes and links)."""

    counts: Counts = field(default_factory=dict)
    classes: ClassCounts = field(default_factory=dict)
    drugs: DrugCounts = field(default_factory=dict)
    links: LinkCounts = field(default_factory=dict)  # before the build's summaries' own

    def add(self, result: CaseResult, sign: int = 1) -> None:
        """Add one report's counts (``sign=-1``: take them out)."""
        _add(self.counts, result.counts, sign)
        _add(self.classes, result.classes, sign)
        _add(self.drugs, result.drugs, sign)
        _add(self.links, result.links, sign)

    def add_links(self, links: LinkCounts, sign: int = 1) -> None:
        """Add links counted for a batch of reports (:attr:`kgcase.pipeline.Batch.links`)."""
        _add(self.links, links, sign)

    def to_json(self) -> dict[str, Any]:
        return {"effects": [[*k, *v] for k, v in sorted(self.counts.items())],
                "classes": dict(sorted(self.classes.items())),
                "drugs": {k: list(v) for k, v in sorted(self.drugs.items())},
                "links": [[*k, *v] for k, v in sorted(self.links.items())]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Totals:
        return cls({tuple(r[:4]): tuple(r[4:]) for r in data["effects"]},  # type: ignore[misc]
                   dict(data["classes"]),
                   {k: tuple(v) for k, v in data["drugs"].items()},  # type: ignore[misc]
                   {(o, p, bool(i)): (n, nb) for o, p, i, n, nb in data["links"]})


def _add(total: dict[Any, Any], part: dict[Any, Any], sign: int) -> None:
    """``total += sign * part``, key by key; a key whose counts reach zero is dropped, as a
    full build never has one."""
    for key, value in part.items():
        if isinstance(value, int):
            new: Any = total.get(key, 0) + sign * value
            empty = new == 0
        else:
            old = total.get(key, (0,) * len(value))
            new = tuple(a + sign * b for a, b in zip(old, value, strict=True))
            empty = not any(new)
        if empty:
            total.pop(key, None)
        else:
            total[key] = new


@dataclass
class BuildState:
    """The state of the case files one release was built from."""

    release: str  # the release id this state belongs to
    digest: str  # the build's digest (ontology, code, settings): see kgcase.build.prepare
    plans: dict[str, str]  # materialised query -> digest of its text
    files: dict[str, tuple[str, str]]  # case file (relative) -> (case id, sha256)
    totals: Totals

    def write(self, path: Path) -> None:
        """Write the file atomically."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({
            "format": STATE_FORMAT, "release": self.release, "digest": self.digest,
            "plans": self.plans, "files": {k: list(v) for k, v in sorted(self.files.items())},
            "totals": self.totals.to_json()}, separators=(",", ":")))
        os.replace(tmp, path)

    @classmethod
    def read(cls, path: Path) -> BuildState | None:
        """The state in ``path``, or ``None`` if it is missing, unreadable or of another format."""
        try:
            data = json.loads(path.read_text())
            if data.get("format") != STATE_FORMAT:
                return None
            return cls(data["release"], data["digest"], dict(data["plans"]),
                       {k: (v[0], v[1]) for k, v in data["files"].items()},
                       Totals.from_json(data["totals"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
