"""Ontology pages at OLS level, units for people and the small label fixes, over HTTP on the
real seed build."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
import requests

from live.conftest import LiveServer

HTML = {"Accept": "text/html"}
MCTD = "http://purl.obolibrary.org/obo/MONDO_0005854"
PMCTD = "/KGCASE_0000130"


def page(server: LiveServer, path: str) -> str:
    response = requests.get(server.url + path, headers=HTML, timeout=60)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_the_tree_endpoint_lists_direct_subclasses(seed_server: LiveServer) -> None:
    response = requests.get(f"{seed_server.url}/api/tree?iri={quote(MCTD, safe='')}", timeout=60)
    assert response.status_code == 200
    data = response.json()
    assert [c["label"] for c in data["children"]] == [
        "paediatric-onset mixed connective tissue disease"]
    assert data["children"][0]["href"] == PMCTD and data["more"] is False


@pytest.mark.parametrize("query", ["", "?iri=", "?iri=%3Cnot%20an%20iri%3E", "?iri=a&iri=b"])
def test_the_tree_endpoint_refuses_bad_input_clearly(seed_server: LiveServer, query: str) -> None:
    response = requests.get(f"{seed_server.url}/api/tree{query}", timeout=60)
    assert response.status_code == 400
    assert "iri" in response.json()["error"]


def test_a_class_page_draws_its_place_in_the_tree_without_javascript(
        seed_server: LiveServer) -> None:
    html = page(seed_server, PMCTD)
    tree = re.search(r'<ul class="tree".*?</section>', html, re.S).group(0)
    labels = re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", tree)
    assert labels[:3] == ["disease", "mixed connective tissue disease",
                          "paediatric-onset mixed connective tissue disease"]
    assert 'aria-current="page">paediatric-onset mixed' in tree
    # siblings of an upper class are fetched on demand: nodes say where to ask
    top = page(seed_server, "/KGCASE_0000300")
    assert re.search(r'<li data-iri="http://purl.obolibrary.org/obo/MONDO_0011429">', top)


def test_imported_terms_carry_their_cross_references_linked_to_their_sources(
        seed_server: LiveServer) -> None:
    html = page(seed_server, "/resource?iri=" + quote(MCTD, safe=""))
    section = re.search(r'aria-labelledby="h-mappings">.*?</section>', html, re.S).group(0)
    for label, url in [("DOID:3492", "http://purl.obolibrary.org/obo/DOID_3492"),
                       ("Orphanet:809", "https://www.orpha.net/en/disease/detail/809"),
                       ("NCIT:C84892", "http://purl.obolibrary.org/obo/NCIT_C84892")]:
        assert f'<a href="{url}" title="{label}">{label}</a>' in section


def test_the_ontology_page_says_its_document_has_no_imports(seed_server: LiveServer) -> None:
    html = page(seed_server, "/kgcase.owl")
    text = text_of(html)
    assert "The served document has no imports" in text
    assert "owl#imports" not in html  # not listed as if the document imported them
    document = requests.get(seed_server.url + "/kgcase.owl.ttl", timeout=120).text
    assert "owl:imports" not in document
    browser = re.search(r'aria-labelledby="h-browser">.*?</section>', html, re.S).group(0)
    assert ">disease</a>" in browser and "data-iri=" in browser


@pytest.mark.parametrize("path", ["/kgcase.owl.json", "/KGCASE_0000100.json",
                                  "/case/cabrera-2016/table/table1.json", "/kgcase.owl.ttl"])
def test_downloads_name_their_file(seed_server: LiveServer, path: str) -> None:
    response = requests.get(seed_server.url + path, timeout=120)
    assert response.status_code == 200
    assert re.fullmatch(r'inline; filename="[\w.-]+\.(json|ttl)"',
                        response.headers.get("Content-Disposition", ""))


def test_units_are_written_for_people_and_said_in_words(seed_server: LiveServer) -> None:
    whole = page(seed_server, "/case/cabrera-2016/patient/p2")
    # the curators' own words about a unit (in the ambiguities) are quoted as they wrote them
    html = re.sub(r'<section class="unclear".*?</section>', "", whole, flags=re.S)
    for code in ("10*9/L", "[iU]/mL", "{score}", "{unreported}"):
        assert code not in html, code
    text = text_of(html)
    assert "×10⁹/L" in text and "IU/mL" in text and "15 years" in text
    assert re.search(r" a\b[^-]", text.split("age observation at M0:")[1][:12]) is None
    assert '<span class="visually-hidden">times 10 to the 9 per litre</span>' in html
    assert "unit not printed" in text  # anti-SSA: the report prints no unit


def test_time_points_are_listed_in_natural_order(seed_server: LiveServer) -> None:
    html = page(seed_server, "/KGCASE_0000140")  # haemoglobin: its measurements point here
    incoming = re.search(r'<h2 id="h-incoming">.*?</section>', html, re.S).group(0)
    points = list(dict.fromkeys(re.findall(r"/measurement/hb/(M\d+)\"", incoming)))
    assert points == ["M0", "M6", "M12"]


def test_claim_headings_are_spelled_and_headings_are_not_repeated(seed_server: LiveServer) -> None:
    html = page(seed_server, "/KGCASE_0000100")
    headings = [text_of(h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)]
    names = [re.sub(r"\s*\d+$", "", h) for h in headings]
    assert "Hypotheses" in names and "Hypothesiss" not in names
    assert len(names) == len(set(names)), names


def test_the_timeline_has_a_legend(seed_server: LiveServer) -> None:
    html = page(seed_server, "/case/cabrera-2016/patient/p2")
    legend = re.search(r'<ul class="legend-list" aria-label="Timeline legend">.*?</ul>', html)
    assert legend and all(k in legend.group(0) for k in ("diagnosis", "treatment", "finding"))
