"""Safe by default: read-only, no federation, a time limit that really stops a query."""

from __future__ import annotations

import socket
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import POST, SPARQLWrapper

pytestmark = pytest.mark.live

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TOTAL_TRIPLES = 77
#: 77^5 ≈ 2.7e9 solutions: minutes of CPU for Oxigraph, far past the 3 s limit.
CARTESIAN = ("SELECT (COUNT(*) AS ?n) WHERE "
             "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o }")
INSERT = "INSERT DATA { GRAPH <https://w3id.org/kgcase/graph/x> { <urn:a> <urn:b> <urn:c> } }"


def triple_count(server) -> int:
    """Count the triples, by a query text never sent before (so not from the result cache)."""
    query = f"{COUNT} # {time.monotonic_ns()}"
    r = requests.get(server.sparql, params={"query": query}, timeout=10)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_insert_data_through_sparqlwrapper_is_refused(live_server):
    client = SPARQLWrapper(live_server.sparql)
    client.setMethod(POST)
    client.setQuery(INSERT)  # SPARQLWrapper sends it as the form field update=
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    refused.value.close()
    assert refused.value.code == 403
    assert triple_count(live_server) == TOTAL_TRIPLES


@pytest.mark.parametrize("request_kwargs", [
    {"params": {"query": INSERT}},
    {"data": INSERT.encode(), "headers": {"Content-Type": "application/sparql-update"}},
    {"data": INSERT.encode(), "headers": {"Content-Type": "application/sparql-query"}},
    {"data": {"update": INSERT}},
    {"data": {"query": COUNT, "update": INSERT}},
    {"params": {"query": "LOAD <file:///etc/passwd>"}},
    {"params": {"query": "DROP ALL"}},
])
def test_updates_are_refused_and_change_nothing(live_server, request_kwargs):
    method = "post" if "data" in request_kwargs else "get"
    r = requests.request(method, live_server.sparql, timeout=10, **request_kwargs)
    assert r.status_code == 403
    assert "read-only" in r.text
    assert triple_count(live_server) == TOTAL_TRIPLES


def test_no_update_endpoint_without_admin_token(live_server):
    r = requests.post(live_server.url + "/sparql/update", data={"update": INSERT}, timeout=10)
    assert r.status_code == 404


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.2:9/> { ?s ?p ?o } }",
    "PREFIX far: <http://127.0.0.2:9/>\nSELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT far:x "
    "{ ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.2:9/> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.2:9/> { ?s ?p ?o } } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.2:9/> } SERVICE ?e { ?s ?p ?o } }",
    "ASK { SERVICE <http://127.0.0.2:9/> { ?s ?p ?o } }",
])
def test_service_is_refused_without_hanging(live_server, query):
    started = time.monotonic()
    r = requests.get(live_server.sparql, params={"query": query}, timeout=10)
    assert r.status_code == 403
    assert "SERVICE" in r.text
    assert time.monotonic() - started < 2


def test_service_opens_no_connection(live_server):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(1.5)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        r = requests.get(live_server.sparql, params={"query": query}, timeout=10)
        assert r.status_code == 403
        with pytest.raises(TimeoutError):
            listener.accept()


def test_the_word_service_in_a_string_is_not_a_service_call(live_server):
    query = 'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.2:9/> { }" } # SERVICE <http://x/>'
    r = requests.get(live_server.sparql, params={"query": query}, timeout=10)
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []


def test_from_a_local_file_reads_nothing(live_server):
    query = "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"
    r = requests.get(live_server.sparql, params={"query": query}, timeout=10)
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []


def _health(server) -> dict:
    headers = {"Authorization": f"Bearer {server.admin_token}"} if server.admin_token else {}
    workers = requests.get(server.url + "/api/health", timeout=10,
                           headers=headers).json()["workers"]
    return workers["sparql"] | {"inline": workers["pages"]["inline"]}


def test_runaway_query_is_killed_while_others_are_served(admin_server):
    live_server = admin_server  # /api/health lists the worker pids only to the admin
    before = _health(live_server)
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        runaway = pool.submit(requests.get, live_server.sparql, params={"query": CARTESIAN},
                              timeout=60)
        time.sleep(0.5)  # let the runaway reach a worker
        lookups = []
        for i in range(5):
            t0 = time.monotonic()
            simple = f'ASK {{ ?s ?p ?o FILTER(?o != "{i}") }}'  # a new text: not from the cache
            r = requests.get(live_server.sparql, params={"query": simple}, timeout=10)
            lookups.append(time.monotonic() - t0)
            assert r.status_code == 200
        stopped = runaway.result()
        elapsed = time.monotonic() - started
    assert max(lookups) < 1.0, lookups
    assert stopped.status_code == 503
    assert "time limit" in stopped.text
    assert stopped.headers["Retry-After"]
    assert live_server.timeout_s <= elapsed < live_server.timeout_s + 3
    deadline = time.monotonic() + 30  # the replacement starts in the background
    after = _health(live_server)
    while len(after["pids"]) < before["size"] and time.monotonic() < deadline:
        time.sleep(0.1)
        after = _health(live_server)
    assert after["killed"] == before["killed"] + 1
    gone = set(before["pids"]) - set(after["pids"])
    assert len(gone) == 1 and len(after["pids"]) == before["size"]
    assert not Path(f"/proc/{gone.pop()}").exists()  # killed and reaped: its CPU is free
    assert triple_count(live_server) == TOTAL_TRIPLES  # the replacement worker serves


def test_one_pattern_lookups_run_in_the_web_process(live_server):
    """A lookup is answered in the web process (counted in /api/health); the same lookup with a
    FILTER goes to a worker; both give the same rows."""
    subject = "https://w3id.org/kgcase/case/cabrera-2016"
    limit = 1000 + time.monotonic_ns() % 1000  # a text not sent before: not from the cache
    lookup = f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }} LIMIT {limit}"
    filtered = lookup.replace("?o }", "?o FILTER(true) }")
    before = _health(live_server)["inline"]
    fast = requests.get(live_server.sparql, params={"query": lookup}, timeout=10)
    middle = _health(live_server)["inline"]
    slow = requests.get(live_server.sparql, params={"query": filtered}, timeout=10)
    after = _health(live_server)["inline"]
    assert fast.status_code == slow.status_code == 200
    assert (middle - before, after - middle) == (1, 0)
    rows = fast.json()["results"]["bindings"]
    assert rows and rows == slow.json()["results"]["bindings"]
