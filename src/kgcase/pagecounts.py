"""Patients and reports behind each drug, finding, test and class, counted at build time.

An entity page opens with its answer counted in patients and reports ("anti-dsDNA increased in
1 of 2 patients, 1 report"), and a class page says what in the case data points at it ("6
measurements in 2 patients"). Counted when the page is shown, that means a ``COUNT(DISTINCT)``
over every effect of a drug: tens of thousands at 10 000 reports. The build counts them once,
after the store is loaded, with the SPARQL aggregates below, and writes them to
``page_counts.sqlite`` in the release. A page reads its rows there; without the file (a remote
store, an older release) it runs the same aggregates bound to its resource, so both ways give the
same numbers (``tests/live/test_pages_answer.py`` holds them equal).

Counts per *subject* (the page's resource):

- ``effects``: for a drug (and every superclass: a drug class counts its drugs' effects), per
  target and direction of the observed effects under it, the distinct patients and reports; for
  a finding or test (and superclasses), the same per drug. ``direction`` ``""`` counts every
  direction, ``other`` ``""`` every target (or drug): the denominators.
- ``uses``: per predicate of the case data that names a term (a measurement's test, a finding's
  phenotype, a diagnosis's disease, an exposure's drug), how many such things, in how many
  patients and reports.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgcase.vocab import K

COUNTS_FILE = "page_counts.sqlite"
#: The roles a page's resource has in an observed effect: the drug given, or the target.
ROLES = ("drug", "target")
ALL = ""  # ``other`` or ``direction`` of a row that counts all of them

_PREFIXES = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def _k(name: str) -> str:
    return f"<{getattr(K, name)}>"


#: The case-data predicates a class page counts, with the patient's link to the thing that
#: uses them: (predicate, patient link, what such a thing is called).
USES = ((str(K.measuredEntity), str(K.hasMeasurement), "measurement"),
        (str(K.findingPhenotype), str(K.hasFinding), "finding"),
        (str(K.diagnosedDisease), str(K.hasDiagnosis), "diagnosis"),
        (str(K.exposureDrug), str(K.hasDrugExposure), "drug exposure"))


#: Only observations count: a stated effect, or a derived effect over a patient's whole series
#: (first to last value); the pairwise windows between time points are detail, not counted.
OBSERVATION = (f"FILTER(NOT EXISTS {{ ?effect a {_k('DerivedEffect')} }} "
               f"|| EXISTS {{ ?effect a {_k('PatientLevelEffect')} }})")


#: Every observation (see :data:`OBSERVATION`) as (drug, target, direction, patient, report):
#: the rows the build counts (no aggregate in the store: its ``COUNT(DISTINCT)`` over the drugs'
#: superclasses took 0.4 s on the one seed report).
EFFECT_ROWS = _PREFIXES + f"""SELECT ?d ?t ?dir ?patient ?case WHERE {{
  ?effect {_k("effectOfExposure")} ?exposure ; {_k("affects")} ?t ; {_k("hasDirection")} ?dir ;
          {_k("effectInPatient")} ?patient .
  ?exposure {_k("exposureDrug")} ?d .
  {OBSERVATION}
  OPTIONAL {{ ?patient {_k("describedIn")} ?case }}
}}"""
#: Each drug and target of an effect with itself and its superclasses (asserted or inferred).
ANCESTORS = _PREFIXES + f"""SELECT DISTINCT ?x ?s WHERE {{
  {{ SELECT DISTINCT ?x WHERE {{ {{ ?e {_k("affects")} ?x }}
                                UNION {{ ?e0 {_k("exposureDrug")} ?x }} }} }}
  ?x rdfs:subClassOf* ?s FILTER(isIRI(?s))
}}"""
#: Every use of a term by the case data: (predicate, term, thing, patient, report).
USE_ROWS = f"""SELECT ?p ?s ?x ?patient ?case WHERE {{
  VALUES (?p ?link) {{ {" ".join(f"(<{p}> <{link}>)" for p, link, _ in USES)} }}
  ?x ?p ?s . ?patient ?link ?x FILTER(isIRI(?s))
  OPTIONAL {{ ?patient {_k("describedIn")} ?case }}
}}"""

#: The effect counts, by SQL over the rows above: (role, other side, direction) columns.
_GROUPINGS = [(role, own, other, direction)
              for role, own, other0 in (("drug", "d", "t"), ("target", "t", "d"))
              for other, direction in ((other0, "dir"), (other0, "''"), ("''", "''"))]

@dataclass(frozen=True)
class EffectCount:
    """Patients and reports of the effects under (or on) a subject, for one other side and
    direction (``""``: all of them)."""

    other: str
    direction: str
    patients: int
    reports: int


@dataclass(frozen=True)
class UseCount:
    """Things of the case data that name a term by ``predicate``, their patients and reports."""

    predicate: str
    things: int
    patients: int
    reports: int


_SCHEMA = """
CREATE TABLE effects (subject TEXT NOT NULL, role TEXT NOT NULL, other TEXT NOT NULL,
                      direction TEXT NOT NULL, patients INTEGER NOT NULL,
                      reports INTEGER NOT NULL,
                      PRIMARY KEY (subject, role, other, direction)) WITHOUT ROWID;
