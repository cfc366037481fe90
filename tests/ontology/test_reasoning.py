"""HermiT on the ontology and on small case data: consistency and the inferences we rely on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kgcase.errors import ReasoningError
from kgcase.reason import Reasoning, load_ontology_graph, reason
from kgcase.vocab import OBO, K

from .conftest import EDIT_FILE, ONTOLOGY_DIR

pytestmark = pytest.mark.ontology
EX = Namespace("https://example.org/test/")
HAS_PARTICIPANT = OBO.RO_0000057
PARTICIPATES_IN = OBO.RO_0000056

INFERRED_SUBSUMPTIONS = [
    (K.Tocilizumab, K.IL6PathwayInhibitor),
    (K.Tocilizumab, K.TransSignallingInhibitor),
    (K.Tocilizumab, K.ClassicSignallingInhibitor),
    (K.Tocilizumab, K.IL6ReceptorBlocker),
    (K.Etanercept, K.TNFInhibitor),
    (K.Adalimumab, K.TNFInhibitor),
    (K.ClassicSignallingInhibitor, K.IL6PathwayInhibitor),
    (K.TransSignallingInhibitor, K.IL6PathwayInhibitor),
    (K.IL6ReceptorBlocker, K.IL6PathwayInhibitor),
    (K.InactiveDiseaseMeasurement, K.CJADASMeasurement),
    (K.HighActivityMeasurement, K.Measurement),
]
NOT_ENTAILED = [
    (K.Etanercept, K.IL6PathwayInhibitor),
    (K.Adalimumab, K.IL6ReceptorBlocker),
    (K.Tocilizumab, K.TNFInhibitor),
    (K.MycophenolateMofetil, K.IL6PathwayInhibitor),
    (K.IL6PathwayInhibitor, K.IL6ReceptorBlocker),
]
CJADAS_VALUES = [
    ("20", K.HighActivityMeasurement, K.HighDiseaseActivity),
    ("0", K.InactiveDiseaseMeasurement, K.InactiveDisease),
    ("1", K.LowActivityMeasurement, K.LowDiseaseActivity),
    ("0.99", K.InactiveDiseaseMeasurement, K.InactiveDisease),
    ("2.5", K.LowActivityMeasurement, K.LowDiseaseActivity),
    ("2.505", K.ModerateActivityMeasurement, K.ModerateDiseaseActivity),
    ("2.51", K.ModerateActivityMeasurement, K.ModerateDiseaseActivity),
    ("8.5", K.ModerateActivityMeasurement, K.ModerateDiseaseActivity),
    ("8.51", K.HighActivityMeasurement, K.HighDiseaseActivity),
]
CATEGORIES = {
    K.InactiveDiseaseMeasurement, K.LowActivityMeasurement,
    K.ModerateActivityMeasurement, K.HighActivityMeasurement,
}


def _measurement(value: str) -> URIRef:
    return EX["cjadas-" + value.replace(".", "_")]


@pytest.fixture(scope="module")
def cjadas_reasoning() -> Reasoning:
    """Measurements typed only through 'measured entity' = cJADAS, plus one typed directly."""
    abox = Graph()
    for value, _cls, _category in CJADAS_VALUES:
        m = _measurement(value)
        abox.add((m, K.measuredEntity, K.CJADAS))
        abox.add((m, K.numericValue, Literal(Decimal(value), datatype=XSD.decimal)))
    abox.add((EX.typed, RDF.type, K.CJADASMeasurement))
    abox.add((EX.typed, K.numericValue, Literal("12", datatype=XSD.decimal)))
    abox.add((EX.signalling, HAS_PARTICIPANT, EX.receptor))
    return reason(load_ontology_graph(ONTOLOGY_DIR), abox)


def test_hermit_finds_ontology_consistent_without_unsatisfiable_classes(tbox_reasoning):
    assert tbox_reasoning.consistent
    assert tbox_reasoning.unsatisfiable == []
    assert tbox_reasoning.seconds > 0


@pytest.mark.parametrize(("sub", "sup"), INFERRED_SUBSUMPTIONS)
def test_hermit_infers_subsumption(tbox_reasoning, sub, sup):
    assert (sub, RDFS.subClassOf, sup) in tbox_reasoning.inferred


@pytest.mark.parametrize(("sub", "sup"), NOT_ENTAILED)
def test_hermit_does_not_overclassify(tbox_reasoning, ontology_graph, sub, sup):
    assert (sub, RDFS.subClassOf, sup) not in tbox_reasoning.inferred
    assert (sub, RDFS.subClassOf, sup) not in ontology_graph


def test_inferred_graph_holds_only_new_triples(tbox_reasoning, ontology_graph):
    assert len(tbox_reasoning.inferred) > 0
    assert not [t for t in tbox_reasoning.inferred if t in ontology_graph]


def test_punned_class_gets_no_spurious_type(tbox_reasoning, ontology_graph):
    """Regression: owlready2 0.51 turns SubClassOf answers of punned IRIs into rdf:type."""
    classes = set(ontology_graph.subjects(RDF.type, OWL.Class))
    typed = {s for s, p, _o in tbox_reasoning.inferred if p == RDF.type}
    assert not typed & classes
    assert (K.AntiglobulinTest, RDF.type, K.LaboratoryTest) not in tbox_reasoning.inferred


def test_reasoning_is_deterministic(tbox_reasoning):
    again = reason(load_ontology_graph(ONTOLOGY_DIR))
    assert set(again.inferred) == set(tbox_reasoning.inferred)
    assert again.unsatisfiable == tbox_reasoning.unsatisfiable


@pytest.mark.parametrize(("value", "cls", "category"), CJADAS_VALUES)
def test_cjadas_value_typed_by_disease_activity(cjadas_reasoning, value, cls, category):
    m = _measurement(value)
    types = set(cjadas_reasoning.inferred.objects(m, RDF.type))
    assert {K.CJADASMeasurement, K.Measurement, cls} <= types
    assert types & CATEGORIES == {cls}
    assert (m, K.indicatesActivity, category) in cjadas_reasoning.inferred


def test_cjadas_measurement_typed_directly_is_classified(cjadas_reasoning):
    assert (EX.typed, RDF.type, K.HighActivityMeasurement) in cjadas_reasoning.inferred
    assert (EX.typed, RDF.type, K.Measurement) in cjadas_reasoning.inferred


def test_inverse_property_values_are_inferred(cjadas_reasoning):
    assert (EX.receptor, PARTICIPATES_IN, EX.signalling) in cjadas_reasoning.inferred


def test_property_values_can_be_left_out():
    abox = Graph()
    abox.add((EX.signalling, HAS_PARTICIPANT, EX.receptor))
    result = reason(load_ontology_graph(ONTOLOGY_DIR), abox, property_values=False)
    assert (EX.receptor, PARTICIPATES_IN, EX.signalling) not in result.inferred


def test_case_data_contradicting_the_ontology_raises_reasoning_error():
    abox = Graph()
    abox.add((EX.effect, K.hasCertainty, K.Improved))  # a direction used as a certainty
    with pytest.raises(ReasoningError, match="case data contradicts"):
        reason(load_ontology_graph(ONTOLOGY_DIR), abox)


def test_non_strict_reasoning_reports_inconsistency():
    abox = Graph()
    abox.add((EX.m, K.numericValue, Literal("high")))  # numericValue takes xsd:decimal
    result = reason(load_ontology_graph(ONTOLOGY_DIR), abox, strict=False)
    assert not result.consistent
    assert len(result.inferred) == 0


def test_two_numeric_values_on_one_measurement_are_inconsistent():
    abox = Graph()
    abox.add((EX.m, K.numericValue, Literal("20", datatype=XSD.decimal)))
    abox.add((EX.m, K.numericValue, Literal("0", datatype=XSD.decimal)))  # functional property
    assert not reason(load_ontology_graph(ONTOLOGY_DIR), abox, strict=False).consistent


def test_unsatisfiable_class_is_listed():
    tbox = load_ontology_graph(ONTOLOGY_DIR)
    tbox.add((EX.Both, RDF.type, OWL.Class))
    tbox.add((EX.Both, RDFS.subClassOf, K.ClassicSignalling))
    tbox.add((EX.Both, RDFS.subClassOf, K.TransSignalling))  # declared disjoint
    with pytest.raises(ReasoningError, match="unsatisfiable") as caught:
        reason(tbox)
    assert str(EX.Both) in str(caught.value)
    assert reason(tbox, strict=False).unsatisfiable == [str(EX.Both)]


def test_unmerged_imports_are_refused():
    with pytest.raises(ReasoningError, match="load_ontology_graph"):
        reason(Graph().parse(EDIT_FILE, format="turtle"))
