"""A small pool of worker processes that run queries, and kill a query that overruns.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so each query runs in
a worker *process* (``worker.serve_jobs``). The web thread waits on the worker's pipe for at most
the time left; past that it SIGKILLs the worker — which frees its CPU at once — starts a fresh one
in its place and answers 503. The other workers keep serving meanwhile.

A query the gate marks ``bounded`` (one streamed triple pattern, :func:`kgcase.web.gate.
one_pattern`) cannot run long, so :meth:`WorkerPool.run_inline` runs it on the calling thread,
on a read-only store of the release opened in the web process, and saves the two pipe hops.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from kgcase.errors import StoreUnavailableError
from kgcase.web.errors import (
    NotAcceptableError,
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    ServiceBusyError,
)
from kgcase.web.negotiate import GRAPH_OFFERS, SELECT_OFFERS, media_types
from kgcase.web.worker import Job, JobError, Outcome, ReleaseStores, execute, serve_jobs

#: "spawn": a fresh interpreter per worker; forking a threaded web server is unsafe.
SPAWN = multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool:
    """``size`` worker processes; :meth:`run` hands a job to an idle one, within a deadline."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
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
                worker.conn.recv()
                self._idle.put(worker)
            self._started = True

    def _spawn(self) -> _Worker:
        """Start a worker from the pool's own thread: a worker is killed when the *thread* that
        started it ends (``PR_SET_PDEATHSIG``), and the HTTP server's threads come and go."""
        return self._spawner.submit(self._spawn_here).result()

    def _spawn_here(self) -> _Worker:
        parent, child = SPAWN.Pipe()
        process = SPAWN.Process(target=serve_jobs, args=(child,), daemon=True,
                                   name="kgcase-query-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (SIGKILL: the query stops now) and put a fresh one in the pool."""
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            self.killed += 1
            if not self._closed:
                self._idle.put(self._spawn())

    def run(self, job: Job, *, timeout_s: float) -> Outcome:
        """Run ``job`` on an idle worker; the deadline covers waiting for one and running.

        :raises QueryTimeoutError: the query ran past the deadline; its worker was killed.
        :raises ServiceBusyError: no worker became free in time, or the worker died.
        """
        self.start()
        deadline = time.monotonic() + timeout_s
        try:
            worker = self._idle.get(timeout=max(timeout_s, 0.001))
        except queue.Empty:
            raise ServiceBusyError(
                f"all {self.size} query workers stayed busy for {timeout_s:g} s; retry later"
            ) from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(deadline - time.monotonic(), 0)):
                self._replace(worker)
                raise QueryTimeoutError(
                    f"the query ran longer than the {timeout_s:g} s time limit and was stopped "
                    "(setting timeout_s); narrow it down, add a LIMIT, or use a named query"
                )
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise ServiceBusyError("the query worker died during the query; retry") from None
        self._idle.put(worker)
        return _outcome(reply)

    def run_inline(self, job: Job) -> Outcome:
        """Run a bounded ``job`` here, on this thread (the gate vouches it cannot run long)."""
        try:
            with self._stores_lock:  # reopened when the release changes: once, not per thread
                store = self._stores.get(job.release_path)
                self.inline += 1
            reply: tuple[Any, ...] = ("ok", execute(store, job))
        except JobError as exc:
            reply = ("error", exc.kind, str(exc))
        return _outcome(reply)

    def status(self) -> dict[str, Any]:
        """Worker pids and counts, for ``/api/health``."""
        with self._lock:
            pids = [w.process.pid for w in self._all]
        return {"size": self.size, "idle": self._idle.qsize(), "killed": self.killed,
                "inline": self.inline, "pids": pids}

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        self._spawner.shutdown(wait=False)
        for worker in workers:
            worker.process.kill()
            worker.process.join(5)
            worker.conn.close()


def _outcome(reply: tuple[Any, ...]) -> Outcome:
    """Turn a worker's reply into an Outcome, or raise the error it reports."""
    if reply[0] == "ok":
        return reply[1]
    _, kind, message = reply
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
