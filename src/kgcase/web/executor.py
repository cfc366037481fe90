"""Small pools of worker processes that run queries, and kill a query that overruns.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so each query runs in
a worker *process* (``worker.serve_jobs``). The web thread waits on the worker's pipe for at most
the time left; past that it SIGKILLs the worker — which frees its CPU at once — starts a fresh one
in its place and answers 503. The other workers keep serving meanwhile.

Each worker is confined (:mod:`kgcase.web.sandbox`): no network, a memory limit, and for the pool
of ad-hoc queries a lower CPU priority. A worker that dies mid-query is told apart from one that
overran by its process sentinel, and the line it wrote last (an allocation that failed past the
memory limit) says why, so the client hears the cause, not "retry". A pool may bound how many
callers wait for a worker (``max_waiting``): the next one is told at once that the service is
busy, instead of holding an HTTP thread for the whole time limit.

A query the gate marks ``bounded`` (one streamed triple pattern, :func:`kgcase.web.gate.
one_pattern`) cannot run long, so :meth:`WorkerPool.run_inline` runs it on the calling thread,
on a read-only store of the release opened in the web process, and saves the two pipe hops.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from kgcase.errors import StoreUnavailableError
from kgcase.web.errors import (
    NotAcceptableError,
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooLargeError,
    ServiceBusyError,
    TooManyRequestsError,
)
from kgcase.web.negotiate import GRAPH_OFFERS, SELECT_OFFERS, media_types
from kgcase.web.sandbox import Confinement
from kgcase.web.worker import Job, JobError, Outcome, ReleaseStores, execute, serve_jobs

#: "spawn": a fresh interpreter per worker; forking a threaded web server is unsafe.
SPAWN = multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    error_path: str  # the worker's standard error


class WorkerPool:
    """``size`` worker processes; :meth:`run` hands a job to an idle one, within a deadline."""

    def __init__(self, size: int, confinement: Confinement = Confinement(),  # noqa: B008
                 *, name: str = "query", max_waiting: int = 0) -> None:
        self.size = max(1, size)
        self.confinement = confinement
        self.name = name
        self.max_waiting = max_waiting  # 0: any number of callers may wait
        self._waiting = 0
        self.refused = 0  # callers told at once that every worker and waiting place was taken
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.killed = 0
        self.inline = 0  # bounded queries run in this process
        self._stores = ReleaseStores()  # their store, opened on first use
        self._stores_lock = threading.Lock()
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="kgcase-spawner")

    def start(self) -> None:
        """Start the workers and wait until each answers (done on first use, or call it)."""
        with self._lock:
            if self._started or self._closed:
                return
            workers = [self._spawn() for _ in range(self.size)]
            for worker in workers:
                worker.conn.send(None)
            for worker in workers:
                if not worker.conn.poll(120):
                    raise ServiceBusyError("a query worker did not start within 120 s")
                reply = worker.conn.recv()
                if reply[0] != "ok":
                    raise ServiceBusyError(reply[2])
                self._idle.put(worker)
            self._started = True

    def _spawn(self) -> _Worker:
        """Start a worker from the pool's own thread: a worker is killed when the *thread* that
        started it ends (``PR_SET_PDEATHSIG``), and the HTTP server's threads come and go."""
        return self._spawner.submit(self._spawn_here).result()

    def _spawn_here(self) -> _Worker:
        parent, child = SPAWN.Pipe()
        fd, error_path = tempfile.mkstemp(prefix=f"kgcase-{self.name}-worker-", suffix=".log")
        os.close(fd)
        process = SPAWN.Process(target=serve_jobs, args=(child, self.confinement, error_path),
                                daemon=True, name=f"kgcase-{self.name}-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent, error_path)
        self._all.append(worker)
        return worker

    def _drop(self, worker: _Worker) -> None:
        """Kill ``worker`` (SIGKILL: a query it runs stops now) and forget it."""
        _stop(worker)
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and put a fresh one in the pool."""
        self._drop(worker)
        with self._lock:
            self.killed += 1
            if not self._closed:  # in the background: a query never waits on a start-up
                self._spawner.submit(self._spawn_ready)

    def _spawn_ready(self) -> None:
        """Start a worker and make it idle once it answers (on the spawner thread)."""
        for _ in range(3):
            worker = self._spawn_here()
            try:
                worker.conn.send(None)
                ready = worker.conn.poll(120) and worker.conn.recv()[0] == "ok"
            except (EOFError, OSError):
                ready = False
            if ready:
                with self._lock:
                    if not self._closed:
                        self._idle.put(worker)
                        return
            self._drop(worker)
            if self._closed:
                return

    def run(self, job: Job, *, timeout_s: float) -> Outcome:
        """Run ``job`` on an idle worker; the deadline covers waiting for one and running.

        :raises QueryTimeoutError: the query ran past the deadline; its worker was killed.
        :raises ServiceBusyError: no worker became free in time, or none may wait for one.
        :raises QueryTooLargeError: the worker died past its memory limit during the query.
        :raises QueryFailedError: the worker died during the query for another reason.
        """
        self.start()
        deadline = time.monotonic() + timeout_s
        worker = self._take(timeout_s)
        try:
            worker.conn.send(job)
            ready = wait([worker.conn, worker.process.sentinel],
                         max(deadline - time.monotonic(), 0))
            if not ready:
                self._replace(worker)
                raise QueryTimeoutError(
                    f"the query ran longer than the {timeout_s:g} s time limit and was stopped "
                    "(setting timeout_s); narrow it down, add a LIMIT, or use a named query"
                )
            if worker.conn not in ready:  # its process ended: the pipe may never say so
                raise EOFError
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise self._died(worker) from None
        self._idle.put(worker)
        return _outcome(reply, self.confinement)

    def _take(self, timeout_s: float) -> _Worker:
        """An idle worker, waited for at most ``timeout_s`` (503 after, or at once when every
        waiting place is taken)."""
        with self._lock:
            if self.max_waiting and self._idle.empty() and self._waiting >= self.max_waiting:
                self.refused += 1
                raise ServiceBusyError(
                    f"all {self.size} {self.name} workers are busy and {self._waiting} queries "
                    "wait for one; retry later"
                )
            self._waiting += 1
        deadline = time.monotonic() + timeout_s
        try:
            while True:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.001))
                if worker.process.is_alive():
                    return worker
                self._replace(worker)  # died while idle (killed from outside): not this query's
        except queue.Empty:
            raise ServiceBusyError(
                f"all {self.size} {self.name} workers stayed busy for {timeout_s:g} s; "
                "retry later"
            ) from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _died(self, worker: _Worker) -> Exception:
        """Replace a worker that died during a query; the error that says why it died."""
        worker.process.join(5)
        code = worker.process.exitcode
        try:
            with open(worker.error_path, "rb") as fh:
                last = fh.read()[-4096:].decode(errors="replace")
        except OSError:
            last = ""
        self._replace(worker)
        if "memory allocation of" in last or (code == -6 and self.confinement.memory_mb):
            return _memory_error(self.confinement)
        if "overflowed its stack" in last:
            return QueryTooLargeError(
                "the query nests too deeply for the engine: flatten it (setting max_query_depth)")
        return QueryFailedError(
            f"the query worker stopped during the query (exit {code}); the query was not "
            "answered")

    def run_inline(self, job: Job) -> Outcome:
        """Run a bounded ``job`` here, on this thread (the gate vouches it cannot run long)."""
        try:
            with self._stores_lock:  # reopened when the release changes: once, not per thread
                store = self._stores.get(job.release_path)
                self.inline += 1
            reply: tuple[Any, ...] = ("ok", execute(store, job))
        except JobError as exc:
            reply = ("error", exc.kind, str(exc))
        return _outcome(reply, self.confinement)

    def status(self) -> dict[str, Any]:
        """Worker pids and counts, for ``/api/health``."""
        with self._lock:
            pids = [w.process.pid for w in self._all]
        return {"size": self.size, "idle": self._idle.qsize(), "waiting": self._waiting,
                "killed": self.killed, "refused": self.refused, "inline": self.inline,
                "pids": pids}

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        self._spawner.shutdown(wait=False)
        for worker in workers:
            _stop(worker)


class ClientSlots:
    """At most ``limit`` queries at a time from one client address (429 beyond)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.refused = 0

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of ``client``'s slots while the block runs."""
        with self._lock:
            if self.limit and self._running[client] >= self.limit:
                self.refused += 1
                raise TooManyRequestsError(
                    f"this client already runs {self._running[client]} SPARQL queries, the "
                    f"most one client may run at once (setting client_queries); wait for one "
                    "to finish"
                )
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]


