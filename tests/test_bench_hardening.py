"""The hardening benchmark's pure parts: its table, the /proc RSS sampler, the clients (timed
request, counting listener, byte-at-a-time connections) against tiny local servers. No
timings are asserted and no kgcase server is started."""

from __future__ import annotations

import multiprocessing
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import QUERIES, ROOT

if str(ROOT) not in sys.path:  # `pytest` alone does not put the repository root there
    sys.path.append(str(ROOT))
from benchmarks import wrk
from benchmarks.hardening import net, procs, report, scenarios


def _summary(ms: list[float], none: int = 0, status: str = "200") -> dict:
    probes = [net.Probe(int(status), m / 1000) for m in ms] + [net.Probe(None, 10.0)] * none
    return net.summarise(probes)


def _side(*, hardened: bool) -> dict:
    fast, blocked = _summary([2.0, 3.0, 4.0]), _summary([], none=5)
    probe = {"status": 200, "seconds": 1.0, "bytes": 171_000_000, "error": "",
             "timeout_s": 60.0, "truncated": False}
    rss = {"web_mb": 150.0, "workers_mb": 300.0, "one_worker_mb": 80.0, "total_mb": 450.0}
    return {
        "ssrf": {"GET /sparql": {"status": 403 if hardened else 200,
                                 "hits": 0 if hardened else 1, "error": ""}},
        "slow": {"8 slow bodies": {"opened": 8, "refused": 0, "still_open": 8, "timeout_s": 10.0,
                                   "health": fast if hardened else blocked,
                                   "page": fast if hardened else blocked}},
        "heavy": {"4 heavy queries, 1 client": {
            "heavy": _summary([10_000.0] * 4, status="503"),
            "pages": fast, "named": _summary([5.0, 9_000.0])}},
        "memory": {"doubling": {**probe, "bytes": 147, "rss_idle": rss, "rss_peak": rss},
                   "rows": {**probe, "truncated": hardened,
                            "bytes": 16_800_000 if hardened else 171_000_000,
                            "rss_idle": rss, "rss_peak": rss}},
        "parse": {"bytes": 190_035, "big": {**probe, "status": None, "error": "TimeoutError"},
                  "small": fast},
        "soak": {"wrk": {"rate": 70.5 if hardened else 0.8, "p50_ms": 200.0, "p99_ms": 1800.0,
                         "non_2xx": 3, "socket_errors": {"connect": 0, "read": 1, "write": 0,
                                                         "timeout": 2}},
                 "heavy": _summary([9_000.0]), "connections": 16, "seconds": 10.0},
    }


@pytest.fixture
def doc() -> dict:
    before, after = _side(hardened=False), _side(hardened=True)
    return {"date": "2026-01-01 00:00 UTC", "machine": "test CPU, 2 cores",
            "command": "python -m benchmarks hardening --seconds 10", "took": "6 min",
            "load_average": 1.5, "json": "benchmarks/results/hardening-x.json",
            "trees": {"before": "/b/src", "after": "/a/src"}, "data": "8789 triples",
            "flags": {"before": {"--timeout-s": "10"}, "after": {"--timeout-s": "10"}},
            "restarts": {}, "settings": {"heavy": scenarios.HEAVY.format("$i"),
                                         "soak_paths": 400},
            "results": {name: {"before": before[name], "after": after[name]}
                        for name in scenarios.SCENARIOS}}


def test_section_sets_before_beside_after_and_says_what_went_unanswered(doc):
    text = report.section(doc)
    assert text.startswith(report.HEADING + "\n")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| scenario | measure | before | after | change |"
    assert all(line.count(" | ") == 4 for line in rows)
    assert "| 200, listener hit 1× | 403, listener hit 0× | listener hits 1 → 0 |" in text
    assert "no answer within 10 s (5/5)" in text
    assert "answered (before: none)" in text
    assert "no answer within 60 s" in text  # the large parse
    assert "16.8 MB, truncated" in text and "171.0 MB" in text
    assert "88×" in text  # 70.5 / 0.8 requests/s
    assert "3 non-2xx; socket: connect 0, read 1, write 0, timeout 2" in text


def test_a_scenario_that_failed_on_one_side_is_one_row(doc):
    doc["results"]["memory"]["before"] = {"failed": "RuntimeError: server exited"}
    lines = report.table(doc["results"])
    failed = [line for line in lines if "server exited" in line]
    assert failed == ["| memory | failed | RuntimeError: server exited | ran | – |"]


def test_summaries_and_changes():
    s = _summary([1.0, 2.0, 3.0, 400.0], none=1)
    assert (s["count"], s["answered"], s["no_answer"]) == (5, 4, 1)
    assert s["statuses"] == {"200": 4, "none": 1}
    assert (s["p50_ms"], s["max_ms"]) == (3.0, 400.0)
    assert report.latency(s) == "p50 3.0 ms · max 400 ms; no answer 1/5"
    assert report.speedup(100.0, 10.0) == "10.0× faster"
    assert report.speedup(10.0, 30.0) == "3.0× slower"
    assert report.speedup(None, 3.0) == "–"
    assert net.percentile([], 50) is None


