"""Live-server fixtures: a real ``python server.py`` in a subprocess on a free port.

The release served is built from ``data/graph.trig`` by :func:`build_release`, which writes the
same layout ``kgcase build`` does (``stores/<id>/{oxigraph,release.json}`` + ``current``). To serve
the real build instead, replace the body of :func:`build_release` with one line::

    return build(BuildInputs(cases_dir=CASES, ontology_dir=ONTOLOGY, data_dir=data_dir,
                             progress=False), log=lambda _m: None)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kgcase.store import Release, switch_current

ROOT = Path(__file__).resolve().parents[2]
LIVE_DATA = Path(__file__).resolve().parent / "data"
GRAPH = LIVE_DATA / "graph.trig"
QUERIES = LIVE_DATA / "queries"
#: The short query time limit the live server runs with (the default is 30 s).
TIMEOUT_S = 3
MAX_ROWS = 50
ADMIN_TOKEN = "live-test-admin-token"
#: How long a server may take to start (KGCASE_TEST_START_S: longer on a machine shared by
#: many test runs).
START_S = float(os.environ.get("KGCASE_TEST_START_S", "60"))


def build_release(data_dir: Path, source: Path = GRAPH, release_id: str = "live-1") -> Release:
    """Load ``source`` (TriG) into a new release under ``data_dir`` and make it current."""
    target = data_dir / "stores" / release_id
    target.mkdir(parents=True)
    store = ox.Store(str(target / "oxigraph"))
    store.bulk_load(path=str(source), format=ox.RdfFormat.TRIG)
    graphs = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g))
              for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    release = Release(id=release_id, built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                      triples=len(store), graphs=graphs)
    del store  # close RocksDB before the server opens it
    release.write(target / "release.json")
    switch_current(data_dir, target)
    return release


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running server: its base URL and the data directory it serves."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    queries_dir: Path = QUERIES
    timeout_s: float = TIMEOUT_S
    max_rows: int = MAX_ROWS
    admin_token: str = ""
    logs: Path | None = None  # the directory of its stdout.log and stderr.log

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def _output(logs: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')}"
                     for p in sorted(logs.glob("*.log")))


@contextmanager
def run_server(data_dir: Path, logs: Path, *extra: str,
               queries_dir: Path = QUERIES) -> Iterator[LiveServer]:
    """Start ``server.py`` on a free port; poll /api/health; always stop it."""
    port = free_port()
    logs.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(ROOT / "server.py"), "--port", str(port),
               "--data-dir", str(data_dir), "--queries-dir", str(queries_dir),
               "--timeout-s", str(TIMEOUT_S), "--max-rows", str(MAX_ROWS), "--workers", "3",
               *extra]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGCASE_")}
    with (logs / "stdout.log").open("wb") as out, (logs / "stderr.log").open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited with {process.returncode}:\n{_output(logs)}")
            try:
                if requests.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or busy starting on a loaded machine
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after {START_S:g} s:\n{_output(logs)}")
            time.sleep(0.1)
        token = extra[extra.index("--admin-token") + 1] if "--admin-token" in extra else ""
        yield LiveServer(url, data_dir, process, queries_dir=queries_dir, admin_token=token,
                         logs=logs)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The shared read-only server (no admin token): most live tests talk to it."""
    data_dir = tmp_path_factory.mktemp("live-data")
    build_release(data_dir)
    with run_server(data_dir, tmp_path_factory.mktemp("live-logs")) as server:
        yield server


@pytest.fixture(scope="session")
def seed_server(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    """A server on the real build of ``cases/`` with the real ``queries/``."""
    with run_server(built_data_dir, tmp_path_factory.mktemp("seed-logs"),
                    queries_dir=ROOT / "queries") as server:
        yield server


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own (its releases change), with an admin token and update endpoint."""
    data_dir = tmp_path_factory.mktemp("admin-data")
    build_release(data_dir)
    with run_server(data_dir, tmp_path_factory.mktemp("admin-logs"),
                    "--admin-token", ADMIN_TOKEN) as server:
        yield server


@pytest.fixture
def new_release():
    """:func:`build_release`, for tests that switch the served release."""
    return build_release


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s