CREATE TABLE uses (subject TEXT NOT NULL, predicate TEXT NOT NULL, things INTEGER NOT NULL,
                   patients INTEGER NOT NULL, reports INTEGER NOT NULL,
                   PRIMARY KEY (subject, predicate)) WITHOUT ROWID;
"""


def _value(term: Any) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _rows(store: Any, sparql: str, width: int) -> Iterator[tuple[str, ...]]:
    for row in store.query(sparql, use_default_graph_as_union=True):
        yield tuple(_value(row[i]) for i in range(width))


def write_counts(store: Any, path: Path) -> int:
    """Count over ``store`` (pyoxigraph) into a new SQLite file; return its rows.

    The effects and uses are read once from the store into temporary tables, and counted
    there by ``GROUP BY`` (on disk, so a large corpus does not have to fit in memory)."""
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                         "PRAGMA temp_store=FILE;" + _SCHEMA + """
            CREATE TEMP TABLE fx (d, t, dir, patient, report);
            CREATE TEMP TABLE anc (x, s);
            CREATE TEMP TABLE used (p, s, x, patient, report);""")
        db.executemany("INSERT INTO fx VALUES (?, ?, ?, ?, ?)", _rows(store, EFFECT_ROWS, 5))
        db.executemany("INSERT INTO anc VALUES (?, ?)", _rows(store, ANCESTORS, 2))
        db.executemany("INSERT INTO used VALUES (?, ?, ?, ?, ?)", _rows(store, USE_ROWS, 5))
        db.execute("CREATE INDEX temp.anc_x ON anc (x)")
        for role, own, other, direction in _GROUPINGS:
            db.execute(f"""INSERT INTO effects SELECT anc.s, '{role}', {other}, {direction},
                           COUNT(DISTINCT patient), COUNT(DISTINCT NULLIF(report, ''))
                           FROM fx JOIN anc ON anc.x = fx.{own}
                           GROUP BY anc.s, {other}, {direction}""")  # noqa: S608 - constants
        db.execute("""INSERT INTO uses SELECT s, p, COUNT(DISTINCT x), COUNT(DISTINCT patient),
                      COUNT(DISTINCT NULLIF(report, '')) FROM used GROUP BY s, p""")
        db.commit()
        return sum(db.execute(sql).fetchone()[0] for sql in (
            "SELECT COUNT(*) FROM effects", "SELECT COUNT(*) FROM uses"))
    finally:
        db.close()


class StoredCounts:
    """A release's ``page_counts.sqlite``, opened read-only (the file never changes)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                  check_same_thread=False)

    @classmethod
    def open(cls, release_dir: Path) -> StoredCounts | None:
        """The counts of a release, or ``None`` if its build wrote none."""
        path = release_dir / COUNTS_FILE
        return cls(path) if path.is_file() else None

    def effects(self, subject: str, role: str) -> list[EffectCount]:
        return [EffectCount(*row) for row in self.db.execute(
            "SELECT other, direction, patients, reports FROM effects "
            "WHERE subject = ? AND role = ? ORDER BY other, direction", (subject, role))]

    def uses(self, subject: str) -> list[UseCount]:
        return [UseCount(*row) for row in self.db.execute(
            "SELECT predicate, things, patients, reports FROM uses WHERE subject = ? "
            "ORDER BY predicate", (subject,))]

    def close(self) -> None:
        self.db.close()
