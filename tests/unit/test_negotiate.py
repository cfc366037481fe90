"""Accept parsing and format choice: pure functions, no server."""

from __future__ import annotations

import pytest

from kgcase.web.negotiate import (
    API_OFFERS,
    GRAPH_OFFERS,
    SELECT_OFFERS,
    MediaRange,
    choose_format,
    format_by_key,
    parse_accept,
)


@pytest.mark.parametrize(("header", "expected"), [
    (None, [MediaRange("*", "*", 1.0)]),
    ("", [MediaRange("*", "*", 1.0)]),
    ("text/csv", [MediaRange("text", "csv", 1.0)]),
    ("Text/CSV ; q=0.5", [MediaRange("text", "csv", 0.5)]),
    ("text/*;q=0.3, */*;q=0.1", [MediaRange("text", "*", 0.3), MediaRange("*", "*", 0.1)]),
    ("application/json;charset=utf-8;q=0.7", [MediaRange("application", "json", 0.7)]),
    ("text/csv;q=abc", [MediaRange("text", "csv", 1.0)]),
    ("text/csv;q=7", [MediaRange("text", "csv", 1.0)]),
    ("text/csv;q=-1", [MediaRange("text", "csv", 0.0)]),
    ("garbage, text/csv, /x, x/, */json", [MediaRange("text", "csv", 1.0)]),
])
def test_parse_accept(header, expected):
    assert parse_accept(header) == expected


@pytest.mark.parametrize(("header", "key"), [
    (None, "json"),
    ("*/*", "json"),
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "xml"),
    ("text/*", "csv"),
    ("text/*;q=0.9, application/sparql-results+json;q=0.1", "csv"),
    ("text/csv;q=0, text/*", "tsv"),
    ("*/*;q=0.1, text/tab-separated-values;q=0.2", "tsv"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
    ("application/sparql-results+json, text/csv", "json"),
    ("text/csv, application/sparql-results+json", "json"),
    ("image/png, */*;q=0.01", "json"),
])
def test_choose_select_format(header, key):
    assert choose_format(header, SELECT_OFFERS).key == key


@pytest.mark.parametrize(("header", "key"), [
    (None, "turtle"),
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("text/plain", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/ld+json;q=0.2, text/turtle;q=0.1", "jsonld"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "turtle"),
])
def test_choose_graph_format(header, key):
    assert choose_format(header, GRAPH_OFFERS).key == key


@pytest.mark.parametrize(("header", "offers"), [
    ("text/turtle", SELECT_OFFERS),
    ("text/csv", GRAPH_OFFERS),
    ("image/png", SELECT_OFFERS),
    ("application/sparql-results+json;q=0", SELECT_OFFERS),
    ("*/*;q=0", GRAPH_OFFERS),
    ("text/html", API_OFFERS),
])
def test_nothing_acceptable_is_none(header, offers):
    assert choose_format(header, offers) is None


@pytest.mark.parametrize(("value", "offers", "key"), [
    ("csv", SELECT_OFFERS, "csv"),
    ("TSV", SELECT_OFFERS, "tsv"),
    ("srx", SELECT_OFFERS, "xml"),
    ("text/csv", SELECT_OFFERS, "csv"),
    ("ttl", GRAPH_OFFERS, "turtle"),
    ("json-ld", GRAPH_OFFERS, "jsonld"),
    ("nt", GRAPH_OFFERS, "ntriples"),
    ("plain", API_OFFERS, "plain"),
    ("xml", SELECT_OFFERS, "xml"),  # SPARQLWrapper sends format=xml with every query …
    ("xml", GRAPH_OFFERS, "rdfxml"),  # … so for a graph answer it means RDF/XML
    ("json", GRAPH_OFFERS, "jsonld"),
])
def test_format_by_key(value, offers, key):
    assert format_by_key(value, offers).key == key


def test_format_by_key_unknown_is_none():
    assert format_by_key("turtle", SELECT_OFFERS) is None


def test_api_default_is_plain_json():
    fmt = choose_format("*/*", API_OFFERS)
    assert fmt.key == "plain"
    assert fmt.content_type == "application/json; charset=utf-8"
