"""Annotations Protégé users and kgcase pages rely on: labels, definitions, sources, synonyms."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kgcase.vocab import OBO, OBOINOWL, K

pytestmark = pytest.mark.ontology
DEFINITION = OBO.IAO_0000115
DECLARED = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
            OWL.NamedIndividual]
BUILTIN = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
           "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")
KGCASE = "https://w3id.org/kgcase/KGCASE_"
DOI = Literal("doi:10.1136/rmdopen-2016-000271")
XREF = re.compile(r"^(doi:10\.\S+|kgcase:curator|https?://\S+|[A-Za-z]+:\S+)$")
SYNONYMS = [
    (OBO.MONDO_0005854, "MCTD"), (K.PaediatricOnsetMCTD, "pMCTD"), (K.Tocilizumab, "TCZ"),
    (K.SolubleIL6R, "sIL-6R"), (K.MembraneIL6R, "mIL-6R"), (K.GP130, "gp130"),
    (K.GP130, "IL6ST"), (K.CJADAS, "cJADAS"), (OBO.CHEBI_5801, "HCQ"), (OBO.CHEBI_44185, "MTX"),
    (K.MycophenolateMofetil, "MMF"), (OBO.CHEBI_50858, "CTC"), (K.NSAID, "NSAID"),
    (K.AntiDsDNATest, "Farr assay"), (OBO.MONDO_0011429, "JIA"), (OBO.MONDO_0007915, "SLE"),
]
SYNONYM_PROPERTIES = [OBOINOWL.hasExactSynonym, OBOINOWL.hasRelatedSynonym,
                      OBOINOWL.hasBroadSynonym, OBOINOWL.hasNarrowSynonym]


def _declared(graph) -> set[URIRef]:
    return {s for kind in DECLARED for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def _axiom_xrefs(graph, source, prop, target) -> list:
    return [
        x
        for ax in graph.subjects(OWL.annotatedSource, source)
        if (ax, OWL.annotatedProperty, prop) in graph and (ax, OWL.annotatedTarget, target) in graph
        for x in graph.objects(ax, OBOINOWL.hasDbXref)
    ]


def test_every_kgcase_term_has_one_label_and_one_definition(edit_graph):
    terms = {e for e in _declared(edit_graph) if str(e).startswith(KGCASE)}
    assert len(terms) > 150
    for term in sorted(terms):
        assert len(list(edit_graph.objects(term, RDFS.label))) == 1, term
        assert len(list(edit_graph.objects(term, DEFINITION))) == 1, term


def test_every_declared_entity_is_labelled_and_defined(ontology_graph):
    """Imported terms, annotation properties and PROV terms too, so Protégé shows names."""
    for entity in sorted(_declared(ontology_graph)):
        assert list(ontology_graph.objects(entity, RDFS.label)), f"{entity} has no label"
        assert list(ontology_graph.objects(entity, DEFINITION)), f"{entity} has no definition"


def test_every_used_property_is_declared_and_labelled(ontology_graph):
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    for p in sorted(set(ontology_graph.predicates())):
        if str(p).startswith(BUILTIN):
            continue
        assert set(ontology_graph.objects(p, RDF.type)) & kinds, f"{p} is used but not declared"
        assert list(ontology_graph.objects(p, RDFS.label)), f"{p} is used but not labelled"


def test_every_definition_names_its_source(ontology_graph):
    for entity, definition in ontology_graph.subject_objects(DEFINITION):
        xrefs = _axiom_xrefs(ontology_graph, entity, DEFINITION, definition)
        assert xrefs, f"definition of {entity} has no oboInOwl:hasDbXref axiom annotation"
        assert all(XREF.match(str(x)) for x in xrefs), xrefs


def test_definitions_read_from_the_report_cite_it(edit_graph):
    cited = [e for e, d in edit_graph.subject_objects(DEFINITION)
             if DOI in _axiom_xrefs(edit_graph, e, DEFINITION, d)]
    assert {K.Tocilizumab, K.PaediatricOnsetMCTD, K.TransSignalling, K.CJADAS} <= set(cited)


def test_imported_definitions_are_marked_as_written_by_kgcase(ontology_graph):
    for entity, definition in ontology_graph.subject_objects(DEFINITION):
        if str(entity).startswith(str(OBO)) and (entity, RDFS.isDefinedBy, None) in ontology_graph:
            xrefs = _axiom_xrefs(ontology_graph, entity, DEFINITION, definition)
            assert Literal("kgcase:curator") in xrefs, entity
            comment = " ".join(ontology_graph.objects(entity, RDFS.comment))
            assert "authoritative definition is in the source ontology" in comment


@pytest.mark.parametrize(("term", "synonym"), SYNONYMS)
def test_report_abbreviation_is_a_synonym(ontology_graph, term, synonym):
    found = {str(s) for p in SYNONYM_PROPERTIES for s in ontology_graph.objects(term, p)}
    assert synonym in found


def test_every_synonym_names_its_source(ontology_graph):
    for prop in SYNONYM_PROPERTIES:
        for entity, synonym in ontology_graph.subject_objects(prop):
            assert _axiom_xrefs(ontology_graph, entity, prop, synonym), (entity, synonym)


def test_labels_are_plain_strings(ontology_graph):
    for entity, label in ontology_graph.subject_objects(RDFS.label):
        assert isinstance(label, Literal) and label.language is None, (entity, label)
