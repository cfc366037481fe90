"""The contract with the code (kgcase.vocab) and the ID policy (kgcase-idranges.owl)."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kgcase.iris import DEFAULT_BASE
from kgcase.vocab import TERMS

from .conftest import ONTOLOGY_DIR

pytestmark = pytest.mark.ontology
KINDS = {
    "class": OWL.Class,
    "object": OWL.ObjectProperty,
    "data": OWL.DatatypeProperty,
    "annotation": OWL.AnnotationProperty,
    "individual": OWL.NamedIndividual,
}
TERM = re.compile(re.escape(DEFAULT_BASE) + r"KGCASE_(\d{7})$")
#: Numbers kgcase may mint beyond vocab.py: classes/individuals, and properties.
NEW_RANGES = {"entity": range(300, 500), "property": range(3000, 3100)}


def _kgcase_terms(graph) -> dict[URIRef, set[URIRef]]:
    found: dict[URIRef, set[URIRef]] = {}
    for s, kind in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and TERM.match(str(s)) and kind in KINDS.values():
            found.setdefault(s, set()).add(kind)
    return found


def test_vocab_terms_declared_with_their_kind_and_exact_label(edit_graph):
    problems = []
    for name, (iri, kind, label) in sorted(TERMS.items()):
        if (iri, RDF.type, KINDS[kind]) not in edit_graph:
            problems.append(f"{name} ({iri}) is not declared as a {kind}")
        labels = list(edit_graph.objects(iri, RDFS.label))
        if labels != [Literal(label)]:
            problems.append(f"{name}: labels {labels!r}, the contract says {label!r}")
        elif labels[0].language is not None or labels[0].datatype not in (None, XSD.string):
            problems.append(f"{name}: label {labels[0]!r} is not a plain string")
    assert problems == []


def test_every_kgcase_term_has_one_owl_kind(edit_graph):
    kinds = _kgcase_terms(edit_graph)
    assert {iri: k for iri, k in kinds.items() if len(k) != 1} == {}


def test_terms_beyond_the_contract_use_the_reserved_numbers(edit_graph):
    contract = {iri for iri, _kind, _label in TERMS.values()}
    for iri, kinds in _kgcase_terms(edit_graph).items():
        if iri in contract:
            continue
        number = int(TERM.match(str(iri)).group(1))
        props = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
        allowed = NEW_RANGES["property"] if kinds & props else NEW_RANGES["entity"]
        assert number in allowed, f"{iri} is outside the range reserved for new terms"


def test_every_kgcase_number_is_in_the_allocated_id_range(edit_graph):
    text = (ONTOLOGY_DIR / "kgcase-idranges.owl").read_text(encoding="utf-8")
    assert 'idprefix: "https://w3id.org/kgcase/KGCASE_"' in text
    assert "iddigits: 7" in text
    ranges = [
        range(int(lo), int(hi) + 1)
        for lo, hi in re.findall(r"xsd:integer\[>= (\d+) , <= (\d+)\]", text)
    ]
    assert len(ranges) == 1, "kgcase allocates one ID range"
    iris = {str(x) for t in edit_graph for x in t if isinstance(x, URIRef)}
    numbers = [int(m.group(1)) for m in map(TERM.match, iris) if m]
    assert numbers
    assert [n for n in numbers if n not in ranges[0]] == []
