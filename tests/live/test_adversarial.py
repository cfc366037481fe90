"""The standing adversarial suite: each attack that once worked against `kgcase serve`, against a
live server, bounded in time (docs/security.md lists the promises these hold)."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from listener import Listener, listening
from live.conftest import ADMIN_TOKEN, LiveServer, build_release, run_server

pytestmark = pytest.mark.live

MEMORY_MB = 384
ANSWER_BYTES = 200_000
DEPTH = 40
#: 77^5 ≈ 2.7e9 solutions: minutes of CPU, far past the 3 s limit.
HEAVY = ("SELECT (COUNT(*) AS ?n) WHERE "
         "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o } OFFSET %d")
DOUBLING = "SELECT (STRLEN(?s27) AS ?n) WHERE {{ BIND(\"xx\" AS ?s0) {} }}".format(" ".join(
    f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(27)))


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """An HTTP server on loopback, standing for an internal service an attacker wants."""
    with listening() as server:
        yield server


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own, with small limits the attacks run into quickly."""
    data_dir = tmp_path_factory.mktemp("adversarial-data")
    build_release(data_dir)
    with run_server(data_dir, tmp_path_factory.mktemp("adversarial-logs"),
                    "--admin-token", ADMIN_TOKEN, "--worker-memory-mb", str(MEMORY_MB),
                    "--max-answer-bytes", str(ANSWER_BYTES), "--max-query-depth", str(DEPTH),
                    "--client-queries", "2", "--queue-length", "2",
                    "--page-workers", "2") as server:
        yield server


def _smuggled(listener: str) -> list[tuple[str, dict]]:
    """The CR-comment SERVICE call, by every way a query reaches the service."""
    query = f"SELECT * WHERE {{ # x\rSERVICE <{listener}> {{ ?a ?b ?c }}\n}}"
    return [
        ("get", {"params": {"query": query}}),
        ("post", {"data": query.encode(), "headers": {"Content-Type":
                                                      "application/sparql-query"}}),
        ("post", {"data": {"query": query}}),
        ("get", {"params": {"query": query}, "path": "/editor"}),
        ("post", {"data": f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; # x\rLOAD <{listener}>"
                  .encode(), "path": "/sparql/update",
                  "headers": {"Content-Type": "application/sparql-update",
                              "Authorization": f"Bearer {ADMIN_TOKEN}"}}),
        ("post", {"data": (f"INSERT {{ ?a ?b ?c }} WHERE {{ # x\rSERVICE <{listener}> "
                           "{ ?a ?b ?c } }").encode(), "path": "/sparql/update",
                  "headers": {"Content-Type": "application/sparql-update",
                              "Authorization": f"Bearer {ADMIN_TOKEN}"}}),
    ]


def _send(server: LiveServer, method: str, kwargs: dict) -> requests.Response:
    kwargs = dict(kwargs)
    url = server.url + kwargs.pop("path", "/sparql")
    return requests.request(method, url, timeout=30, **kwargs)


def test_a_smuggled_service_call_reaches_nothing(hardened: LiveServer,
                                                 listener: Listener) -> None:
    before = listener.hits
    for method, kwargs in _smuggled(listener.url):
        r = _send(hardened, method, kwargs)
        assert r.status_code == 403, (kwargs, r.status_code, r.text)
        assert "internal page" not in r.text
    assert listener.hits == before


def test_the_service_description_says_the_workers_are_confined(hardened: LiveServer) -> None:
    health = requests.get(hardened.url + "/api/health", timeout=10).json()
    assert health["workers"]["network_closed"] is True


class _Client:
    """HTTP from one loopback address of its own (127.0.0.N), so that the server sees N
    clients."""

    def __init__(self, server: LiveServer, n: int) -> None:
        parts = urlsplit(server.url)
        self.host, self.port, self.source = parts.hostname, parts.port, f"127.0.0.{n}"

    def get(self, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30,
                                          source_address=(self.source, 0))
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.msg, response.read()
        finally:
            conn.close()


