"""The servers a scale run queries, started on loopback: kgcase, Oxigraph, Virtuoso, rdflib.

Each starter is a context manager yielding a :class:`Target` (plus its load time where loading
is a separate step) and always stops its server. Every server enforces the per-query time limit
itself, so a query that overruns stops using the CPU: kgcase kills its worker (503), ``oxigraph
serve --timeout-s`` cancels the query, Virtuoso answers an anytime query (``timeout`` parameter,
``X-SQL-State: S1TAT``) and the rdflib endpoint interrupts its thread (503).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
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
from kgcase.store.embedded import release_dir
from kgcase.store.remote_load import RemoteLoadError, load_remote, release_graphs

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
    store: str = ""  # the store descriptor kgcase is given to serve this engine's data

    @property
    def sparql_url(self) -> str:
        return self.base + self.sparql_path


@contextmanager
def kgcase(name: str, data_dir: Path, work: Path, *, cache: bool, timeout_s: float,
           workers: int, store: str = "", processes: int = 1) -> Iterator[Target]:
    """``server.py`` on the embedded store, or on ``store`` (a remote store's descriptor);
    ``cache`` False sets ``--cache-entries 0``; ``processes`` HTTP processes."""
    extra = ["--timeout-s", str(timeout_s), "--workers", str(workers),
             "--processes", str(processes)]
    if not cache:
        extra += ["--cache-entries", "0"]
    if store:
        extra += ["--store", store]
    process, url = bench_pages.start(data_dir, work / f"{name}.log", *extra)
    try:
        warm_up_workers(url, workers * processes)
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
    exe = servers.require_program("oxigraph", "pip install oxigraph")
    command = [exe, "serve", "--location", str(copy), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph", "--timeout-s", f"{timeout_s:g}"]
    process = bench_service.start(command, base + "/query?query=ASK%7B%7D", work / "oxigraph.log")
    try:
        yield Target("oxigraph", base, "/query")
    finally:
        bench_service.stop(process)
        shutil.rmtree(copy)


def _sized_ini(buffers: int, allowed: Path | None,
               max_rows: int = 0) -> Callable[[Path, int, int], Path]:
    """``servers._virtuoso_ini`` with ``buffers`` 8 kB pages of buffers (3/4 of them dirty),
    ``max_rows`` as ``ResultSetMaxRows`` (0: the test configuration's, for both) and ``allowed``
    added to ``DirsAllowed`` (for ``ld_dir``)."""
    original = servers._virtuoso_ini

    def write(directory: Path, http_port: int, sql_port: int) -> Path:
        path = original(directory, http_port, sql_port)
        text = path.read_text()
        settings = {"NumberOfBuffers": buffers, "MaxDirtyBuffers": buffers * 3 // 4,
                    "ResultSetMaxRows": max_rows}
        for key, value in settings.items():
            if value:  # 0: the test configuration's
                text = re.sub(rf"^{key}\s*=.*$", f"{key} = {value}", text, count=1, flags=re.M)
        if allowed is not None:
            text = re.sub(r"^(DirsAllowed\s*=.*)$", rf"\1, {allowed}", text, count=1, flags=re.M)
        path.write_text(text)
        return path
    return write


@contextmanager
def virtuoso(data_dir: Path, work: Path, *, timeout_s: float, buffers: int = 0,
             bulk: Path | None = None, max_rows: int = 0,
             consume: bool = False) -> Iterator[tuple[Target, float]]:
    """A fresh Virtuoso (``tests/remote/servers.py``), loaded graph by graph with ``load_remote``
    or, given the release's N-Quads ``bulk``, with Virtuoso's own bulk loader
    (:func:`bulk_load_virtuoso`; ``consume``: delete ``bulk`` once split, for the disk space);
    yields it and the load time in seconds."""
    parts = work / "virtuoso-load"
    with ExitStack() as stack:
        if buffers or bulk or max_rows:
            stack.enter_context(mock.patch.object(servers, "_virtuoso_ini", _sized_ini(
                buffers, parts if bulk else None, max_rows)))
        server = stack.enter_context(servers.virtuoso_server(work / "virtuoso"))
        if bulk is None:
            seconds = load_remote(server.descriptor, release_graphs(release_dir(data_dir)),
                                  user=server.user, password=server.password,
                                  progress=False)["seconds"]
        else:
            seconds = bulk_load_virtuoso(server, bulk, parts, consume=consume)
        base = server.endpoint.removesuffix("/sparql")
        timeout = (("timeout", str(int(timeout_s * 1000))),)
        descriptor = server.descriptor + (f"&row_limit={max_rows}" if max_rows else "")
        yield Target("virtuoso", base, "/sparql", as_bind=True, form=timeout,
                     store=descriptor), seconds
    shutil.rmtree(work / "virtuoso", ignore_errors=True)
    shutil.rmtree(parts, ignore_errors=True)


def split_nquads(dump: Path, parts: Path, files: int) -> int:
    """Copy ``dump`` into ``files`` N-Quads files in ``parts`` (round robin in blocks of lines),
    every line with a blank node into one more file of its own, since a blank node label is
    scoped to its file; return the lines."""
    parts.mkdir(parents=True, exist_ok=True)
    outs = [(parts / f"part-{i}.nq").open("wb") for i in range(files)]
    blank = (parts / "blank-nodes.nq").open("wb")
    lines = 0
    try:
        with dump.open("rb") as source:
            for lines, line in enumerate(source, 1):  # lines is returned
                if line.startswith(b"_:") or b" _:" in line:
                    blank.write(line)
                else:
                    outs[(lines >> 16) % files].write(line)
    finally:
        for out in [*outs, blank]:
            out.close()
    return lines


def bulk_load_virtuoso(server: servers.RemoteServer, dump: Path, parts: Path,
                       retries: int = 3, *, consume: bool = False) -> float:
    """Load the N-Quads ``dump`` with ``ld_dir`` and one ``rdf_loader_run()`` per core, then
    ``checkpoint``. Parallel loaders can deadlock each other ("Transaction deadlock"): a file
    that failed is queued again and reloaded by one loader alone (quads are a set, so what it had
    loaded is not doubled), up to ``retries`` times. Raises if a file still fails or the store
    holds fewer quads than the dump; returns the seconds from the split to the checkpoint."""
    started = time.perf_counter()
    loaders = max(2, os.cpu_count() or 2)
    lines = split_nquads(dump, parts, loaders)
    if consume:
        dump.unlink()
    isql = servers.require_program("isql-vt", "Debian virtuoso-opensource")
    where = f"127.0.0.1:{server.sql_port}"

    def run(sql: str) -> str:
        done = subprocess.run([isql, where, "dba", server.password, f"EXEC={sql}"],
                              capture_output=True, text=True, check=False, timeout=6 * 3600)
        if done.returncode or "*** Error" in done.stdout + done.stderr:
            raise RemoteLoadError(f"Virtuoso bulk load: {sql}: {done.stdout}{done.stderr}")
        return done.stdout

    def failed() -> list[str]:
        listing = run("SELECT ll_file FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        return re.findall(r"^(/\S+\.nq)\s*$", listing, re.M)

    run(f"ld_dir('{parts}', '*.nq', 'urn:x-kgcase:bulk-default');")
    with ThreadPoolExecutor(loaders) as pool:
        list(pool.map(lambda _: run("rdf_loader_run();"), range(loaders)))
    for attempt in range(retries + 1):
        files = failed()
        if not files:
            break
        if attempt == retries:
            raise RemoteLoadError(f"Virtuoso bulk load: {files} failed {retries + 1} times: "
                                  + run("SELECT ll_file, ll_error FROM DB.DBA.load_list "
                                        "WHERE ll_error IS NOT NULL;"))
        print(f"Virtuoso bulk load: reloading {files} with one loader", file=sys.stderr,
              flush=True)
        run("UPDATE DB.DBA.load_list SET ll_state = 0, ll_error = NULL "
            "WHERE ll_error IS NOT NULL;")
        run("rdf_loader_run();")
    run("checkpoint;")
    seconds = time.perf_counter() - started
    counted = re.findall(r"^\s*(\d+)\s*$", run("SELECT COUNT(*) FROM DB.DBA.RDF_QUAD;"), re.M)
    quads = int(counted[0]) if counted else -1
    print(f"Virtuoso bulk load: {lines} quads in the dump, {quads} in the store (with "
          f"Virtuoso's own), {seconds:.1f} s", file=sys.stderr, flush=True)
    if quads < lines:
        raise RemoteLoadError(f"Virtuoso bulk load: {quads} quads in the store, fewer than the "
                              f"dump's {lines}")
    return seconds


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
