"""Dereferencing over HTTP: every representation by suffix and by Accept, 406, Vary, Link,
Content-Location, ETags, the JSON twin, /resource?iri=, and the ontology IRI serving the OWL."""

from __future__ import annotations

import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kgcase.iris import ONTOLOGY_IRI
from terms import ANTI_DSDNA, CRYOGLOBULINEMIA, TOCILIZUMAB

pytestmark = pytest.mark.live

P1 = "https://w3id.org/kgcase/case/cabrera-2016/patient/p1"
P1_PATH = "/case/cabrera-2016/patient/p1"
RDF_TYPES = {
    ".ttl": ("text/turtle", "turtle"),
    ".nt": ("application/n-triples", "nt"),
    ".rdf": ("application/rdf+xml", "xml"),
    ".jsonld": ("application/ld+json", "json-ld"),
}
_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "xml": ox.RdfFormat.RDF_XML, "json-ld": ox.RdfFormat.JSON_LD}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
PROTEGE = "application/rdf+xml, application/xml; q=0.5, text/xml; q=0.3, */*; q=0.2"


def get(server, path: str, accept: str | None = None, **kwargs) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.url + path, headers=headers, timeout=30, **kwargs)


def parsed(response: requests.Response, syntax: str) -> Graph:
    """Parse with pyoxigraph (rdflib's JSON-LD parser warns), compare as an rdflib Graph."""
    triples = ox.parse(response.content, format=_OX_FORMATS[syntax])
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.mark.parametrize("suffix", sorted(RDF_TYPES))
def test_pages_suffix_serves_each_rdf_syntax(seed_server, suffix):
    media, syntax = RDF_TYPES[suffix]
    r = get(seed_server, P1_PATH + suffix)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == media
    g = parsed(r, syntax)
    assert (URIRef(P1), RDFS.label, Literal("Patient 1 (cabrera-2016)")) in g
    assert (URIRef(P1), RDF.type, URIRef("https://w3id.org/kgcase/KGCASE_0000002")) in g


