"""Effect summaries (computed at build time) equal the counts a SPARQL aggregate finds in the raw
effects, on the seed; tests/test_scale.py checks the same on a synthetic corpus."""

from __future__ import annotations

from typing import Any

from rdflib import RDF, Namespace

from kgcase.summary import case_counts, merge
from kgcase.vocab import K

#: The counts from the raw effects, by SPARQL: the reference the summaries must equal.
RAW_AGGREGATE = """PREFIX kg: <https://w3id.org/kgcase/>
SELECT ?drug ?target ?direction ?kind (COUNT(DISTINCT ?effect) AS ?effects)
       (COUNT(DISTINCT ?patient) AS ?patients) (COUNT(DISTINCT ?case) AS ?cases)
WHERE {
  ?effect kg:KGCASE_0001019 ?exposure ; kg:KGCASE_0001020 ?target ;
          kg:KGCASE_0001022 ?direction ; kg:KGCASE_0001021 ?patient .
  ?exposure kg:KGCASE_0001007 ?drug .
  ?patient kg:KGCASE_0001040 ?case .
  BIND(IF(EXISTS { ?effect a kg:KGCASE_0000009 }, "derived", "stated") AS ?kind)
}
GROUP BY ?drug ?target ?direction ?kind"""

#: The stored summaries, read back from the summary graph.
STORED = """PREFIX kg: <https://w3id.org/kgcase/>
SELECT ?drug ?target ?direction ?kind ?effects ?patients ?cases WHERE {
  GRAPH <https://w3id.org/kgcase/graph/summary> {
    ?s a kg:KGCASE_0000050 ; kg:KGCASE_0001049 ?drug ; kg:KGCASE_0001050 ?target ;
       kg:KGCASE_0001051 ?direction ; kg:KGCASE_0002038 ?kind ; kg:KGCASE_0002035 ?effects ;
       kg:KGCASE_0002036 ?patients ; kg:KGCASE_0002037 ?cases } }"""

COLUMNS = ("drug", "target", "direction", "kind", "effects", "patients", "cases")


def as_tuples(rows: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    return {tuple(row[c].value for c in COLUMNS) for row in rows}


def test_stored_summaries_equal_the_raw_aggregate(store):
    raw = as_tuples(store.select(RAW_AGGREGATE))
    assert len(raw) > 20
    assert as_tuples(store.select(STORED)) == raw


def test_case_counts_count_each_group_once():
    """Two effects of one drug on one test in one patient: 2 effects, 1 patient, 1 report;
    an effect with no patient is not counted; merging two reports adds up."""
    kg = Namespace("https://w3id.org/kgcase/")
    triples = [
        (kg.e1, K.effectOfExposure, kg.x1), (kg.e2, K.effectOfExposure, kg.x1),
        (kg.e3, K.effectOfExposure, kg.x1), (kg.x1, K.exposureDrug, kg.drug),
        *[(e, K.affects, kg.test) for e in (kg.e1, kg.e2, kg.e3)],
        *[(e, K.hasDirection, kg.up) for e in (kg.e1, kg.e2, kg.e3)],
        (kg.e1, K.effectInPatient, kg.p1), (kg.e2, K.effectInPatient, kg.p1),
        (kg.e2, RDF.type, K.DerivedEffect),
    ]
    counts = case_counts(triples)
    key = (str(kg.drug), str(kg.test), str(kg.up))
    assert counts == {(*key, "stated"): (1, 1, 1), (*key, "derived"): (1, 1, 1)}
    total: dict = {}
    merge(total, counts)
    merge(total, counts)
    assert total[(*key, "derived")] == (2, 2, 2)
