"""SPARQL 1.1 Protocol at /sparql, over real HTTP: SPARQLWrapper and requests."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
import requests
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.live

KG = "https://w3id.org/kgcase/"
CASE_GRAPH = KG + "graph/case/cabrera-2016"
ONTOLOGY_GRAPH = KG + "graph/ontology"
TOTAL_TRIPLES = 77
CASE_TRIPLES = 44
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DIAGNOSES = """PREFIX KGCASE: <https://w3id.org/kgcase/KGCASE_>
SELECT ?patient ?diagnosis WHERE { ?patient KGCASE:0000111 ?diagnosis }
ORDER BY ?patient ?diagnosis"""
CONSTRUCT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?drug rdfs:label ?label } WHERE {
  ?drug rdfs:label ?label FILTER(STRSTARTS(STR(?drug), "https://go.drugbank.com/")) }"""


def count(server, **params) -> int:
    r = requests.get(server.sparql, params={"query": COUNT, **params},
                     headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_sparqlwrapper_select_json(live_server):
    client = SPARQLWrapper(live_server.sparql)
    client.setQuery(DIAGNOSES)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert len(rows) == 3
    assert rows[0]["diagnosis"] == {"type": "uri",
                                    "value": "http://purl.obolibrary.org/obo/MONDO_0005854"}


def test_sparqlwrapper_select_xml_by_post(live_server):
    client = SPARQLWrapper(live_server.sparql)
    client.setMethod(POST)
    client.setQuery(DIAGNOSES)
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert len(document.getElementsByTagName("result")) == 3


def test_sparqlwrapper_select_csv(live_server):
    client = SPARQLWrapper(live_server.sparql)
    client.setQuery(DIAGNOSES)
    client.setReturnFormat(CSV)
    lines = client.query().convert().decode().splitlines()
    assert lines[0] == "patient,diagnosis"
    assert len(lines) == 4


def test_sparqlwrapper_construct_turtle(live_server):
    client = SPARQLWrapper(live_server.sparql)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    labels = {str(o) for o in graph.objects()}
    assert labels == {"tocilizumab", "prednisone"}


def test_post_sparql_query_body(live_server):
    r = requests.post(live_server.sparql, data=DIAGNOSES.encode(),
                      headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 3


def test_default_graph_is_union_of_named_graphs(live_server):
    assert count(live_server) == TOTAL_TRIPLES


def test_default_graph_uri_restricts_default_graph(live_server):
    assert count(live_server, **{"default-graph-uri": CASE_GRAPH}) == CASE_TRIPLES


def test_named_graph_uri_restricts_graph_clause(live_server):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = requests.post(live_server.sparql, data={"query": query, "named-graph-uri": ONTOLOGY_GRAPH},
                      timeout=10)
    graphs = [b["g"]["value"] for b in r.json()["results"]["bindings"]]
    assert graphs == [ONTOLOGY_GRAPH]


def test_from_in_query_restricts_default_graph(live_server):
    r = requests.get(live_server.sparql, timeout=10, params={
        "query": f"SELECT (COUNT(*) AS ?n) FROM <{CASE_GRAPH}> WHERE {{ ?s ?p ?o }}"})
    assert r.json()["results"]["bindings"][0]["n"]["value"] == str(CASE_TRIPLES)


def test_bad_graph_uri_is_400(live_server):
    r = requests.get(live_server.sparql, params={"query": COUNT, "default-graph-uri": "not an iri"},
                     timeout=10)
    assert r.status_code == 400


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     "application/sparql-results+xml"),
    ("text/*;q=0.9, application/sparql-results+json;q=0.1", "text/csv"),
])
def test_select_content_negotiation(live_server, accept, expected):
    headers = {"Accept": accept} if accept else {}
    r = requests.get(live_server.sparql, params={"query": DIAGNOSES}, headers=headers, timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/turtle", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/ld+json", "application/ld+json"),
    ("application/ld+json;q=0.2, text/turtle;q=0.1", "application/ld+json"),
    ("text/plain", "application/n-triples"),
])
def test_construct_content_negotiation(live_server, accept, expected):
    r = requests.get(live_server.sparql, params={"query": CONSTRUCT}, headers={"Accept": accept},
                     timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == expected
    triples = list(ox.parse(r.content, format=ox.RdfFormat.from_media_type(expected)))
    assert len(triples) == 2


def test_format_parameter_overrides_accept(live_server):
    r = requests.get(live_server.sparql, params={"query": DIAGNOSES, "format": "tsv"},
                     headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert r.headers["Content-Type"].startswith("text/tab-separated-values")
    assert r.text.splitlines()[0] == "?patient\t?diagnosis"


@pytest.mark.parametrize(("query", "accept"), [
    (DIAGNOSES, "text/turtle"),
    (CONSTRUCT, "text/csv"),
    (DIAGNOSES, "image/png, text/html"),
    (DIAGNOSES, "application/sparql-results+json;q=0"),
])
def test_unservable_accept_is_406(live_server, query, accept):
    r = requests.get(live_server.sparql, params={"query": query}, headers={"Accept": accept},
                     timeout=10)
    assert r.status_code == 406
    assert r.headers["Content-Type"].startswith("text/plain")


def test_service_description_lists_named_graphs(live_server):
    r = requests.get(live_server.sparql, headers={"Accept": "text/turtle"}, timeout=10)
    assert r.status_code == 200
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, rdflib.RDF.type, sd.Service) in graph
    assert (None, sd.endpoint, rdflib.URIRef(live_server.sparql)) in graph
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == {CASE_GRAPH, ONTOLOGY_GRAPH, KG + "graph/inferred"}


def test_cors_on_answers_and_preflight(live_server):
    r = requests.get(live_server.sparql, params={"query": COUNT},
                     headers={"Origin": "https://yasgui.example"}, timeout=10)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in r.headers["Access-Control-Expose-Headers"]
    pre = requests.options(live_server.sparql, timeout=10, headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]


def test_head_mirrors_get(live_server):
    params = {"query": DIAGNOSES}
    get = requests.get(live_server.sparql, params=params, timeout=10)
    head = requests.head(live_server.sparql, params=params, timeout=10)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "Content-Length", "ETag"):
        assert head.headers[name] == get.headers[name]


