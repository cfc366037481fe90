"""The second wall: a query worker cannot open a network connection, and dies at its memory limit
with a message that says so — even for a query the gate never saw."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgcase.errors import StoreUnavailableError
from kgcase.web.errors import QueryRefusedError, QueryTooLargeError
from kgcase.web.executor import WorkerPool
from kgcase.web.sandbox import Confinement
from kgcase.web.worker import Job
from listener import Listener, listening


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening(status=500) as server:
        yield server


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("release")
    store = ox.Store(str(path / "oxigraph"))
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    store.flush()
    del store
    return str(path)


def _job(release: str, sparql: str) -> Job:
    return Job(release, sparql, "json", "json", max_rows=10)


def _service(listener: str) -> str:
    return f"SELECT * WHERE {{ SERVICE <{listener}> {{ ?a ?b ?c }} }}"


def test_a_confined_worker_reaches_no_listener(release: str, listener: Listener) -> None:
    """The query goes straight to a worker (``gate=False``: as if the gate had been fooled)."""
    pool = WorkerPool(1, Confinement(no_network=True))
    try:
        before = listener.hits
        with pytest.raises(QueryRefusedError, match="network connection"):
            pool.run(_job(release, _service(listener.url)), timeout_s=30)
        assert listener.hits == before
        ok = pool.run(_job(release, "SELECT * WHERE { ?s ?p ?o }"), timeout_s=30)
        assert ok.count == 1  # its pipe (a Unix socket) and its store still work
    finally:
        pool.close()


def test_an_unconfined_worker_does_reach_it(release: str, listener: Listener) -> None:
    """The control: the same job in a worker left open makes the call."""
    pool = WorkerPool(1, Confinement(no_network=False))
    try:
        before = listener.hits
        with pytest.raises(StoreUnavailableError, match="500"):  # what the listener answers
            pool.run(_job(release, _service(listener.url)), timeout_s=30)
        assert listener.hits == before + 1
    finally:
        pool.close()


DOUBLING = "SELECT (STRLEN(?s27) AS ?n) WHERE { BIND(\"xx\" AS ?s0) " + " ".join(
    f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(27)) + " }"


def test_a_worker_past_its_memory_limit_says_so_and_is_replaced(release: str) -> None:
    pool = WorkerPool(1, Confinement(memory_mb=256))
    try:
        with pytest.raises(QueryTooLargeError, match="256 MB"):
            pool.run(_job(release, DOUBLING), timeout_s=60)
        assert pool.killed == 1
        assert pool.run(_job(release, "ASK { ?s ?p ?o }"), timeout_s=60).body
    finally:
        pool.close()


def test_the_error_files_are_removed(release: str) -> None:
    pool = WorkerPool(2, Confinement())
    pool.start()
    paths = [Path(w.error_path) for w in pool._all]
    assert all(p.exists() for p in paths)
    pool.close()
    assert not any(p.exists() for p in paths)
