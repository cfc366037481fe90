"""Effect summaries (computed at build time) equal the counts a SPARQL aggregate finds in the raw
effects, on the seed; tests/test_scale.py checks the same on a synthetic corpus."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kgcase.summary import Summary, effect_summaries

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


def summary_tuples(summaries: list[Summary]) -> set[tuple[str, ...]]:
    return {(s.drug, s.target, s.direction, s.kind, str(s.effects), str(s.patients),
             str(s.cases)) for s in summaries}


def test_stored_summaries_equal_the_raw_aggregate(store):
    raw = as_tuples(store.select(RAW_AGGREGATE))
    assert len(raw) > 20
    assert as_tuples(store.select(STORED)) == raw


def test_summaries_count_each_group_once():
    """Two effects of one drug on one test in one patient: 2 effects, 1 patient, 1 report;
    an effect with no patient is not counted."""
    kg = "https://w3id.org/kgcase/"
    g = ox.NamedNode(kg + "graph/case/x")

    def q(s: str, p: str, o: str) -> ox.Quad:
        return ox.Quad(ox.NamedNode(kg + s), ox.NamedNode(kg + p), ox.NamedNode(kg + o), g)

    store = ox.Store()
    store.extend([
        q("e1", "KGCASE_0001019", "x1"), q("e2", "KGCASE_0001019", "x1"),
        q("e3", "KGCASE_0001019", "x1"),
        q("x1", "KGCASE_0001007", "drug"), q("p1", "KGCASE_0001040", "case"),
        *[q(e, "KGCASE_0001020", "test") for e in ("e1", "e2", "e3")],
        *[q(e, "KGCASE_0001022", "up") for e in ("e1", "e2", "e3")],
        q("e1", "KGCASE_0001021", "p1"), q("e2", "KGCASE_0001021", "p1"),
    ])
    [only] = effect_summaries(store)
    assert (only.drug, only.kind, only.effects, only.patients, only.cases) == (
        kg + "drug", "stated", 2, 1, 1)