def test_long_get_query_is_served(live_server):
    values = " ".join(f'"value number {i}"' for i in range(1500))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?v {{ {values} }} }}"
    r = requests.get(live_server.sparql, params={"query": query}, timeout=10)
    assert len(r.request.url) > 30_000
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "1500"


def test_too_long_get_query_is_414(live_server):
    """Past max_url_bytes (65 000) the app says what to do; past 64 KB the HTTP server refuses
    the request target itself, with the same status."""
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 65_100
    r = requests.get(live_server.sparql, params={"query": query}, timeout=10)
    assert r.status_code == 414
    assert "POST" in r.text
    longer = requests.get(live_server.sparql, params={"query": query + "x" * 5_000}, timeout=10)
    assert longer.status_code == 414


@pytest.mark.parametrize(("method", "kwargs", "message"), [
    ("get", {"params": {"query": "SELECT * WHERE { ?s ?p }"}}, "line 1, column 24"),
    ("get", {"params": {"query": "SELECT * FROM <urn:g> WHERE { ?s ?p }"}}, "line:1, col:"),
    ("post", {"data": {"default-graph-uri": CASE_GRAPH}}, "no 'query'"),
    ("get", {"params": [("query", COUNT), ("query", COUNT)]}, "more than one"),
    ("post", {"data": COUNT.encode(), "params": {"query": COUNT},
              "headers": {"Content-Type": "application/sparql-query"}}, "more than one"),
    ("get", {"params": {"query": "SELECT * WHERE { ?s ex:p ?o }"}}, "prefix"),
])
def test_bad_requests_are_400_with_message(live_server, method, kwargs, message):
    r = requests.request(method, live_server.sparql, timeout=10, **kwargs)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/plain")
    assert message in r.text


def test_unknown_body_type_is_415(live_server):
    r = requests.post(live_server.sparql, data=COUNT, headers={"Content-Type": "text/plain"},
                      timeout=10)
    assert r.status_code == 415


def test_two_megabyte_body_is_413(live_server):
    body = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 2_000_000).encode()
    r = requests.post(live_server.sparql, data=body, timeout=30,
                      headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_etag_and_conditional_get(live_server):
    first = requests.get(live_server.sparql, params={"query": DIAGNOSES}, timeout=10)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"live-1-')
    again = requests.get(live_server.sparql, params={"query": DIAGNOSES}, timeout=10,
                         headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    as_csv = requests.get(live_server.sparql, params={"query": DIAGNOSES}, timeout=10,
                          headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert as_csv.status_code == 200
    assert as_csv.headers["ETag"] != etag


def test_volatile_query_has_no_etag(live_server):
    r = requests.get(live_server.sparql, params={"query": "SELECT (RAND() AS ?r) WHERE {}"},
                     timeout=10)
    assert r.status_code == 200
    assert "ETag" not in r.headers


def test_row_cap_sets_truncation_header(live_server):
    r = requests.get(live_server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                     timeout=10)
    assert r.headers["X-KGCase-Truncated"] == "true"
    assert r.headers["X-KGCase-Row-Limit"] == str(live_server.max_rows)
    assert len(json.loads(r.content)["results"]["bindings"]) == live_server.max_rows
    small = requests.get(live_server.sparql, params={"query": DIAGNOSES}, timeout=10)
    assert "X-KGCase-Truncated" not in small.headers


def test_ask(live_server):
    r = requests.get(live_server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert r.json() == {"head": {}, "boolean": True}


def test_relative_iris_resolve_against_the_endpoint(live_server):
    """SPARQL 1.1 Protocol: a query may use relative IRIs; the service gives them a base."""
    r = requests.post(live_server.sparql, data={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                      headers={"Accept": "application/n-triples"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.text.startswith("<http://127.0.0.1:") and "/s> <" in r.text


@pytest.mark.parametrize(("body", "content_type", "status"), [
    ("ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16", 415),
    ("ASK {}".encode("utf-16"), "application/sparql-query", 400),
    ("ASK {}".encode("utf-16-le"), "application/sparql-query", 400),
    (b"", "application/sparql-query", 400),
])
def test_a_query_body_must_be_utf8(live_server, body, content_type, status):
    r = requests.post(live_server.sparql, data=body, headers={"Content-Type": content_type},
                      timeout=10)
    assert r.status_code == status, r.text
    assert "UTF-8" in r.text or "no query" in r.text


def test_a_get_naming_a_dataset_without_a_query_is_a_400(live_server):
    r = requests.get(live_server.sparql, params={"default-graph-uri": "urn:g"}, timeout=10)
    assert r.status_code == 400
    assert "no 'query'" in r.text
    assert requests.get(live_server.sparql, timeout=10).status_code == 200  # the description
