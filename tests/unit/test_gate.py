"""The gate's one-pattern recogniser: what may run in the web process without a time limit."""

from __future__ import annotations

import pytest

from kgcase.web.errors import QuerySyntaxError
from kgcase.web.gate import one_pattern, prepare_query

BOUNDED = [
    "SELECT ?p ?o WHERE { <https://w3id.org/kgcase/case/x/patient/p1> ?p ?o }",
    "select ?p ?o where { <urn:x> ?p ?o . } limit 10",
    "PREFIX kg: <https://w3id.org/kgcase/>\nSELECT * { kg:x a ?type }",
    "ASK { ?s a <urn:class> }",
    "SELECT ?p WHERE { <urn:x#fragment> ?p ?o }",
]
UNBOUNDED = [
    "SELECT ?s WHERE { ?s ?p ?s }",  # a repeated variable filters a scan of the whole store
    "SELECT ?s WHERE { ?s ?p $s }",  # the same variable, with the other sigil
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT ?p WHERE { ?s ?p ?o } OFFSET 1000000",
    "SELECT ?p WHERE { ?s ?p ?o } ORDER BY ?p",
    "SELECT ?p WHERE { ?s ?p ?o FILTER(?o > 1) }",
    "SELECT ?p WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?p WHERE { <urn:x> ?p 'x' }",
    "SELECT ?p WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?p WHERE { ?s ?p ?o } GROUP BY ?p",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <urn:x>",
]


@pytest.mark.parametrize("text", BOUNDED)
def test_one_pattern_queries_are_bounded(text: str) -> None:
    assert one_pattern(text)
    assert prepare_query(text).bounded


@pytest.mark.parametrize("text", UNBOUNDED)
def test_anything_more_goes_to_a_worker(text: str) -> None:
    assert not one_pattern(text)
    assert not prepare_query(text).bounded


def test_a_comment_is_removed_before_the_check() -> None:
    """The gate judges, and the engine runs, the text without its comment."""
    checked = prepare_query("SELECT ?p WHERE { ?s ?p ?o # a comment could hide anything\n }")
    assert "#" not in checked.text
    assert checked.bounded  # what runs is one pattern


def test_an_escape_outside_a_string_is_an_error() -> None:
    with pytest.raises(QuerySyntaxError, match="backslash"):
        prepare_query("SELECT ?p WHERE { ?s ?p ?o \\u007D }")
