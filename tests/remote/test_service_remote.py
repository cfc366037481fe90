"""``python server.py --store sparql+http://…``: the same named-query answers over real HTTP.

One kgcase server runs on the embedded seed build and one on each remote store (loaded with the
same build); every named query, with its example, must answer the same rows (Virtuoso: except its
known deviations, pinned in ``store_contract.py``). The safety gate still refuses before anything
reaches the store.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from kgcase.search import SEARCH_FILE
from live.conftest import ROOT, LiveServer, run_server
from remote.store_contract import CATALOGUE, concatenated, example_params, expected_deviations

pytestmark = pytest.mark.remote


@pytest.fixture(scope="session")
def kgcase_servers(built_data_dir: Path, remote_servers,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, LiveServer]]:
    """A kgcase server per backend; the remote ones read through --store."""
    servers: dict[str, LiveServer] = {}
    contexts = []
    try:
        for name in ["embedded", *remote_servers]:
            extra = [] if name == "embedded" else [
                "--store", remote_servers[name].server.descriptor]
            context = run_server(built_data_dir, tmp_path_factory.mktemp(f"kgcase-{name}"),
                                 *extra, queries_dir=ROOT / "queries")
            servers[name] = context.__enter__()
            contexts.append(context)
        yield servers
    finally:
        for context in reversed(contexts):
            context.__exit__(None, None, None)


def plain(value: Any, separator: str | None = None) -> Any:
    """The API's plain JSON value in a comparable form (booleans as numbers and GROUP_CONCAT
    parts sorted, as the contract)."""
    if separator is not None and isinstance(value, str):
        return tuple(sorted(value.split(separator)))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return float(f"{value:.9g}")
    return value


def row_key(row: dict[str, Any], concat: dict[str, str]) -> tuple[Any, ...]:
    """A row in a comparable form; its ``evidence`` link without the server's own address,
    which differs between the servers compared."""
    return tuple(sorted((k, urlsplit(v)._replace(scheme="", netloc="").geturl()
                         if k == "evidence" else plain(v, concat.get(k))) for k, v in row.items()))


def api_rows(server: LiveServer, name: str) -> set[tuple[Any, ...]]:
    r = requests.get(f"{server.url}/api/queries/{name}", params=example_params(name), timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True
    concat = concatenated(CATALOGUE[name].sparql)
    return {row_key(row, concat) for row in body["rows"]}


@pytest.mark.parametrize("backend_name", ["oxigraph", "virtuoso"])
def test_service_named_queries_answer_as_embedded(kgcase_servers, backend_name):
    differ = {name for name in sorted(CATALOGUE)
              if api_rows(kgcase_servers[backend_name], name)
              != api_rows(kgcase_servers["embedded"], name)}
    assert differ == expected_deviations(backend_name)


def paged_rows(server: LiveServer, name: str, limit: int = 4) -> Counter[tuple[Any, ...]]:
    """Every row of a named query, read page by page through the ``next`` links."""
    concat = concatenated(CATALOGUE[name].sparql)
    rows: Counter[tuple[Any, ...]] = Counter()
    url: str | None = f"{server.url}/api/queries/{name}"
    params: dict[str, Any] | None = {**example_params(name), "_limit": limit}
    while url:
        r = requests.get(url, params=params, timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["rows"]) <= limit
        rows.update(row_key(row, concat) for row in body["rows"])
        url, params = body["next"], None
    return rows


@pytest.mark.parametrize("backend_name", ["oxigraph", "virtuoso"])
def test_service_named_queries_page_as_embedded(kgcase_servers, backend_name):
    """LIMIT and OFFSET appended to the bound text: each store pages its own order consistently."""
    differ = {name for name in sorted(CATALOGUE)
              if paged_rows(kgcase_servers[backend_name], name)
              != paged_rows(kgcase_servers["embedded"], name)}
    assert differ == expected_deviations(backend_name)


@pytest.mark.parametrize("backend_name", ["oxigraph", "virtuoso"])
def test_service_sparql_endpoint_forwards(kgcase_servers, backend_name):
    server, embedded = kgcase_servers[backend_name], kgcase_servers["embedded"]
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answers = [requests.post(s.sparql, data={"query": query}, timeout=30,
                             headers={"Accept": "text/csv"}) for s in (server, embedded)]
    assert answers[0].status_code == 200
    assert answers[0].text == answers[1].text
    assert answers[0].headers["X-KGCase-Release"] == answers[1].headers["X-KGCase-Release"]
    description = requests.get(server.sparql, headers={"Accept": "text/turtle"}, timeout=30)
    assert "https://w3id.org/kgcase/graph/inferred" in description.text


@pytest.mark.parametrize("backend_name", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize(("query", "status"), [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403),
    ("DEFINE input:inference 'x' SELECT * WHERE { ?s ?p ?o }", 400),
    ("SELECT * WHERE { ?s ?p }", 400),
])
def test_service_gate_refuses_before_the_store(kgcase_servers, backend_name, query, status):
    r = requests.post(kgcase_servers[backend_name].sparql, data={"query": query}, timeout=30)
    assert r.status_code == status, r.text


def test_service_row_cap_and_truncation_on_virtuoso(kgcase_servers):
    """kgcase's own row cap (50 here) is below Virtuoso's, so truncation is reported as usual."""
    r = requests.get(kgcase_servers["virtuoso"].sparql, timeout=30,
                     params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                     headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.headers["X-KGCase-Truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 50


BLANK = re.compile(r"_:[A-Za-z0-9_]+|(?<=[#/])\.well-known/genid/[A-Za-z0-9_]+|nodeID[^\s\"<]*")
PAGES = ["/", "/KGCASE_0000100", "/case/cabrera-2016/patient/p1", "/KGCASE_0000100.ttl",
         "/search?q=tocilizumab"]


@pytest.fixture(scope="session")
def embedded_without_search_index(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
                                  ) -> Iterator[LiveServer]:
    """An embedded server on a copy of the build without its search index (``search.sqlite``).

    A service on a remote store reads no file of the release (``PerRelease`` opens none for a
    remote store: the store may hold another load than ``data_dir``), so its search page is the
    SPARQL search (``web/pages/storesearch.py``), which is what an embedded release without the
    index serves too: that is the page a remote store's search must equal."""
    data_dir = tmp_path_factory.mktemp("built-no-search") / "data"
    shutil.copytree(built_data_dir, data_dir, symlinks=True,
                    ignore=shutil.ignore_patterns(SEARCH_FILE))
    with run_server(data_dir, tmp_path_factory.mktemp("kgcase-no-search"),
                    queries_dir=ROOT / "queries") as server:
        yield server


