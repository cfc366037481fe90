"""Incoming links counted by the build (``links.sqlite``) against the same counts made live,
and the pages that read them against the pages that count."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conftest import ONTOLOGY, QUERIES, seed_and_synthetic
from kgcase import links
from kgcase.build import BuildInputs, build
from kgcase.iris import case_prefix
from kgcase.web import create_app
from kgcase.web.pages import runner

#: The page's own count (sparqltext.RESOURCE), per predicate and graph group.
LIVE = """SELECT ?s ?p ?inferred (COUNT(*) AS ?n) (SUM(IF(isBlank(?x), 1, 0)) AS ?nb) WHERE {
  GRAPH ?g { ?x ?p ?s }
  FILTER(?p NOT IN (<http://www.w3.org/2002/07/owl#annotatedSource>,
                    <http://www.w3.org/2002/07/owl#annotatedTarget>))
  BIND(STRENDS(STR(?g), "/graph/inferred") AS ?inferred)
} GROUP BY ?s ?p ?inferred"""
PAGES = ["/KGCASE_0000100", "/KGCASE_0000149", "/KGCASE_0000180", "/KGCASE_0000009",
         "/KGCASE_0001007", "/KGCASE_0000040", "/resource?iri=" + quote(
             "http://www.w3.org/2002/07/owl#Class"), "/case/cabrera-2016/patient/p1"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return seed_and_synthetic(tmp_path_factory.mktemp("corpus"), 40, 3)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, monkeypatch_module, corpus) -> Path:
    """The seed and 40 synthetic reports, built with every shared term's links stored."""
    out = tmp_path_factory.mktemp("data")
    monkeypatch_module.setattr(links, "STORED_ABOVE", 0)
    build(_inputs(corpus, out), log=lambda _m: None)
    return out


def _inputs(corpus: Path, data_dir: Path) -> BuildInputs:
    return BuildInputs(cases_dir=corpus, ontology_dir=ONTOLOGY, data_dir=data_dir,
                       progress=False, queries_dir=QUERIES, jobs=2)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_stored_link_counts_equal_the_live_counts(data_dir):
    stored = links.StoredLinks.open(data_dir / "current")
    assert stored is not None
    iris = [iri for (iri,) in stored.db.execute("SELECT DISTINCT iri FROM links")]
    assert len(iris) > 200 and not any(i.startswith(case_prefix()) for i in iris)
    store = ox.Store.read_only(str(data_dir / "current" / "oxigraph"))
    for iri in iris:
        found = store.query(LIVE, substitutions={ox.Variable("s"): ox.NamedNode(iri)},
                            use_default_graph_as_union=True)
        live = sorted((r["p"].value, r["inferred"].value == "true", int(r["n"].value),
                       int(r["nb"].value)) for r in found)
        assert sorted((p, inferred, n, nb) for p, _label, inferred, n, nb in stored.of(iri)) == live
    # blank nodes point at ontology classes (class expressions), and are counted apart
    assert any(nb for iri in iris for *_rest, nb in stored.of(iri))


def test_only_much_linked_resources_are_stored(tmp_path):
    counts = {("urn:a", "urn:p", False): (links.STORED_ABOVE, 0),
              ("urn:b", "urn:p", False): (links.STORED_ABOVE, 0),
              ("urn:b", "urn:q", True): (1, 1)}
    assert links.write_links(tmp_path / links.LINKS_FILE, counts, {"urn:q": "q"}) == 1
    stored = links.StoredLinks(tmp_path / links.LINKS_FILE)
    assert stored.of("urn:a") == []  # at the threshold: the page counts them
    assert stored.of("urn:b") == [("urn:p", None, False, links.STORED_ABOVE, 0),
                                  ("urn:q", "q", True, 1, 1)]


def test_pages_read_stored_counts_as_they_would_count_them(data_dir, tmp_path):
    """The JSON twin of each page is the same with the build's counts and without them."""
    counting = tmp_path / "counting"
    shutil.copytree(data_dir, counting, symlinks=True)
    (counting / "current" / links.LINKS_FILE).unlink()
    twins = []
    for directory in (data_dir, counting):
        app = create_app({"data_dir": str(directory), "cache_entries": 0, "workers": 1})
        with app.test_request_context():  # which way this app gets its counts
            found = runner.stored_counts("https://w3id.org/kgcase/KGCASE_0000100")
            assert (found is not None) is (directory == data_dir)
        with app.test_client() as client:
            twins.append([client.get(_json(path)).get_json() for path in PAGES])
    for path, stored, counted in zip(PAGES, *twins, strict=True):
        assert stored == counted, path
    assert all(twin["incoming"] for twin in twins[0][:4])  # drug, test, value, class


def _json(path: str) -> str:
    stem, sep, query = path.partition("?")
    return f"{stem}.json{sep}{query}"


def test_a_rebuild_from_the_cache_stores_the_same_counts(corpus, data_dir):
    first = (data_dir / "current").resolve() / links.LINKS_FILE
    rows = sorted(links.StoredLinks(first).db.execute("SELECT * FROM links"))
    logs: list[str] = []
    build(_inputs(corpus, data_dir), log=logs.append)  # STORED_ABOVE is still 0 here
    assert "(41 unchanged" in logs[-1]  # every report's counts came from the cache
    again = (data_dir / "current").resolve() / links.LINKS_FILE
    assert again != first
    assert sorted(links.StoredLinks(again).db.execute("SELECT * FROM links")) == rows