def _sleeper() -> None:
    time.sleep(30)


def test_rss_sampler_reads_this_process_and_a_spawned_worker():
    child = multiprocessing.get_context("spawn").Process(target=_sleeper, daemon=True)
    child.start()
    try:
        deadline = time.monotonic() + 30
        while child.pid not in procs.tree(os.getpid()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert procs.is_worker(child.pid) and not procs.is_worker(os.getpid())
        assert procs.rss_kb(os.getpid()) > 0
        with procs.RssSampler(os.getpid(), every_s=0.01) as sampler:
            time.sleep(0.1)
        assert sampler.samples >= 1
        peak = sampler.peak
        assert peak["web_mb"] > 0 and peak["workers_mb"] > 0
        assert peak["one_worker_mb"] <= peak["workers_mb"] <= peak["total_mb"]
    finally:
        child.kill()
        child.join()
    assert procs.rss_kb(-1) == 0


def test_all_idle_reads_one_pool_or_one_per_kind():
    assert procs.all_idle({"workers": {"size": 4, "idle": 4}})
    assert not procs.all_idle({"workers": {"size": 4, "idle": 3}})
    assert not procs.all_idle({"workers": {"sparql": {"size": 4, "idle": 4},
                                           "pages": {"size": 2, "idle": 1},
                                           "network_closed": True}})
    assert procs.all_idle({"ok": True})


def test_known_flags_come_from_the_trees_help():
    flags = procs.known_flags(ROOT / "src", ROOT / "server.py")
    assert {"--port", "--timeout-s", "--max-rows"} <= flags
    assert procs.raise_nofile(64) >= 64


def test_named_paths_bind_each_querys_first_parameter():
    paths = scenarios.named_paths(QUERIES, [f"KGCASE:{i:07d}" for i in range(20)])
    assert len(paths) == 20 and len(set(paths)) == 20
    assert "/api/queries/effects_of_drug?drug=KGCASE%3A" in " ".join(paths)


def test_wrk_report_keeps_non_2xx_apart_from_socket_errors():
    got = wrk.parse("  6502 requests in 10.01s, 3.21MB read\n"
                    "  Socket errors: connect 0, read 2, write 0, timeout 3\n"
                    "  Non-2xx or 3xx responses: 5\n")
    assert got["non_2xx"] == 5
    assert got["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 3}


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/hang":
            time.sleep(2)
        body = self.client_address[0].encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_request_comes_from_the_address_asked_and_never_raises(echo):
    got = net.request(echo, "/", source="127.0.0.3", keep=True)
    assert (got.status, got.body, got.size) == (200, b"127.0.0.3", 9)
    late = net.request(echo, "/hang", timeout=0.2)
    assert late.status is None and late.error == "TimeoutError"
    closed = net.request("http://127.0.0.1:9", "/", timeout=1)
    assert closed.status is None and closed.error == "ConnectionRefusedError"
    probes = net.staggered([lambda: net.request(echo, "/")] * 3, 0.0)
    assert [p.status for p in probes] == [200] * 3


def test_listener_counts_requests():
    with net.Listener() as listener:
        assert net.request(listener.url.rsplit("/", 1)[0], "/x").status == 200
        assert listener.hits == 1


def _accepting(*, close: bool) -> tuple[socket.socket, list[socket.socket], threading.Event]:
    """A TCP server that accepts and then reads nothing (or closes at once)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    done = threading.Event()

    def run() -> None:
        server.settimeout(0.1)
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if close:
                conn.close()
            else:
                held.append(conn)

    threading.Thread(target=run, daemon=True).start()
    return server, held, done


@pytest.mark.parametrize("close", [False, True])
def test_slow_clients_drip_and_see_a_closed_connection(close):
    server, held, done = _accepting(close=close)
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    heads = [net.slow_body_head("h")] * 2 + [net.slow_header_head("h")]
    try:
        with net.SlowClients(url, heads, every_s=0.05) as clients:
            time.sleep(0.5)  # several drips
            assert (clients.opened, clients.refused) == (3, 0)
            assert clients.still_open() == (0 if close else 3)
        if not close:
            got = b"".join(c.recv(1 << 16) for c in held)
            assert b"Content-Length: 100000" in got and b"X-Slow: " in got and b"x" in got
    finally:
        done.set()
        server.close()
        for c in held:
            c.close()
    with net.SlowClients("http://127.0.0.1:9", heads) as nowhere:
        assert (nowhere.opened, nowhere.refused) == (0, 3)