def _stop(worker: _Worker) -> None:
    """SIGKILL ``worker``, reap it, close its pipe and remove its error file."""
    worker.process.kill()
    worker.process.join(5)
    worker.conn.close()
    with suppress(OSError):
        os.unlink(worker.error_path)


def _memory_error(confinement: Confinement) -> QueryTooLargeError:
    return QueryTooLargeError(
        f"the query needed more than the {confinement.memory_mb} MB a query worker may use "
        "(setting worker_memory_mb) and was stopped: narrow it down, or select shorter values"
    )


def _outcome(reply: tuple[Any, ...], confinement: Confinement) -> Outcome:
    """Turn a worker's reply into an Outcome, or raise the error it reports."""
    if reply[0] == "ok":
        return reply[1]
    _, kind, message = reply
    if kind == "memory":
        raise _memory_error(confinement)
    if kind == "too-large":
        raise QueryTooLargeError(message)
    if kind in ("syntax", "eval"):
        raise QuerySyntaxError(message)
    if kind == "not-acceptable":
        offers = GRAPH_OFFERS if message == "graph" else SELECT_OFFERS
        raise NotAcceptableError(
            f"no format asked for (Accept or format=) fits this {message.upper()} answer; "
            f"available: {', '.join(media_types(offers))}"
        )
    if kind == "store":
        raise StoreUnavailableError(message)
    if kind == "refused":
        raise QueryRefusedError(message)
    raise QueryFailedError(f"the query engine failed: {message}")
