"""The store contract on every backend: embedded, Oxigraph server, Virtuoso (real servers)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgcase.iris import case_graph_iri, inferred_graph_iri, ontology_graph_iri, summary_graph_iri
from kgcase.store import open_store
from kgcase.store.remote import RemoteStoreError
from remote.store_contract import (
    CATALOGUE,
    deviating_queries,
    expected_deviations,
    neutral,
    neutral_rows,
    run_named,
)

pytestmark = pytest.mark.remote

XSD = "http://www.w3.org/2001/XMLSchema#"
TOCILIZUMAB = "https://w3id.org/kgcase/KGCASE_0000100"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_contract_open_store_selects_the_backend(backend, built_data_dir):
    descriptor = backend.server.descriptor if backend.server else f"oxigraph:{built_data_dir}"
    store = open_store(descriptor)
    try:
        assert type(store) is type(backend.store)
        assert store.graphs() == backend.store.graphs()
    finally:
        store.close()


def test_contract_graphs_are_kgcase_graphs_only(backend):
    assert backend.store.graphs() == sorted(
        [ontology_graph_iri(), inferred_graph_iri(), summary_graph_iri(),
         case_graph_iri("cabrera-2016")])


def test_contract_competency_questions_answer_as_embedded(backend, embedded_backend):
    differ = deviating_queries(backend.store, embedded_backend.store)
    assert set(differ) == expected_deviations(backend.name), differ


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_contract_every_named_query_answers(backend, name):
    rows = run_named(backend.store, name)
    assert rows or name in expected_deviations(backend.name), f"{name}: no rows on {backend.name}"


def test_contract_default_graph_is_the_union_of_kgcase_graphs(backend, embedded_backend):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    total = backend.store.select(count)[0]["n"]
    assert total == embedded_backend.store.select(count)[0]["n"]
    in_graphs = backend.store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/kgcase/graph/')) }")[0]["n"]
    assert total == in_graphs


def test_contract_ask_and_construct(backend, embedded_backend):
    ask = f"ASK {{ GRAPH <{inferred_graph_iri()}> {{ <{TOCILIZUMAB}> ?p ?o }} }}"
    assert backend.store.ask(ask) is True
    assert backend.store.ask("ASK { <urn:kgcase:none> ?p ?o }") is False
    construct = f"CONSTRUCT {{ <{TOCILIZUMAB}> ?p ?o }} WHERE {{ <{TOCILIZUMAB}> ?p ?o }}"
    got = {tuple(neutral(t) for t in triple) for triple in backend.store.construct(construct)}
    want = {tuple(neutral(t) for t in triple)
            for triple in embedded_backend.store.construct(construct)}
    assert got == want and len(got) > 3


@pytest.mark.parametrize("value", [
    ox.Literal('tocilizumab" } ; DROP ALL ; SELECT * { "'),
    ox.Literal("line\nbreak \\ back'slash {}"),
    ox.Literal("ünïcödé → 😀"),
    ox.Literal("tocilizumab", language="en"),
    ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
    ox.NamedNode("https://example.org/a#b?c=d"),
])
def test_contract_parameters_are_bound_not_pasted(backend, value):
    rows = backend.store.select("SELECT ?x WHERE { }", bindings={"x": value})
    assert rows == [{"x": value}]


def test_contract_bound_parameter_filters_like_embedded(backend):
    rows = backend.store.select(
        f"SELECT ?drug ?label WHERE {{ ?drug <{RDFS_LABEL}> ?label }}",
        bindings={"label": ox.Literal("tocilizumab")})
    assert {r["drug"].value for r in rows} == {TOCILIZUMAB}


def test_contract_syntax_error_is_a_syntax_error(backend):
    with pytest.raises(SyntaxError):
        backend.store.select("SELECT ?x WHERE { ?x ")


def test_contract_large_answers_are_complete_or_refused(backend, embedded_backend):
    """Virtuoso silently caps answers at ResultSetMaxRows: reaching it is an error, not rows."""
    query = "SELECT ?s ?p ?o ?k WHERE { ?s ?p ?o VALUES ?k { 1 2 } }"
    expected = len(embedded_backend.store.select(query))
    assert expected > 10000
    if backend.name == "virtuoso":
        with pytest.raises(RemoteStoreError, match="row limit"):
            backend.store.select(query)
    else:
        rows = backend.store.select(query)
        assert len(rows) == expected
        assert neutral_rows(rows[:50]) <= neutral_rows(embedded_backend.store.select(query))
