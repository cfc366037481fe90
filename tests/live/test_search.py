"""Search over real HTTP on the real seed build: true totals, paging, type facets, concepts
first, distinct labels, specific types, and matching that forgives order, typing errors and
spelling, and knows brand names and cross-reference ids."""

from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.live

TOCILIZUMAB = "https://w3id.org/kgcase/KGCASE_0000100"
OBO = "http://purl.obolibrary.org/obo/"


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=30)


def search(server, q: str, **params) -> dict:
    response = get(server, "/api/search", q=q, **params)
    assert response.status_code == 200, response.text
    return response.json()


def every_hit(server, q: str, **params) -> list[dict]:
    """All hits of ``q``, page by page (50 at a time)."""
    first = search(server, q, limit=50, **params)
    hits = list(first["hits"])
    while len(hits) < first["total"]:
        page = search(server, q, limit=50, offset=len(hits), **params)
        assert page["total"] == first["total"] and page["hits"], page
        hits += page["hits"]
    return hits


def sparql_matches(server, text: str, select: str = "DISTINCT ?s") -> list[dict]:
    """The IRIs with a label or synonym containing ``text`` (any case), found by the store."""
    query = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oio: <http://www.geneontology.org/formats/oboInOwl#>
SELECT {select} WHERE {{ ?s rdfs:label|oio:hasExactSynonym|oio:hasRelatedSynonym ?l
  FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?l)), "{text}")) }}"""
    r = requests.post(server.sparql, data={"query": query}, timeout=30,
                      headers={"Accept": "application/sparql-results+json"})
    return r.json()["results"]["bindings"]


def test_search_total_is_every_match_and_offset_pages_through_them(seed_server):
    first = search(seed_server, "tocilizumab", limit=50)
    counted = sparql_matches(seed_server, "tocilizumab", "(COUNT(DISTINCT ?s) AS ?n)")
    assert first["total"] >= int(counted[0]["n"]["value"]) > 50
    assert (first["offset"], first["limit"], len(first["hits"])) == (0, 50, 50)
    second = search(seed_server, "tocilizumab", limit=50, offset=50)
    assert second["offset"] == 50 and second["hits"]
    assert not {h["iri"] for h in first["hits"]} & {h["iri"] for h in second["hits"]}
    hits = every_hit(seed_server, "tocilizumab")
    iris = [h["iri"] for h in hits]
    assert len(iris) == len(set(iris)) == first["total"]
    raynaud = {b["s"]["value"] for b in sparql_matches(seed_server, "raynaud")}
    assert raynaud and raynaud <= {h["iri"] for h in every_hit(seed_server, "raynaud")}


def test_search_facets_count_the_matches_per_type_and_type_keeps_one(seed_server):
    found = search(seed_server, "tocilizumab")
    facets = {f["label"]: f for f in found["facets"]}
    assert sum(f["count"] for f in found["facets"]) == found["total"]
    assert {"class", "derived effect", "stated effect", "drug exposure"} <= set(facets)
    exposures = facets["drug exposure"]
    only = every_hit(seed_server, "tocilizumab", type=exposures["type"])
    assert len(only) == exposures["count"] and {h["type"] for h in only} == {"drug exposure"}
    assert all(h["type_id"] == exposures["type"] for h in only)


def test_search_puts_concepts_before_instances(seed_server):
    hits = every_hit(seed_server, "tocilizumab")
    assert hits[0]["iri"] == TOCILIZUMAB and hits[0]["concept"]
    kinds = [h["concept"] for h in hits]
    assert kinds == sorted(kinds, reverse=True) and not kinds[-1]
    effects = every_hit(seed_server, "anti-dsDNA")
    assert effects[0]["concept"] and effects[0]["curie"] in {"KGCASE:0000149", "HP:0020151"}


def test_search_tells_apart_resources_of_the_same_label(seed_server):
    # The seed has two occurrences of polyarticular arthritis in each patient (onset, relapse).
    hits = every_hit(seed_server, "polyarticular arthritis")
    labels = [h["label"] for h in hits]
    assert len(labels) > len(set(labels))  # the graph has resources of the same label …
    shown = [(h["label"], h["type"], h["context"]) for h in hits]
    assert len(shown) == len(set(shown))  # … and each is told apart by its type or context


def test_search_gives_quotes_and_table_cells_their_own_type(seed_server):
    hits = every_hit(seed_server, "Raynaud")
    types = {h["type"] for h in hits}
    assert "Entity" not in types and None not in types
    assert all(h["type"] == "text excerpt" for h in hits if "/excerpt/" in h["iri"])
    assert all(h["type"] == "table cell" for h in hits if "/table/" in h["iri"])
    assert {"text excerpt", "table cell"} <= types


@pytest.mark.parametrize(("q", "iri"), [
    ("tocilizumb", TOCILIZUMAB),                                  # a letter left out
    ("Raynauds", OBO + "HP_0030880"),                             # no apostrophe
    ("Raynaud's phenomenon", OBO + "HP_0030880"),
    ("phenomenon raynaud", OBO + "HP_0030880"),                   # words in any order
    ("interleukin 6", "https://w3id.org/kgcase/KGCASE_0000110"),  # IL-6
    ("anti-DNA", OBO + "HP_0020151"),                             # anti-dsDNA
    ("Actemra", TOCILIZUMAB),                                     # brand names
    ("RoActemra", TOCILIZUMAB),
    ("DB06273", TOCILIZUMAB),                                     # cross-reference ids
    ("drugbank:DB06273", TOCILIZUMAB),
    ("HP:0100778", OBO + "HP_0100778"),                           # its own CURIE
    ("leucopenia", OBO + "HP_0001882"),                           # British …
    ("leukopenia", OBO + "HP_0001882"),                           # … and American spelling
    ("haemoglobin", "https://w3id.org/kgcase/KGCASE_0000140"),
    ("hemoglobin", "https://w3id.org/kgcase/KGCASE_0000140"),
])
def test_search_finds_the_resource_first(seed_server, q, iri):
    hits = search(seed_server, q, limit=5)["hits"]
    assert hits and hits[0]["iri"] == iri, [(h["label"], h["type"]) for h in hits]


def test_search_says_which_words_it_corrected(seed_server):
    found = search(seed_server, "tocilizumb")
    assert found["corrected"] == {"tocilizumb": ["tocilizumab"]}
    assert search(seed_server, "tocilizumab")["corrected"] == {}


@pytest.mark.parametrize(("params", "says"), [
    ({"q": "x", "offset": "-1"}, "offset="),
    ({"q": "x", "offset": "abc"}, "offset="),
    ({"q": "x", "limit": "0"}, "limit="),
    ({"q": "x", "type": "KGCASE:9999999"}, "type="),
    ({"q": "x\u0000y"}, "q"),
])
def test_search_refuses_bad_parameters_with_a_400(seed_server, params, says):
    r = get(seed_server, "/api/search", **params)
    assert r.status_code == 400 and says in r.json()["error"], r.text


def test_search_page_shows_the_total_facets_and_paging(seed_server):
    found = search(seed_server, "tocilizumab")
    page = get(seed_server, "/search", q="tocilizumab").text
    assert f"{found['total']} resources match" in page
    assert re.search(r'href="/search\?q=tocilizumab&amp;type=KGCASE%3A\d+"', page)
    assert 'rel="next" href="/search?q=tocilizumab&amp;offset=20"' in page
    second = get(seed_server, "/search", q="tocilizumab", offset="20").text
    assert "21–40 shown" in second and 'rel="prev"' in second
    hostile = get(seed_server, "/search", q="<script>alert(1)</script>").text
    assert "<script>alert(1)" not in hostile
