"""Readable linked data: Turtle with prefixes and nested blank nodes, compact JSON-LD under a
published context, N-Quads and TriG keeping the named graphs, whole graphs at their IRIs,
``Content-Disposition``, no RDF/XML passed off as OWL/XML, and labelled predicates."""

from __future__ import annotations

import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from terms import CRYOGLOBULINEMIA, TOCILIZUMAB

pytestmark = pytest.mark.live

BASE = "https://w3id.org/kgcase/"
P1_PATH = "/case/cabrera-2016/patient/p1"
CASE_GRAPH = BASE + "graph/case/cabrera-2016"
INFERRED = BASE + "graph/inferred"
TRIPLE_SYNTAXES = {".ttl": ox.RdfFormat.TURTLE, ".rdf": ox.RdfFormat.RDF_XML,
                   ".jsonld": ox.RdfFormat.JSON_LD, ".nt": ox.RdfFormat.N_TRIPLES}
QUAD_SYNTAXES = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
#: A page of each kind: a patient, a drug class with OWL axioms, an IRI outside the base.
PATHS = [P1_PATH, "/KGCASE_0000100",
         "/resource{ext}?iri=" + quote(CRYOGLOBULINEMIA, safe="")]


def get(server, path: str, accept: str | None = None) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    r = requests.get(server.url + path, headers=headers, timeout=60)
    return r


def at(path: str, ext: str) -> str:
    return path.format(ext=ext) if "{ext}" in path else path + ext


def graph_of(body: bytes, syntax: ox.RdfFormat) -> Graph:
    """The triples of a document (of its quads, whatever their graph) as an rdflib Graph."""
    triples = [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=syntax)]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=nt.decode(), format="nt")


def by_graph(body: bytes, syntax: ox.RdfFormat) -> dict[str, Graph]:
    """Each named graph of a quad document, as an rdflib Graph."""
    out: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(body, format=syntax):
        out.setdefault(str(quad.graph_name), []).append(quad.triple)
    return {name: Graph().parse(data=(ox.serialize(t, format=ox.RdfFormat.N_TRIPLES) or b""
                                      ).decode(), format="nt") for name, t in out.items()}


@pytest.mark.parametrize("path", PATHS)
def test_linked_data_every_syntax_round_trips_to_the_ntriples(seed_server, path):
    reference = graph_of(get(seed_server, at(path, ".nt")).content, ox.RdfFormat.N_TRIPLES)
    assert len(reference) > 3
    for ext, syntax in {**TRIPLE_SYNTAXES, **QUAD_SYNTAXES}.items():
        r = get(seed_server, at(path, ext))
        assert r.status_code == 200, (ext, r.text)
        assert isomorphic(graph_of(r.content, syntax), reference), ext


def test_linked_data_turtle_has_prefixes_and_nested_blank_nodes(seed_server):
    r = get(seed_server, "/KGCASE_0000100", "text/turtle")
    text = r.text
    assert "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ." in text
    assert "@prefix owl: <http://www.w3.org/2002/07/owl#> ." in text
    assert "@prefix skos:" not in text or "skos:" in text.split("\n\n", 1)[1]  # only used ones
    assert "rdfs:label" in text and "<http://www.w3.org/2000/01/rdf-schema#label>" not in text
    assert "[" in text and "owl:someValuesFrom" in text  # restrictions nested in place
    assert "_:" not in text  # no blank node is named: each is used once, so nested
    assert TOCILIZUMAB in text or "kg:KGCASE_0000100" in text


