"""The case stage on a Dask distributed cluster (``kgcase build --executor tcp://host:port``).

The build sends batches of case-file paths to the cluster's workers, a bounded number ahead of
the loader, and takes the results back in file order, as the local process pool does
(:func:`kgcase.build.process_cases`): the loader in this process never waits for the whole
stage. Each worker process loads the ontology, shapes and rules once, the first time it gets
a batch of this build (the build's :class:`~kgcase.pipeline.Settings` travel once to every
worker, not with each batch).

The workers read the case files and the ontology, and write the cache, at the paths this
process uses: on several machines these directories are shared (docs/deploy.md,
"Several machines"). Dask is imported only here: a build without ``--executor`` needs none of
it (docs/decisions.md, "Dask for the distributed case stage").
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kgcase import pipeline
from kgcase.errors import KgcaseError
from kgcase.pipeline import Batch, Settings

SCHEMES = ("tcp://", "tls://")
#: Batches in flight per worker thread: enough to keep every worker busy while the loader
#: takes the results in order, few enough that results do not pile up in the workers.
AHEAD = 4


class ExecutorError(KgcaseError):
    """The cluster named by ``--executor`` cannot be used."""


def check_address(address: str) -> str:
    """``address`` if it names a Dask scheduler, else raise with what to give instead.

    >>> check_address("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    """
    if not address.startswith(SCHEMES) or ":" not in address.split("://", 1)[1]:
        raise ExecutorError(
            f"--executor {address!r}: give the address of a Dask scheduler, as "
            "tcp://host:port (the address `dask-scheduler` prints), or leave it out to use "
            "local processes")
    return address


def _run_batch(settings: Settings, paths: list[Path]) -> Batch:
    """On a worker: set this process up for the build once, then process one batch."""
    worker = pipeline._WORKER
    if worker is None or worker.settings != settings:
        pipeline.init_worker(settings)
        gc.freeze()  # the worker's long-lived state: the collections below skip it
    try:
        return pipeline.process_batch(paths)
    finally:
        # pyoxigraph objects may only be freed by the thread that made them: collect the
        # batch's cyclic garbage here, not on the worker's event-loop thread.
        gc.collect()


def process_on_cluster(address: str, batches: list[list[Path]], settings: Settings, *,
                       timeout_s: float = 30.0) -> Iterator[Batch]:
    """Run :func:`kgcase.pipeline.process_batch` over ``batches`` on the cluster at
    ``address``; yield the results in order."""
    try:
        from distributed import Client
    except ImportError as exc:  # an optional dependency
        raise ExecutorError("--executor needs the Dask distributed package: "
                            "pip install 'kgcase[distributed]'") from exc
    check_address(address)
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler at {address}: {exc}; start "
                            "one with `dask-scheduler` and its workers with `dask-worker "
                            f"{address}`, or leave --executor out") from exc
    try:
        threads = sum(client.nthreads().values())
        if threads == 0:
            raise ExecutorError(f"the Dask scheduler at {address} has no workers: start "
                                f"some with `dask-worker {address}`")
        shared = client.scatter(settings, broadcast=True)
        pending: deque[Any] = deque()
        todo = iter(batches)
        for chunk in todo:
            pending.append(client.submit(_run_batch, shared, chunk, pure=False))
            if len(pending) >= AHEAD * threads:
                break
        while pending:
            result = pending.popleft().result()
            for chunk in todo:
                pending.append(client.submit(_run_batch, shared, chunk, pure=False))
                break
            yield result
    finally:
        client.close()
