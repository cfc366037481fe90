"""The store interface every backend implements, and the layout of a built release."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox


@dataclass
class Release:
    """What one build produced: its id (used for ETags and cache keys) and its contents."""

    id: str
    built_at: str
    triples: int
    graphs: dict[str, int] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)  # case id -> sha256 of the case file
    ontology_version: str = ""
    stages: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    answers: dict[str, int] = field(default_factory=dict)  # materialised query -> its rows

    def write(self, path: Path) -> None:
        """Write the manifest atomically: a reader (or a killed writer) never leaves half of it.

        Its presence marks a finished release (:func:`kgcase.store.embedded.is_complete`), so it
        is written last, after everything else of the release is on disk.
        """
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("w") as fh:
            fh.write(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def read(cls, path: Path) -> Release:
        return cls(**json.loads(path.read_text()))


class GraphStore(Protocol):
    """Read access to a built graph. Every backend answers the same SPARQL the same way.

    The default graph of a query is the union of all named graphs.
    """

    release: Release | None

    def select(
        self, sparql: str, *, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
    ) -> list[dict[str, Any]]:
        """Run a SELECT; each row maps variable name -> pyoxigraph term (unbound left out)."""
        ...

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        ...

    def construct(self, sparql: str) -> Iterator[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""
        ...

    def close(self) -> None:
        """Release the handle."""
        ...


def rows_from_solutions(solutions: Iterable[Any]) -> list[dict[str, Any]]:
    """Turn pyoxigraph ``QuerySolutions`` into plain dicts keyed by variable name."""
    rows: list[dict[str, Any]] = []
    variables = [v.value for v in solutions.variables]  # type: ignore[attr-defined]
    for sol in solutions:
        row = {name: sol[name] for name in variables if sol[name] is not None}
        rows.append(row)
    return rows
