"""The build's page counts (``page_counts.sqlite``) against the same counts made by a SPARQL
aggregate over the raw graph, for every drug, target and term the seed build counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kgcase.pagecounts import ALL, COUNTS_FILE, StoredCounts
from kgcase.store.embedded import release_dir

_EFFECT = """?effect <https://w3id.org/kgcase/KGCASE_0001019> ?exposure ;
        <https://w3id.org/kgcase/KGCASE_0001020> ?t ;
        <https://w3id.org/kgcase/KGCASE_0001022> ?dir ;
        <https://w3id.org/kgcase/KGCASE_0001021> ?patient .
  ?exposure <https://w3id.org/kgcase/KGCASE_0001007> ?d .
  FILTER(NOT EXISTS { ?effect a <https://w3id.org/kgcase/KGCASE_0000009> }
         || EXISTS { ?effect a <https://w3id.org/kgcase/KGCASE_0000069> })  # observations only
  OPTIONAL { ?patient <https://w3id.org/kgcase/KGCASE_0001040> ?case }"""
RAW = """SELECT ?o ?dir (COUNT(DISTINCT ?patient) AS ?np) (COUNT(DISTINCT ?case) AS ?nc) WHERE {
  VALUES ?s { %s } ?%s <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?s . %s
  BIND(?%s AS ?o) } GROUP BY ?o ?dir"""


@pytest.fixture(scope="module")
def counted(built_data_dir) -> Iterator[StoredCounts]:
    path = release_dir(built_data_dir)
    assert (path / COUNTS_FILE).is_file()
    stored = StoredCounts.open(path)
    assert stored is not None
    yield stored
    stored.close()


def _subjects(stored: StoredCounts, role: str) -> list[str]:
    return [row[0] for row in stored.db.execute(
        "SELECT DISTINCT subject FROM effects WHERE role = ? ORDER BY subject", (role,))]


@pytest.mark.parametrize(("role", "own", "other"), [("drug", "d", "t"), ("target", "t", "d")])
def test_pagecounts_equal_a_sparql_aggregate_for_every_subject(store, counted, role, own, other):
    subjects = _subjects(counted, role)
    assert len(subjects) > 5
    for subject in subjects:
        rows = store.select(RAW % (f"<{subject}>", own, _EFFECT, other))
        raw = {(r["o"].value, r["dir"].value): (int(r["np"].value), int(r["nc"].value))
               for r in rows}
        stored = {(c.other, c.direction): (c.patients, c.reports)
                  for c in counted.effects(subject, role) if c.direction != ALL}
        assert stored == raw, subject


def test_pagecounts_count_the_measurements_of_anti_dsdna(counted):
    uses = counted.uses("https://w3id.org/kgcase/KGCASE_0000149")
    assert [(u.things, u.patients, u.reports) for u in uses] == [(6, 2, 1)]


def test_pagecounts_total_of_a_drug_counts_each_patient_once(counted):
    totals = [c for c in counted.effects("https://w3id.org/kgcase/KGCASE_0000100", "drug")
              if c.other == ALL]
    assert [(c.patients, c.reports) for c in totals] == [(2, 1)]
