"""Slow clients cannot exhaust the server: header and body time-outs, a bound per client.

The slow connections come from many loopback addresses (127.0.0.2 …), each under the per-client
bound, so that the server really holds them all; the measuring requests come from 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import resource
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from live.conftest import LiveServer, build_release, run_server

pytestmark = pytest.mark.live

#: The time-outs of the server under test (the defaults are 10 s and 30 s).
TIMEOUT_S = 3
PER_CLIENT = 8
MAX_BODY = 131072  # above the slow bodies' Content-Length: 100000
SLOW = 200
PAGE = "/case/cabrera-2016"
BODY_HEAD = (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/"
             b"x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nquery=SELECT")
HEADER_HEAD = b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own with short time-outs, a small body cap and a small per-client bound."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4 * SLOW + 256  # both ends of every connection may be in this process tree
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    data_dir = tmp_path_factory.mktemp("slow-data")
    build_release(data_dir)
    with run_server(data_dir, tmp_path_factory.mktemp("slow-logs"),
                    "--header-timeout-s", str(TIMEOUT_S), "--body-timeout-s", str(TIMEOUT_S),
                    "--client-requests", str(PER_CLIENT),
                    "--max-body-bytes", str(MAX_BODY)) as server:
        yield server
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _port(server: LiveServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _open(server: LiveServer, source: str, first_bytes: bytes) -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", _port(server)))
    sock.sendall(first_bytes)
    return sock


def _source(i: int) -> str:
    """The ``i``-th loopback address after 127.0.1.1: 127.0.1.2, 127.0.1.3 …"""
    return f"127.0.{1 + i // 250}.{2 + i % 250}"


def _answer(sock: socket.socket, wait_s: float) -> bytes:
    """What the server sent before it closed the connection (b"" if nothing), within
    ``wait_s``; raises TimeoutError if the connection stayed open."""
    sock.settimeout(wait_s)
    got = b""
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except ConnectionResetError:
        pass
    return got


def _timed(url: str, **kwargs) -> tuple[float, int]:
    started = time.monotonic()
    status = requests.get(url, timeout=10, **kwargs).status_code
    return time.monotonic() - started, status


def test_slow_headers_and_bodies_neither_block_nor_stay(guarded):
    """200 slow-body and 200 slow-header connections: /api/health and a page answer in under
    1 s while they are open; the server closes each of them at the time-out, the slow bodies
    with a 408, even those that keep sending a byte a second."""
    bodies, headers = [], []
    try:
        opened = time.monotonic()
        for i in range(SLOW):  # 25 addresses, 8 each: every one is held, none refused
            bodies.append(_open(guarded, _source(i // PER_CLIENT), BODY_HEAD))
            headers.append(_open(guarded, _source(100 + i), HEADER_HEAD))
        latencies = [_timed(guarded.url + "/api/health") for _ in range(3)]
        latencies += [_timed(guarded.url + PAGE, headers={"Accept": "text/html"})
                      for _ in range(3)]
        measured = time.monotonic()
        assert measured - opened < TIMEOUT_S, "measured after the slow connections were cut"
        assert all(status == 200 for _, status in latencies), latencies
        assert max(t for t, _ in latencies) < 1.0, latencies
        for second in range(TIMEOUT_S + 1):  # half the bodies trickle on: no later deadline
            for sock in bodies[::2]:
                with contextlib.suppress(OSError):  # already answered and closed
                    sock.send(b"x")
            time.sleep(max(0.0, opened + second + 1 - time.monotonic()))
        for sock in bodies:
            got = _answer(sock, 5)
            assert got.startswith(b"HTTP/1.1 408") or got == b"", got[:200]
            assert not got or b"body_timeout_s" in got
        assert all(_answer(sock, 5) == b"" for sock in headers)
        assert time.monotonic() - opened < TIMEOUT_S + 8
    finally:
        for sock in bodies + headers:
            sock.close()
    assert _timed(guarded.url + "/api/health")[1] == 200


def test_more_requests_than_the_bound_from_one_client_get_429(guarded):
    source = "127.0.9.9"
    held = [_open(guarded, source, BODY_HEAD) for _ in range(PER_CLIENT)]
    try:
        time.sleep(0.3)  # let the server take them up
        extra = _open(guarded, source, b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n"
                                       b"Connection: close\r\n\r\n")
        refused = _answer(extra, 5)
        extra.close()
        head, _, body = refused.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 429"), refused[:300]
        assert b"\r\nretry-after: " in head.lower()
        assert b"client_requests" in body
        assert _timed(guarded.url + "/api/health")[1] == 200  # other clients are served
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 3  # a closed connection frees its place
    while True:
        again = _open(guarded, source, b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n"
                                       b"Connection: close\r\n\r\n")
        answer = _answer(again, 5)
        again.close()
        if answer.startswith(b"HTTP/1.1 200") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]


def _chunked_post(server: LiveServer, body: bytes) -> bytes:
    """POST ``body`` to /sparql as a chunked SPARQL query; the raw answer."""
    sock = _open(server, "127.0.0.1", b"POST /sparql HTTP/1.1\r\nHost: localhost\r\n"
                 b"Transfer-Encoding: chunked\r\nContent-Type: application/sparql-query\r\n"
                 b"Accept: application/sparql-results+json\r\nConnection: close\r\n\r\n")
    try:
        try:
            for start in range(0, len(body), 8192):
                chunk = body[start:start + 8192]
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered early and closed
        return _answer(sock, 10)
    finally:
        sock.close()


def test_a_chunked_body_over_the_cap_is_refused_not_cut(guarded):
    """A query that would run if cut at the cap: the comment after it fills the body."""
    query = b"ASK { ?s ?p ?o } #" + b"x" * (2 * MAX_BODY)
    answer = _chunked_post(guarded, query)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"max_body_bytes" in answer


def test_whole_bodies_still_reach_the_app(guarded):
    chunked = _chunked_post(guarded, b"ASK { ?s ?p ?o }")
    assert chunked.startswith(b"HTTP/1.1 200") and b'"boolean":true' in chunked, chunked[:300]
    form = requests.post(guarded.sparql, data={"query": "SELECT (COUNT(*) AS ?n) "
                                                        "WHERE { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert form.status_code == 200
    assert form.json()["results"]["bindings"][0]["n"]["value"] == "77"


def _inline(server: LiveServer) -> int:
    """How many one-pattern lookups the web process has run (/api/health)."""
    return requests.get(server.url + "/api/health", timeout=10).json()["workers"]["pages"]["inline"]


def test_a_body_cut_by_the_client_runs_nothing(guarded):
    """The client goes before its body is whole: what came is not run as if it were all."""
    limit = 1000 + time.monotonic_ns() % 1000  # a text not sent before: not from the cache
    lookup = f"query=SELECT ?p ?o WHERE {{ <urn:x> ?p ?o }} LIMIT {limit}".encode()
    before = _inline(guarded)
    sock = _open(guarded, "127.0.0.1", BODY_HEAD.split(b"query=")[0] + lookup)
    time.sleep(0.2)
    sock.close()
    time.sleep(0.5)
    assert _inline(guarded) == before
    whole = requests.post(guarded.sparql, data=lookup, timeout=10, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    assert whole.status_code == 200 and _inline(guarded) == before + 1  # the same, whole, runs
