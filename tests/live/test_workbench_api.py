"""The SPARQL workbench's helpers on the real seed build: ``/api/complete`` (terms by label or
IRI start), ``/api/label`` (hover), the editor page's own style policy, its examples without
build headers, and ``SELECT *`` columns in the order the query names them."""

from __future__ import annotations

import re

import pytest
import requests

from terms import TOCILIZUMAB

pytestmark = pytest.mark.live


def get(server, path: str, **params: str) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=30)


def test_complete_finds_terms_by_label_best_first(seed_server):
    r = get(seed_server, "/api/complete", q="tocili")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    hits = r.json()
    assert hits[0] == {"iri": TOCILIZUMAB, "curie": "kg:KGCASE_0000100", "label": "tocilizumab",
                       "kind": hits[0]["kind"]}
    assert {"iri", "curie", "label", "kind"} == set(hits[1])
    assert len(hits) <= 20
    upper = get(seed_server, "/api/complete", q="TOCILI").json()
    assert upper[0]["iri"] == TOCILIZUMAB  # case does not matter
    two = get(seed_server, "/api/complete", q="tocili", limit="2").json()
    assert [h["iri"] for h in two] == [h["iri"] for h in hits[:2]]
    classes = get(seed_server, "/api/complete", q="arthritis", kind="class").json()
    assert classes and all(h["kind"] == "class" for h in classes)
    properties = get(seed_server, "/api/complete", q="exposure", kind="property").json()
    assert all(h["kind"] == "property" for h in properties)
    by_iri = get(seed_server, "/api/complete", q="https://w3id.org/kgcase/KGCASE_000010").json()
    assert TOCILIZUMAB in [h["iri"] for h in by_iri]
    assert all(h["iri"].startswith("https://w3id.org/kgcase/KGCASE_000010") for h in by_iri)


@pytest.mark.parametrize("params, says", [
    ({}, "q"), ({"q": "   "}, "q"), ({"q": "x" * 201}, "200"),
    ({"q": "tocili", "limit": "0"}, "limit"), ({"q": "tocili", "limit": "51"}, "limit"),
    ({"q": "tocili", "limit": "ten"}, "limit"), ({"q": "tocili", "kind": "thing"}, "kind"),
    ({"q": "to\x00cili"}, "control"),
])
def test_complete_refuses_bad_input_with_a_message(seed_server, params, says):
    r = get(seed_server, "/api/complete", **params)
    assert r.status_code == 400, r.text
    assert says in r.text


def test_complete_never_reads_its_text_as_sparql(seed_server):
    for text in ['") } ; DROP ALL ; #', "?s ?p ?o", "} UNION { ?s ?p ?o"]:
        r = get(seed_server, "/api/complete", q=text)
        assert r.status_code == 200 and r.json() == []


def test_label_of_one_iri(seed_server):
    r = get(seed_server, "/api/label", iri=TOCILIZUMAB)
    assert r.status_code == 200
    assert r.json() == {"iri": TOCILIZUMAB, "curie": "kg:KGCASE_0000100", "label": "tocilizumab"}
    none = get(seed_server, "/api/label", iri="https://example.org/nothing").json()
    assert none["label"] is None
    for bad in ("", "not an iri", "<" + TOCILIZUMAB + ">"):
        r = get(seed_server, "/api/label", iri=bad)
        assert r.status_code == 400 and "iri" in r.text


def test_editor_page_relaxes_styles_only_and_shows_examples_without_headers(seed_server):
    page = requests.get(seed_server.url + "/editor", headers={"Accept": "text/html"}, timeout=30)
    policy = page.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    home = requests.get(seed_server.url + "/", headers={"Accept": "text/html"}, timeout=30)
    assert "unsafe-inline" not in home.headers["Content-Security-Policy"]
    assert "yasgui.min.js" in page.text and "<script>" not in page.text
    queries = re.findall(r'data-query="([^"]*)"', page.text)
    assert queries and all("#+" not in q for q in queries)


def test_select_star_columns_follow_the_query(seed_server):
    r = requests.post(seed_server.url + "/sparql", timeout=30,
                      data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
                      headers={"Accept": "application/sparql-results+json"})
    assert r.json()["head"]["vars"] == ["s", "p", "o"]
    r = requests.post(seed_server.url + "/sparql", timeout=30,
                      data={"query": "SELECT ?o ?s WHERE { ?s ?p ?o } LIMIT 1"},
                      headers={"Accept": "text/csv"})
    assert r.text.splitlines()[0] == "o,s"


def test_labels_of_many_iris_at_once(seed_server):
    nothing = "https://example.org/nothing"
    r = requests.get(seed_server.url + "/api/labels", timeout=30,
                     params=[("iri", TOCILIZUMAB), ("iri", nothing)])
    assert r.status_code == 200, r.text
    assert r.json() == {"labels": {TOCILIZUMAB: "tocilizumab", nothing: None}}
    many = [("iri", f"https://example.org/x{i}") for i in range(100)]
    assert requests.get(seed_server.url + "/api/labels", params=many, timeout=30
                        ).status_code == 200
    too_many = requests.get(seed_server.url + "/api/labels", params=[*many, ("iri", nothing)],
                            timeout=30)
    assert too_many.status_code == 400 and "at most 100" in too_many.text
    assert get(seed_server, "/api/labels").status_code == 400
    for bad in ("not an iri", "<" + TOCILIZUMAB + ">", "https://x/a> } ; DROP ALL #"):
        r = requests.get(seed_server.url + "/api/labels", timeout=30,
                         params=[("iri", TOCILIZUMAB), ("iri", bad)])
        assert r.status_code == 400 and "iri number 2" in r.text, r.text
