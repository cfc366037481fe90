"""Incoming links counted at build time, for the pages of resources that thousands of facts use.

A page shows what points at its resource, counted per predicate, apart for the reasoner's
graph (:data:`kgcase.web.pages.sparqltext.RESOURCE`). Counted when the page is shown, that grows
with the corpus: at 100 000 reports the value *certain* has 2.6 million incoming links and its
page took 33 s. The build counts them instead, the way it counts classes and drugs
(:mod:`kgcase.summary`): each worker counts the links into ontology and other shared terms in
its own reports (never into a report's own individuals, which no other report can use), the
main process adds these up with the links of the ontology, the reasoner's classification and
the build's summaries, and writes those of every resource with more than :data:`STORED_ABOVE`
links to ``links.sqlite`` in the release. A page reads them there, and counts the links of
any other resource itself, which is quick for so few.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, URIRef

LINKS_FILE = "links.sqlite"
#: A resource with more incoming links than this has them counted by the build.
STORED_ABOVE = 1000
#: Predicates that are not counted, as on the page: an OWL axiom annotation's source and target.
NOT_COUNTED = frozenset({"http://www.w3.org/2002/07/owl#annotatedSource",
                         "http://www.w3.org/2002/07/owl#annotatedTarget"})

#: (object IRI, predicate IRI, in the reasoner's graph) → (links, links from blank nodes).
LinkCounts = dict[tuple[str, str, bool], tuple[int, int]]

_SCHEMA = """
CREATE TABLE links (iri TEXT NOT NULL, predicate TEXT NOT NULL, label TEXT,
                    inferred INTEGER NOT NULL, n INTEGER NOT NULL, nb INTEGER NOT NULL,
                    PRIMARY KEY (iri, predicate, inferred)) WITHOUT ROWID;
"""


def count_links(triples: Iterable[tuple[object, object, object]], *, inferred: bool,
                skip: str = "", into: LinkCounts | None = None) -> LinkCounts:
    """Add the links of ``triples`` (rdflib terms or pyoxigraph ones) into ``into``: one per
    statement whose object is an IRI not starting with ``skip``."""
    counts: LinkCounts = {} if into is None else into
    for s, p, o in triples:
        if isinstance(o, URIRef):
            target = str(o)
        elif isinstance(o, ox.NamedNode):
            target = o.value
        else:
            continue
        predicate = p.value if isinstance(p, ox.NamedNode) else str(p)
        if (skip and target.startswith(skip)) or predicate in NOT_COUNTED:
            continue
        key = (target, predicate, inferred)
        n, nb = counts.get(key, (0, 0))
        counts[key] = (n + 1, nb + isinstance(s, (BNode, ox.BlankNode)))
    return counts


def add_links(total: LinkCounts, counts: Mapping[tuple[str, str, bool], tuple[int, int]]) -> None:
    """Add one part's counts to ``total``."""
    for key, (n, nb) in counts.items():
        old = total.get(key, (0, 0))
        total[key] = (old[0] + n, old[1] + nb)


def write_links(path: Path, counts: LinkCounts, labels: Mapping[str, str]) -> int:
    """Write the counts of every resource with more than :data:`STORED_ABOVE` links to a new
    SQLite file (with each predicate's label); return how many resources that is."""
    per_resource: dict[str, int] = {}
    for (iri, _p, _inferred), (n, _nb) in counts.items():
        per_resource[iri] = per_resource.get(iri, 0) + n
    kept = {iri for iri, n in per_resource.items() if n > STORED_ABOVE}
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)",
                       sorted((iri, p, labels.get(p), int(inferred), n, nb)
                              for (iri, p, inferred), (n, nb) in counts.items() if iri in kept))
        db.commit()
    finally:
        db.close()
    return len(kept)


class StoredLinks:
    """A release's ``links.sqlite``, opened read-only (the file never changes)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                  check_same_thread=False)

    @classmethod
    def open(cls, release_dir: Path) -> StoredLinks | None:
        """The counts of a release, or ``None`` if its build wrote none."""
        path = release_dir / LINKS_FILE
        return cls(path) if path.is_file() else None

    def of(self, iri: str) -> list[tuple[str, str | None, bool, int, int]]:
        """(predicate, its label, in the reasoner's graph, links, from blank nodes) of ``iri``;
        empty if the build did not count them (then the page counts them)."""
        return [(p, label, bool(inferred), n, nb) for p, label, inferred, n, nb in self.db.execute(
            "SELECT predicate, label, inferred, n, nb FROM links WHERE iri = ? "
            "ORDER BY predicate, inferred", (iri,))]

    def close(self) -> None:
        self.db.close()