def assert_embedded_page(servers: dict[str, LiveServer], backend_name: str, path: str,
                         request: pytest.FixtureRequest) -> None:
    """The page at ``path`` from ``backend_name`` is the embedded server's (for a search, the
    embedded server's without the search index, which a remote store's service never reads)."""
    if path.startswith("/search"):
        servers = {**servers,
                   "embedded": request.getfixturevalue("embedded_without_search_index")}
    pages = [requests.get(servers[name].url + path, timeout=30)
             for name in (backend_name, "embedded")]
    assert pages[0].status_code == 200, pages[0].text[:300]
    assert pages[1].status_code == 200, pages[1].text[:300]
    if path.endswith(".ttl"):  # blank nodes: compare graphs, not text
        graphs = [Graph().parse(data=p.text, format="turtle") for p in pages]
        assert isomorphic(graphs[0], graphs[1])
        return
    # Stores label blank nodes differently, and lists ordered by them follow: compare the
    # items of the page (split at <li> and </li>), with blank node labels blanked.
    items = [sorted(re.split("</?li", BLANK.sub("_:b", p.text.replace(servers[n].url, ""))))
             for p, n in zip(pages, (backend_name, "embedded"), strict=True)]
    assert items[0] == items[1]


@pytest.mark.parametrize("path", PAGES)
def test_service_pages_on_oxigraph_are_the_embedded_pages(kgcase_servers, path, request):
    """Pages bind their parameters inside sub-SELECTs too, so every page is the same."""
    assert_embedded_page(kgcase_servers, "oxigraph", path, request)


@pytest.mark.parametrize("path", PAGES)
def test_service_pages_on_virtuoso_are_the_embedded_pages(kgcase_servers, path, request):
    """The page queries avoid what Virtuoso 7.2.5 gets wrong (a class page's blank-node
    STRUCTURE query, its effects' evidence, use as a predicate) and order ties by IRI (search
    hits, linked resources): every page is the same (docs/deploy.md)."""
    assert_embedded_page(kgcase_servers, "virtuoso", path, request)