def test_heavy_queries_from_four_clients_leave_pages_and_named_queries_alone(
        hardened: LiveServer) -> None:
    """16 heavy ad-hoc queries from 4 clients: the ones past a client's share or the queue are
    refused at once (429, 503), the rest stopped at the time limit, and meanwhile pages and
    named queries are answered, none of them waiting for a heavy query."""
    clients = [_Client(hardened, n) for n in range(2, 6)]
    heavy = [(c, "/sparql?" + urlencode({"query": HEAVY % i}))
             for i, c in enumerate(clients * 4)]
    pages = [f"/KGCASE_{n:07d}" for n in (100, 101, 102, 103, 110, 111, 112, 113, 149, 150)]
    named = [f"/api/queries/drug_patients?label=x{i}" for i in range(10)]
    with ThreadPoolExecutor(len(heavy)) as pool:
        running = [pool.submit(c.get, path) for c, path in heavy]
        time.sleep(0.5)  # the heavy ones hold every ad-hoc worker
        latencies, statuses = [], []
        probe = _Client(hardened, 9)
        for path in pages + named:
            t0 = time.monotonic()
            status, _, _ = probe.get(path)
            latencies.append(time.monotonic() - t0)
            statuses.append(status)
        answers = [f.result() for f in running]
    assert statuses == [200] * len(statuses), list(zip(pages + named, statuses, strict=True))
    assert max(latencies) < hardened.timeout_s, latencies  # none waited for a heavy query
    for status, headers, body in answers:  # refused at once, or stopped at the time limit
        assert status in (429, 503), body
        assert headers.get("Retry-After")


def test_one_client_runs_at_most_its_share(hardened: LiveServer) -> None:
    _settled(hardened)
    client = _Client(hardened, 7)
    with ThreadPoolExecutor(3) as pool:
        first = [pool.submit(client.get, "/sparql?" + urlencode({"query": HEAVY % (100 + i)}))
                 for i in range(2)]
        time.sleep(0.5)
        t0 = time.monotonic()
        status, headers, body = client.get("/sparql?" + urlencode({"query": HEAVY % 102}))
        refused_in = time.monotonic() - t0
        other = _Client(hardened, 8).get("/sparql?" + urlencode({"query": "ASK { ?s ?p 7 }"}))
        [f.result() for f in first]
    assert status == 429
    assert headers["Retry-After"]
    assert b"client_queries" in body
    assert refused_in < hardened.timeout_s  # at once, not after waiting
    assert other[0] == 200  # another client is not held to this one's share


