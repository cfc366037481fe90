"""Effect summaries (computed at build time) equal the counts a SPARQL aggregate finds in the raw
effects, on the seed; tests/test_scale.py checks the same on a synthetic corpus."""

from __future__ import annotations

from typing import Any

from rdflib import RDF, Namespace

from kgcase.summary import add_counts, case_counts, class_counts, drug_counts
from kgcase.vocab import K

#: The counts from the raw effects, by SPARQL: the reference the summaries must equal. An
#: observation is one patient under one exposure; derived effects count by their patient-level
#: effect only, not by each pairwise window.
RAW_AGGREGATE = """PREFIX kg: <https://w3id.org/kgcase/>
SELECT ?drug ?target ?direction ?kind
       (COUNT(DISTINCT CONCAT(STR(?patient), " ", STR(?exposure))) AS ?effects)
       (COUNT(DISTINCT ?patient) AS ?patients) (COUNT(DISTINCT ?case) AS ?cases)
WHERE {
  ?effect kg:KGCASE_0001019 ?exposure ; kg:KGCASE_0001020 ?target ;
          kg:KGCASE_0001022 ?direction ; kg:KGCASE_0001021 ?patient .
  ?exposure kg:KGCASE_0001007 ?drug .
  ?patient kg:KGCASE_0001040 ?case .
  FILTER(NOT EXISTS { ?effect a kg:KGCASE_0000009 } || EXISTS { ?effect a kg:KGCASE_0000069 })
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

#: Individuals per kgcase class over every graph but the summaries, by SPARQL.
RAW_CLASSES = """SELECT ?x (COUNT(DISTINCT ?i) AS ?n) WHERE {
  GRAPH ?g { ?i a ?x }
  FILTER(?g != <https://w3id.org/kgcase/graph/summary>)
  FILTER(STRSTARTS(STR(?x), "https://w3id.org/kgcase/"))
} GROUP BY ?x"""
STORED_CLASSES = """PREFIX kg: <https://w3id.org/kgcase/>
SELECT ?x ?n WHERE { GRAPH <https://w3id.org/kgcase/graph/summary> {
  ?c a kg:KGCASE_0000051 ; kg:KGCASE_0001052 ?x ; kg:KGCASE_0002039 ?n } }"""
#: Exposures (that a patient has) and their patients per drug, by SPARQL.
RAW_DRUGS = """PREFIX kg: <https://w3id.org/kgcase/>
SELECT ?x (COUNT(DISTINCT ?e) AS ?n) (COUNT(DISTINCT ?pt) AS ?np) WHERE {
  ?e kg:KGCASE_0001007 ?x . ?pt kg:KGCASE_0001006 ?e } GROUP BY ?x"""
STORED_DRUGS = """PREFIX kg: <https://w3id.org/kgcase/>
SELECT ?x ?n ?np WHERE { GRAPH <https://w3id.org/kgcase/graph/summary> {
  ?c a kg:KGCASE_0000052 ; kg:KGCASE_0001053 ?x ; kg:KGCASE_0002040 ?n ;
     kg:KGCASE_0002041 ?np } }"""


def counted(rows: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    return {tuple(value.value for _name, value in sorted(row.items())) for row in rows}


def as_tuples(rows: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    return {tuple(row[c].value for c in COLUMNS) for row in rows}


def test_stored_summaries_equal_the_raw_aggregate(store):
    raw = as_tuples(store.select(RAW_AGGREGATE))
    assert len(raw) > 20
    assert as_tuples(store.select(STORED)) == raw


def test_stored_class_and_drug_counts_equal_the_raw_aggregates(store):
    raw_classes = counted(store.select(RAW_CLASSES))
    assert len(raw_classes) > 10
    assert counted(store.select(STORED_CLASSES)) == raw_classes
    raw_drugs = counted(store.select(RAW_DRUGS))
    assert len(raw_drugs) > 5
    assert counted(store.select(STORED_DRUGS)) == raw_drugs


def test_class_and_drug_counts_count_distinct_individuals():
    """An individual typed twice with one class counts once; only kgcase classes count; an
    exposure no patient has is not counted; two reports add up."""
    kg = Namespace("https://w3id.org/kgcase/")
    other = Namespace("http://purl.obolibrary.org/obo/")
    triples = [
        (kg.x1, RDF.type, K.DrugExposure), (kg.x1, RDF.type, K.DrugExposure),
        (kg.x2, RDF.type, K.DrugExposure), (kg.x1, RDF.type, other.OBI_0000070),
        (kg.x1, K.exposureDrug, kg.drug), (kg.x2, K.exposureDrug, kg.drug),
        (kg.x3, K.exposureDrug, kg.drug),
        (kg.p1, K.hasDrugExposure, kg.x1), (kg.p1, K.hasDrugExposure, kg.x2),
    ]
    classes, drugs = class_counts(triples), drug_counts(triples)
    assert classes == {str(K.DrugExposure): 2}
    assert drugs == {str(kg.drug): (2, 1)}
    total: dict = {}
    for _ in range(2):
        add_counts(total, drugs)
    assert total == {str(kg.drug): (4, 2)}


def test_case_counts_count_each_group_once():
    """Per kind, one patient under one exposure is one observation however many sentences or
    windows show it: a pairwise window counts only through its patient-level effect; an effect
    with no patient is not counted; merging two reports adds up."""
    kg = Namespace("https://w3id.org/kgcase/")
    triples = [
        *[(e, K.effectOfExposure, kg.x1) for e in (kg.e1, kg.e2, kg.e3, kg.e4, kg.e5)],
        (kg.x1, K.exposureDrug, kg.drug),
        *[(e, K.affects, kg.test) for e in (kg.e1, kg.e2, kg.e3, kg.e4, kg.e5)],
        *[(e, K.hasDirection, kg.up) for e in (kg.e1, kg.e2, kg.e3, kg.e4, kg.e5)],
        *[(e, K.effectInPatient, kg.p1) for e in (kg.e1, kg.e2, kg.e4, kg.e5)],
        (kg.e2, RDF.type, K.DerivedEffect), (kg.e2, RDF.type, K.PatientLevelEffect),
        (kg.e4, RDF.type, K.DerivedEffect),  # a window: detail, not counted
    ]
    counts = case_counts(triples)
    key = (str(kg.drug), str(kg.test), str(kg.up))
    assert counts == {(*key, "stated"): (1, 1, 1), (*key, "derived"): (1, 1, 1)}
    total: dict = {}
    add_counts(total, counts)
    add_counts(total, counts)
    assert total[(*key, "derived")] == (2, 2, 2)