@pytest.mark.parametrize(("accept", "media"), [
    ("text/turtle", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/ld+json", "application/ld+json"),
    ("application/json", "application/ld+json"),
    ("text/html", "text/html"),
    (BROWSER, "text/html"),
    ("*/*", "text/html"),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml"),
])
def test_pages_accept_header_picks_the_representation(seed_server, accept, media):
    r = get(seed_server, P1_PATH, accept)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == media
    assert r.headers["Vary"] == "Accept"
    suffix = {"text/html": ".html", "text/turtle": ".ttl", "application/n-triples": ".nt",
              "application/rdf+xml": ".rdf", "application/ld+json": ".jsonld"}[media]
    assert r.headers["Content-Location"] == P1_PATH + suffix


def test_pages_link_header_lists_every_representation(seed_server):
    r = get(seed_server, P1_PATH, "text/turtle")
    links = r.headers["Link"]
    for suffix, media in [(".html", "text/html"), (".ttl", "text/turtle"),
                          (".nt", "application/n-triples"), (".rdf", "application/rdf+xml"),
                          (".jsonld", "application/ld+json"), (".json", "application/json")]:
        assert f'<{P1_PATH}{suffix}>; rel="alternate"; type="{media}"' in links


def test_pages_unserveable_accept_is_406(seed_server):
    r = get(seed_server, P1_PATH, "image/png")
    assert r.status_code == 406
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "text/turtle" in r.text and "application/ld+json" in r.text


def test_pages_unknown_resource_is_404_in_the_shape_asked_for(seed_server):
    plain = get(seed_server, "/case/cabrera-2016/patient/p9")
    assert plain.status_code == 404 and plain.headers["Content-Type"].startswith("text/plain")
    assert "https://w3id.org/kgcase/case/cabrera-2016/patient/p9" in plain.text
    page = get(seed_server, "/case/cabrera-2016/patient/p9", BROWSER)
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert get(seed_server, "/case/cabrera-2016/patient/p9.ttl").status_code == 404
    api = get(seed_server, "/api/no-such-thing")
    assert api.status_code == 404 and api.json()["ok"] is False


def test_pages_etag_gives_304(seed_server):
    first = get(seed_server, P1_PATH, "text/html")
    tag = first.headers["ETag"]
    again = requests.get(seed_server.url + P1_PATH, timeout=30,
                         headers={"Accept": "text/html", "If-None-Match": tag})
    assert again.status_code == 304
    other = requests.get(seed_server.url + P1_PATH, timeout=30,
                         headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert other.status_code == 200  # another representation, another ETag


def test_pages_head_and_security_headers(seed_server):
    r = requests.head(seed_server.url + P1_PATH, headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = get(seed_server, P1_PATH, "text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_json_twin_holds_the_page_data(seed_server):
    r = get(seed_server, "/KGCASE_0000100.json")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    doc = r.json()
    assert doc["ok"] and doc["iri"] == TOCILIZUMAB and doc["label"] == "tocilizumab"
    assert "TCZ" in [s["text"] for s in doc["synonyms"]]
    assert "drug" in doc["kinds"] and "class" in doc["kinds"]
    rows = doc["sections"]["effects"]["rows"]
    # the build's effect summaries count the observations the page lists (none left out): a
    # stated or patient-level effect; the windows between two time points are their detail
    observations = [e for e in rows if e["kind"] == "stated" or e["patient_level"]]
    assert doc["sections"]["effects"]["total"] == len(observations) > 0
    assert len(observations) < len(rows)
    assert doc["sections"]["effects"]["limited"] is False
    raised = [e for e in rows if e["target"]["iri"] == ANTI_DSDNA and e["direction"] == "increased"
              and e["patient"]["iri"] == P1]
    cells = {(s["row"], s["printed"]) for e in raised for s in e["sources"] if s["row"]}
    assert ("dsDNA Ab RIA (Farr assay >7 UI/mL)", ">97") in cells
    parents = {v["ref"]["iri"]: v["inferred"] for v in doc["klass"]["parents"]}
    assert parents["https://w3id.org/kgcase/KGCASE_0000046"] is False
    assert parents["https://w3id.org/kgcase/KGCASE_0000040"] is True  # HermiT's


def test_pages_resource_outside_the_base(seed_server):
    path = "/resource?iri=" + quote(CRYOGLOBULINEMIA, safe="")
    page = get(seed_server, path, "text/html")
    assert page.status_code == 200 and "Cryoglobulinemia" in page.text
    ttl = get(seed_server, "/resource.ttl?iri=" + quote(CRYOGLOBULINEMIA, safe=""))
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    assert (URIRef(CRYOGLOBULINEMIA), RDFS.label, Literal("Cryoglobulinemia")) in parsed(ttl,
                                                                                           "turtle")
    nt = get(seed_server, path, "application/n-triples")
    assert nt.headers["Content-Location"] == "/resource.nt?iri=" + quote(CRYOGLOBULINEMIA, safe="")
    assert get(seed_server, "/resource").status_code == 400
    assert get(seed_server, "/resource?iri=" + quote("not an iri", safe="")).status_code == 400
    assert get(seed_server, "/resource.png?iri=" + quote(CRYOGLOBULINEMIA, safe="")
               ).status_code == 404


def test_pages_ontology_iri_serves_the_ontology(seed_server):
    r = get(seed_server, "/kgcase.owl", PROTEGE)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/rdf+xml")
    g = parsed(r, "xml")
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    version = g.value(onto, OWL.versionIRI)
    assert str(version).startswith("https://w3id.org/kgcase/releases/")
    assert not list(g.triples((None, OWL.imports, None)))  # the import modules are merged
    assert list(g.subjects(RDF.type, OWL.Ontology)) == [onto]
    assert (URIRef(TOCILIZUMAB), RDFS.label, Literal("tocilizumab")) in g
    assert (URIRef(CRYOGLOBULINEMIA), RDFS.label, Literal("Cryoglobulinemia")) in g
    assert len(g) > 3000
    # curl (*/*) gets the OWL file too; a browser gets the page; the version IRI serves it
    assert get(seed_server, "/kgcase.owl").headers["Content-Type"].startswith(
        "application/rdf+xml")
    assert get(seed_server, "/kgcase.owl", BROWSER).headers["Content-Type"].startswith(
        "text/html")
    versioned = get(seed_server, str(version).removeprefix("https://w3id.org/kgcase"), PROTEGE)
    assert versioned.status_code == 200 and len(parsed(versioned, "xml")) == len(g)
    ttl = get(seed_server, "/kgcase.owl.ttl")
    assert ttl.headers["Content-Type"].startswith("text/turtle") and len(parsed(ttl,
                                                                                "turtle")) == len(g)
    assert get(seed_server, "/releases/1999-01-01/kgcase.owl").status_code == 404


def test_pages_search_api_returns_iris(seed_server):
    r = get(seed_server, "/api/search?q=toci")
    hits = r.json()["hits"]
    assert hits[0]["iri"] == TOCILIZUMAB and hits[0]["href"] == "/KGCASE_0000100"
    synonym = get(seed_server, "/api/search?q=TCZ").json()["hits"]
    assert synonym[0]["iri"] == TOCILIZUMAB and synonym[0]["match"] == "synonym"
    curie = get(seed_server, "/api/search?q=HP:0100778").json()["hits"]
    assert curie[0]["iri"] == CRYOGLOBULINEMIA and curie[0]["match"] == "identifier"
    assert get(seed_server, "/api/search?q=").json()["hits"] == []
    assert len(get(seed_server, "/api/search?q=a&limit=5").json()["hits"]) == 5
    injected = get(seed_server, "/api/search", params={"q": '") } ; DROP ALL ; #'})
    assert injected.status_code == 200 and injected.json()["hits"] == []


def test_pages_named_query_page_and_editor_report_errors(seed_server):
    bad = get(seed_server, "/queries/effects_of_drug?run=1&drug=NOPE:1", "text/html")
    assert bad.status_code == 400 and "valid prefixes" in bad.text
    assert get(seed_server, "/queries/nope", "text/html").status_code == 404
    syntax = get(seed_server, "/editor", "text/html", params={"query": "SELEKT * {"})
    assert syntax.status_code == 400 and "error-box" in syntax.text
    update = get(seed_server, "/editor", "text/html", params={"query": "DROP ALL"})
    assert update.status_code in (400, 403)
    ok = get(seed_server, "/editor", "text/html",
             params={"query": "ASK { ?s ?p ?o }"})
    assert ok.status_code == 200 and "Answer: <strong>yes</strong>" in ok.text


def test_pages_predicate_and_class_pages(seed_server):
    rdf_type = get(seed_server, "/resource?iri=" + quote(str(RDF.type), safe=""), "text/html")
    assert rdf_type.status_code == 200 and "Used as a predicate" in rdf_type.text
    owl_class = json.loads(get(seed_server, "/resource.json?iri=" + quote(str(OWL.Class), safe="")
                               ).text)
    assert owl_class["label"] == "OWL class" and owl_class["incoming"][0]["count"] > 100
    measurement = get(seed_server, "/KGCASE_0000006.json").json()  # more than max_rows instances
    assert measurement["klass"]["instance_count"] == 92
    assert len(measurement["klass"]["instances"]) == 92
