"""`kgcase export`: the OWL file a Protégé user opens, and the RDF dumps."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kgcase.export import FULL_ONTOLOGY_IRI, export_graph
from kgcase.reason import reason
from ontology.owlapi_check import check_with_owlapi


@pytest.fixture(scope="module")
def owl_export(built_data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "kgcase-full.owl"
    export_graph(built_data_dir, out, fmt="owl")
    return out


def test_export_owl_is_self_contained(owl_export):
    g = Graph().parse(owl_export, format="xml")
    assert list(g.subjects(RDF.type, OWL.Ontology)) == [URIRef(FULL_ONTOLOGY_IRI)]
    assert not list(g.objects(None, OWL.imports)), "Protégé must not need the network"
    patients = set(g.subjects(RDF.type, URIRef("https://w3id.org/kgcase/KGCASE_0000002")))
    assert len(patients) == 2


@pytest.mark.ontology
def test_export_owl_loads_in_owlapi_without_loss(owl_export):
    """What Protégé does: the OWL API parses every triple, and the file is OWL 2 DL."""
    result = check_with_owlapi(owl_export)
    summary = result["summary"]
    assert summary["unparsed_triples"] == 0, result["unparsed_triple"][:5]
    assert summary["dl_violations"] == 0, result["dl_violation"][:10]
    # case individuals carry no owl:NamedIndividual declaration, and none is needed
    assert summary["guessed_declarations"] == 0, result["guessed_declaration"][:10]
    assert summary["axioms"] > 1000


@pytest.mark.ontology
def test_export_owl_consistent_under_hermit(owl_export):
    g = Graph().parse(owl_export, format="xml")
    result = reason(g)
    assert result.consistent and result.unsatisfiable == []


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("ttl", ox.RdfFormat.TURTLE),
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("nq", ox.RdfFormat.N_QUADS),
        ("trig", ox.RdfFormat.TRIG),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_export_rdf_formats_round_trip(built_data_dir, tmp_path, fmt, rdf_format, store):
    out = tmp_path / f"graph.{fmt}"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kgcase.cli",
            "export",
            "--data-dir",
            str(built_data_dir),
            "--format",
            fmt,
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    quads = list(ox.parse(path=str(out), format=rdf_format))
    parsed = ox.Dataset(quads)
    if fmt in ("nq", "trig", "jsonld"):  # the named graphs survive
        assert len(parsed) == store.triple_count()
        assert {q.graph_name.value for q in quads} == set(store.graphs())
    else:  # triples of all graphs in one (blank nodes relabelled; duplicates merged)
        assert 0.95 * store.triple_count() <= len(parsed) <= store.triple_count()
