"""SPARQL QC queries: each finds nothing in the real ontology and fires on its broken fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from .conftest import DATA, ONTOLOGY_DIR

pytestmark = pytest.mark.ontology
QUERIES = sorted((ONTOLOGY_DIR / "sparql").glob("*-violation.rq"))
BROKEN = DATA / "broken"


def _run(query: Path, graph: Graph) -> list[list[str]]:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return [
        [term.value if term is not None else "" for term in solution]
        for solution in store.query(query.read_text(encoding="utf-8"))
    ]


def _fixture(query: Path) -> Path:
    return BROKEN / (query.name.removesuffix("-violation.rq") + ".ttl")


def test_every_query_has_a_broken_fixture_and_a_header():
    assert len(QUERIES) >= 10
    assert {_fixture(q) for q in QUERIES} == set(BROKEN.glob("*.ttl"))
    for query in QUERIES:
        head = query.read_text(encoding="utf-8")
        assert head.startswith("# title: ") and "# description: " in head, query.name


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_violation_query_finds_nothing_in_the_ontology(ontology_graph, query):
    assert _run(query, ontology_graph) == []


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_violation_query_fires_on_its_broken_fixture(query):
    fixture = _fixture(query)
    expected = re.search(r"^# expect: (\S+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE)
    assert expected, f"{fixture.name} needs a '# expect: <IRI>' line"
    rows = _run(query, Graph().parse(fixture, format="turtle"))
    assert rows, f"{query.name} found nothing in {fixture.name}"
    assert expected.group(1) in {value for row in rows for value in row}
