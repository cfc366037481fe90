"""``--processes 2``: two HTTP processes share the port, a dead one is replaced, and stopping
the server stops every process it started."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from .conftest import ADMIN_TOKEN, build_release, run_server


def _children(pid: int) -> list[int]:
    """The children of every thread of ``pid`` (query workers are started by a thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def _http_children(pid: int) -> list[int]:
    """The children running server.py (the HTTP processes, not their query workers)."""
    found = []
    for child in _children(pid):
        try:
            if b"server.py" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except FileNotFoundError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture(scope="module")
def two_process_server(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("processes-data")
    build_release(data_dir)
    with run_server(data_dir, tmp_path_factory.mktemp("processes-logs"), "--processes", "2",
                    "--admin-token", ADMIN_TOKEN, "--timeout-s", "60",
                    # 8 queries at once from one address, all of which wait their turn
                    "--client-queries", "0", "--queue-length", "0") as server:
        yield server


def test_two_http_processes_answer_on_one_port(two_process_server) -> None:
    server = two_process_server
    assert _wait_for(lambda: len(_http_children(server.process.pid)) == 2)
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(
            lambda _: requests.get(server.sparql, params=query, timeout=30).status_code,
            range(64)))
    assert statuses == [200] * 64


def test_a_dead_http_process_is_replaced(two_process_server) -> None:
    server = two_process_server
    assert _wait_for(lambda: len(_http_children(server.process.pid)) == 2)
    victim = _http_children(server.process.pid)[0]
    os.kill(victim, signal.SIGKILL)
    assert _wait_for(lambda: victim not in _http_children(server.process.pid)
                     and len(_http_children(server.process.pid)) == 2)
    assert requests.get(server.url + "/api/health", timeout=10).status_code == 200


def test_updates_from_both_processes_follow_one_another(two_process_server) -> None:
    """The update lock is a file lock, so two processes never patch the same release at once:
    each of the concurrent updates lands, none is lost."""
    server = two_process_server
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}",
               "Content-Type": "application/sparql-update"}

    def update(i: int) -> int:
        text = f"INSERT DATA {{ GRAPH <urn:x-test:g> {{ <urn:x-test:s{i}> <urn:x-test:p> {i} }} }}"
        return requests.post(server.url + "/sparql/update", data=text, headers=headers,
                             timeout=120).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(update, range(8)))
    assert statuses == [200] * 8
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x-test:g> { ?s ?p ?o } }"
    answer = requests.get(server.sparql, params={"query": count},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == "8"


def test_stopping_the_server_stops_every_process_it_started(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    build_release(data_dir)
    with run_server(data_dir, tmp_path / "logs", "--processes", "2") as server:
        assert _wait_for(lambda: len(_http_children(server.process.pid)) == 2)
        requests.get(server.sparql, params={"query": "ASK {}"}, timeout=30)  # workers up
        started = _descendants(server.process.pid)
        assert len(started) >= 4  # two HTTP processes and their query workers
    assert _wait_for(lambda: not any(_alive(pid) for pid in started), 15)


def test_a_server_killed_outright_leaves_no_process_behind(tmp_path: Path) -> None:
    """SIGKILL gives the server no chance to stop its HTTP processes: they die with it
    (PR_SET_PDEATHSIG), and their query workers with them."""
    data_dir = tmp_path / "data"
    build_release(data_dir)
    with run_server(data_dir, tmp_path / "logs", "--processes", "2") as server:
        assert _wait_for(lambda: len(_http_children(server.process.pid)) == 2)
        requests.get(server.sparql, params={"query": "ASK {}"}, timeout=30)
        started = _descendants(server.process.pid)
        assert len(started) >= 4
        server.process.kill()
        server.process.wait(10)
        assert _wait_for(lambda: not any(_alive(pid) for pid in started), 15)


def test_the_server_starts_without_warnings(tmp_path: Path) -> None:
    """What a researcher sees on start: the URL line, and no advice from the HTTP server about
    its thread count (kgcase's threads wait on query workers, docs/decisions.md)."""
    data_dir = tmp_path / "data"
    build_release(data_dir)
    with run_server(data_dir, tmp_path / "logs"):
        pass
    out = (tmp_path / "logs" / "stdout.log").read_text()
    err = (tmp_path / "logs" / "stderr.log").read_text()
    assert "kgcase: serving http://127.0.0.1:" in out
    assert "WARNING" not in out + err, out + err