def test_linked_data_jsonld_is_compact_under_the_published_context(seed_server):
    r = get(seed_server, P1_PATH, "application/ld+json")
    doc = r.json()
    published = get(seed_server, "/context.jsonld")
    assert published.status_code == 200
    assert published.headers["Content-Type"].startswith("application/ld+json")
    assert published.headers["Access-Control-Allow-Origin"] == "*"
    assert doc["@context"] == published.json()["@context"]  # embedded, the same
    ctx = doc["@context"]
    assert ctx["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#" and ctx["kg"] == BASE
    assert ctx["label"] == {"@id": "http://www.w3.org/2000/01/rdf-schema#label"}
    assert "exposureDrug" in ctx
    body = json.dumps({k: v for k, v in doc.items() if k != "@context"})
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in body  # compacted
    nodes = doc.get("@graph", [doc])
    me = next(n for n in nodes if n["@id"] == BASE + P1_PATH[1:])
    assert me["label"] == "Patient 1 (cabrera-2016)"


def test_linked_data_quads_keep_their_graph(seed_server):
    for accept, ext in [("application/n-quads", ".nq"), ("application/trig", ".trig")]:
        r = get(seed_server, P1_PATH, accept)
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].split(";")[0] == accept
        assert r.headers["Content-Location"] == P1_PATH + ext
        assert {g.strip("<>") for g in by_graph(r.content, QUAD_SYNTAXES[ext])} == {CASE_GRAPH}
        drug = by_graph(get(seed_server, "/KGCASE_0000100" + ext).content, QUAD_SYNTAXES[ext])
        assert {g.strip("<>") for g in drug} == {BASE + "graph/ontology", INFERRED}  # HermiT's
    nq = by_graph(get(seed_server, P1_PATH + ".nq").content, ox.RdfFormat.N_QUADS)
    trig = by_graph(get(seed_server, P1_PATH + ".trig").content, ox.RdfFormat.TRIG)
    assert nq.keys() == trig.keys()
    assert all(isomorphic(nq[name], trig[name]) for name in nq)
    text = get(seed_server, P1_PATH + ".trig").text
    assert "@prefix rdfs:" in text and f"<{CASE_GRAPH}> {{" in text
    links = get(seed_server, P1_PATH).headers["Link"]
    assert f'<{P1_PATH}.nq>; rel="alternate"; type="application/n-quads"' in links
    assert f'<{P1_PATH}.trig>; rel="alternate"; type="application/trig"' in links


def test_linked_data_a_graph_iri_serves_the_whole_graph(seed_server):
    path = "/graph/case/cabrera-2016"
    r = get(seed_server, path)  # curl's */*: TriG, the graph's own syntax
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == "application/trig"
    graphs = by_graph(r.content, ox.RdfFormat.TRIG)
    assert list(graphs) == [f"<{CASE_GRAPH}>"]
    whole = graphs[f"<{CASE_GRAPH}>"]
    assert len(whole) > 100
    for ext, syntax in {**TRIPLE_SYNTAXES, **QUAD_SYNTAXES}.items():
        answer = get(seed_server, path + ext)
        assert answer.status_code == 200, (ext, answer.text)
        assert isomorphic(graph_of(answer.content, syntax), whole), ext
    assert "@prefix kg:" in get(seed_server, path + ".ttl").text
    assert get(seed_server, path, "application/n-quads").headers["Content-Type"].startswith(
        "application/n-quads")
    assert get(seed_server, path + ".html").status_code == 406
    assert get(seed_server, "/graph/case/no-such-case").status_code == 404


def test_linked_data_content_disposition_names_the_file(seed_server):
    r = get(seed_server, P1_PATH + ".ttl")
    assert r.headers["Content-Disposition"] == \
        'inline; filename="case-cabrera-2016-patient-p1.ttl"'
    outside = get(seed_server, "/resource?iri=" + quote(CRYOGLOBULINEMIA, safe=""),
                  "application/n-quads")
    assert outside.headers["Content-Disposition"] == 'inline; filename="HP_0100778.nq"'
    assert "Content-Disposition" not in get(seed_server, P1_PATH, "text/html").headers


def test_linked_data_owl_xml_and_manchester_are_406_listing_what_exists(seed_server):
    for accept in ("application/owl+xml", "text/owl-manchester"):
        r = get(seed_server, "/kgcase.owl", accept)
        assert r.status_code == 406, accept
        assert "application/rdf+xml" in r.text and "text/turtle" in r.text
    # with a fallback, the client gets the RDF/XML it also accepts
    r = get(seed_server, "/kgcase.owl", "application/owl+xml, application/rdf+xml;q=0.5")
    assert r.headers["Content-Type"].startswith("application/rdf+xml")


def test_linked_data_ontology_document_turtle_has_prefixes(seed_server):
    text = get(seed_server, "/kgcase.owl.ttl").text
    assert "@prefix owl: <http://www.w3.org/2002/07/owl#> ." in text
    nq = get(seed_server, "/kgcase.owl.nq")
    assert nq.status_code == 200
    assert {q.graph_name.value for q in ox.parse(nq.content, format=ox.RdfFormat.N_QUADS)} == \
        {BASE + "graph/ontology"}


def test_linked_data_pages_and_json_twin_label_predicates(seed_server):
    doc = get(seed_server, P1_PATH + ".json").json()
    predicates = [p["predicate"] for _, props in doc["groups"] for p in props]
    assert predicates and all(p["label"] and p["label"] != p["iri"] for p in predicates)
    page = get(seed_server, P1_PATH, "text/html").text
    assert all(p["label"] in page for p in predicates)