def _settled(server: LiveServer) -> None:
    """Wait until every ad-hoc worker is idle again (killed ones are replaced in the
    background, which takes a second or two each)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pool = requests.get(server.url + "/api/health", timeout=10).json()["workers"]["sparql"]
        if pool["idle"] == pool["size"]:
            return
        time.sleep(0.2)
    pytest.fail(f"the ad-hoc workers did not settle: {pool}")


def test_a_query_past_the_memory_limit_is_stopped_with_a_reason(hardened: LiveServer) -> None:
    _settled(hardened)
    r = requests.get(hardened.sparql, params={"query": DOUBLING}, timeout=60)
    assert r.status_code == 422
    assert f"{MEMORY_MB} MB" in r.text and "worker_memory_mb" in r.text
    again = requests.get(hardened.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert again.status_code == 200


def test_an_answer_is_cut_at_the_byte_limit(hardened: LiveServer) -> None:
    rows = " ".join(str(i) for i in range(40))
    query = ("SELECT ?i ?text WHERE {{ VALUES ?i {{ {} }} "
             "BIND(CONCAT(STR(?i), \"{}\") AS ?text) }}".format(rows, "x" * 10_000))
    r = requests.get(hardened.sparql, params={"query": query}, timeout=30,
                     headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.headers["X-KGCase-Truncated"] == "true"
    assert r.headers["X-KGCase-Truncated-By"] == "bytes"
    assert r.headers["X-KGCase-Byte-Limit"] == str(ANSWER_BYTES)
    assert len(r.content) < 2 * ANSWER_BYTES
    assert 0 < len(r.json()["results"]["bindings"]) < 40


def test_a_first_row_past_the_byte_limit_is_a_422(hardened: LiveServer) -> None:
    half = "y" * 150_000
    query = f'SELECT ?t WHERE {{ BIND(CONCAT("{half}", "{half}") AS ?t) }}'
    r = requests.post(hardened.sparql, data={"query": query}, timeout=30)
    assert r.status_code == 422
    assert "max_answer_bytes" in r.text


def test_a_large_query_to_parse_does_not_hold_up_small_ones(hardened: LiveServer) -> None:
    """The gate's parse runs in the query's own worker, under its time limit: no lock is shared
    with other requests, so small queries keep their pace while a large text is parsed."""
    big = ("SELECT * FROM <urn:g> WHERE { VALUES ?x { "
           + " ".join(f'"{"from" * 8}{i}"' for i in range(4_000)) + " } }")
    assert len(big) > 150_000
    with ThreadPoolExecutor(1) as pool:
        parsing = pool.submit(requests.post, hardened.sparql, data={"query": big}, timeout=60)
        time.sleep(0.3)
        small = []
        for i in range(5):
            t0 = time.monotonic()
            r = requests.get(hardened.sparql, params={"query": f"ASK {{ ?s ?p {i} }}"},
                             timeout=30)
            small.append(time.monotonic() - t0)
            assert r.status_code == 200
        done = parsing.result()
    assert done.status_code in (200, 503)
    assert max(small) < hardened.timeout_s, small


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000,
    "SELECT * FROM <urn:g> WHERE { BIND(" + "(" * 400 + "1" + ")" * 400 + " AS ?x) }",
])
def test_deep_nesting_is_a_400_naming_the_limit(hardened: LiveServer, query: str) -> None:
    r = requests.post(hardened.sparql, data={"query": query}, timeout=30)
    assert r.status_code == 400
    assert f"more than {DEPTH} deep" in r.text and "max_query_depth" in r.text


@pytest.mark.parametrize("query", [
    "SELECT * FROM <urn:g> WHERE " + "{ " * 39 + "?s ?p ?o" + " }" * 39,
    "SELECT * WHERE { SERVICE <urn:x> { BIND(" + "(" * 35 + "1" + ")" * 35 + " AS ?x) } }",
])
def test_nesting_under_the_limit_is_parsed_not_a_500(hardened: LiveServer, query: str) -> None:
    r = requests.post(hardened.sparql, data={"query": query}, timeout=30)
    assert r.status_code in (200, 403), r.text


@pytest.mark.parametrize(("body", "message"), [
    ("SELECT * WHERE { ?s ?p \"\\U00110000\" }", "not a Unicode character"),
    ("", "no 'query'"),
    ("   ", "no query"),
    ("# only a comment", "no query"),
    ("PREFIX ex: <urn:ex#>", "no query"),
    ("SELECT * WHERE { ?s ?p \"\\\\u0041\" }", "parsers read in different ways"),
])
def test_malformed_queries_are_400_with_a_message(hardened: LiveServer, body: str,
                                                  message: str) -> None:
    data = {"query": body} if body else {"default-graph-uri": "urn:g"}
    r = requests.post(hardened.sparql, data=data, timeout=30)
    assert r.status_code == 400, r.text
    assert message in r.text


def test_a_comment_only_update_is_a_400(hardened: LiveServer) -> None:
    r = requests.post(hardened.url + "/sparql/update", data=b"# nothing to do\n", timeout=30,
                      headers={"Content-Type": "application/sparql-update",
                               "Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert r.status_code == 400
    assert "no operation" in r.text


def test_a_worker_killed_mid_query_is_not_reported_as_a_time_out(hardened: LiveServer) -> None:
    """A worker that dies during a query (here: killed from outside, as the OOM killer would)
    is told apart from one that overran its limit."""
    import os
    import signal

    _settled(hardened)
    health = requests.get(hardened.url + "/api/health", timeout=10,
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).json()
    pids = health["workers"]["sparql"]["pids"]
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        running = pool.submit(requests.get, hardened.sparql, timeout=30,
                              params={"query": HEAVY % 999})
        time.sleep(0.5)
        for pid in pids:  # the one running it is among them; idle ones are replaced as well
            os.kill(pid, signal.SIGKILL)
        r = running.result()
    assert r.status_code == 500
    assert "stopped during the query" in r.text
    assert "time limit" not in r.text
    assert time.monotonic() - started < hardened.timeout_s


def test_no_client_error_left_a_traceback(hardened: LiveServer) -> None:
    """Runs last in this module: every request above was answered without a traceback."""
    logs = list(hardened.data_dir.parent.glob("adversarial-logs*/stderr.log"))
    assert logs
    text = "".join(p.read_text(errors="replace") for p in logs)
    assert "Traceback" not in text, text[-3000:]
    assert len(text) < 20_000, f"{len(text)} bytes of log for a few dozen requests"

