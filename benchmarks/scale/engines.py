"""The servers a scale run queries, started on loopback: kgcase, Oxigraph, Virtuoso, rdflib.

Each starter is a context manager yielding a :class:`Target` (plus its load time where loading
is a separate step) and always stops its server. Every server enforces the per-query time limit
itself, so a query that overruns stops using the CPU: kgcase kills its worker (503), ``oxigraph
serve --timeout-s`` cancels the query, Virtuoso answers an anytime query (``timeout`` parameter,
``X-SQL-State: S1TAT``) and the rdflib endpoint interrupts its thread (503).
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import requests

from benchmarks import bench_pages, bench_service
from benchmarks.common import program
from kgcase.store.embedded import release_dir
from kgcase.store.remote_load import load_remote, release_graphs

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests") not in sys.path:  # for tests/remote/servers.py, as bench_remote
    sys.path.append(str(ROOT / "tests"))
from remote import servers  # noqa: E402


@dataclass(frozen=True)
class Target:
    """One engine: kgcase's API (``api``: named queries by name) or a SPARQL endpoint that is
    sent the bound query text (``as_bind``: bound with BIND instead of VALUES)."""

    name: str
    base: str
    sparql_path: str
    api: bool = False
    as_bind: bool = False
    form: tuple[tuple[str, str], ...] = ()  # extra fields sent with each query

    @property
    def sparql_url(self) -> str:
        return self.base + self.sparql_path


@contextmanager
def kgcase(name: str, data_dir: Path, work: Path, *, cache: bool, timeout_s: float,
           workers: int) -> Iterator[Target]:
    """``server.py`` on the embedded store; ``cache`` False sets ``--cache-entries 0``."""
    extra = ["--timeout-s", str(timeout_s), "--workers", str(workers)]
    if not cache:
        extra += ["--cache-entries", "0"]
    process, url = bench_pages.start(data_dir, work / f"kgcase-{int(cache)}.log", *extra)
    try:
        warm_up_workers(url, workers)
        yield Target(name, url, "/sparql", api=True)
    finally:
        bench_pages.stop(process)


def warm_up_workers(url: str, workers: int) -> None:
    """Give every query worker its first query before timing: a worker opens the store on its
    first job, which cost 30–45 ms more than later ones at 10 000 reports."""
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?o }"}
    with ThreadPoolExecutor(workers * 2) as pool:
        list(pool.map(lambda _: requests.get(url + "/sparql", params=query, timeout=120),
                      range(workers * 2)))


@contextmanager
def oxigraph(data_dir: Path, work: Path, *, timeout_s: float) -> Iterator[Target]:
    """``oxigraph serve --union-default-graph`` on a copy of the built store."""
    copy = work / "oxigraph-serve"
    shutil.copytree(release_dir(data_dir) / "oxigraph", copy)
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    command = [program("oxigraph"), "serve", "--location", str(copy), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph", "--timeout-s", f"{timeout_s:g}"]
    process = bench_service.start(command, base + "/query?query=ASK%7B%7D", work / "oxigraph.log")
    try:
        yield Target("oxigraph", base, "/query")
    finally:
        bench_service.stop(process)
        shutil.rmtree(copy)


def _sized_ini(buffers: int) -> Callable[[Path, int, int], Path]:
    """``servers._virtuoso_ini`` with ``buffers`` 8 kB pages of buffers (3/4 of them dirty)."""
    original = servers._virtuoso_ini

    def write(directory: Path, http_port: int, sql_port: int) -> Path:
        path = original(directory, http_port, sql_port)
        text = path.read_text()
        for key, value in (("NumberOfBuffers", buffers), ("MaxDirtyBuffers", buffers * 3 // 4)):
            text = re.sub(rf"^{key}\s*=.*$", f"{key} = {value}", text, count=1, flags=re.M)
        path.write_text(text)
        return path
    return write


@contextmanager
def virtuoso(data_dir: Path, work: Path, *, timeout_s: float,
             buffers: int = 0) -> Iterator[tuple[Target, float]]:
    """A fresh Virtuoso (``tests/remote/servers.py``) loaded graph by graph with ``load_remote``;
    yields it and the load time in seconds. ``buffers`` 0 keeps the test configuration's."""
    with ExitStack() as stack:
        if buffers:
            stack.enter_context(mock.patch.object(servers, "_virtuoso_ini", _sized_ini(buffers)))
        server = stack.enter_context(servers.virtuoso_server(work / "virtuoso"))
        report = load_remote(server.descriptor, release_graphs(release_dir(data_dir)),
                             user=server.user, password=server.password, progress=False)
        base = server.endpoint.removesuffix("/sparql")
        timeout = (("timeout", str(int(timeout_s * 1000))),)
        yield Target("virtuoso", base, "/sparql", as_bind=True, form=timeout), report["seconds"]
    shutil.rmtree(work / "virtuoso", ignore_errors=True)


@contextmanager
def rdflib(dump: Path, work: Path, *, timeout_s: float,
           deadline_s: float = 3600) -> Iterator[tuple[Target, float]]:
    """bench_service's rdflib endpoint on the N-Quads ``dump``; yields it and its load time."""
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, bench_service.__file__, "--serve-rdflib", str(dump), str(port),
               "--serve-timeout", f"{timeout_s:g}"]
    started = time.perf_counter()
    process = bench_service.start(command, base + "/sparql?query=ASK%7B%7D", work / "rdflib.log",
                                  deadline_s)
    try:
        yield Target("rdflib", base, "/sparql"), time.perf_counter() - started
    finally:
        bench_service.stop(process)
