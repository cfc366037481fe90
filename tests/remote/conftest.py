"""Remote-store fixtures: real Oxigraph and Virtuoso servers on loopback, loaded with the seed.

Each server starts once per session in a temporary directory and is stopped at the end. The seed
build (``built_data_dir``) is exported as N-Triples per named graph and loaded with
``load_remote``, the way ``kgcase build --store`` loads it. A missing server is a failure that
names the install command (``tests/remote/install-virtuoso``), never a skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kgcase.store import EmbeddedStore, GraphStore, RemoteStore
from kgcase.store.embedded import release_dir
from kgcase.store.remote_load import load_remote, release_graphs
from remote.servers import RemoteServer, ServerStartError, oxigraph_server, virtuoso_server

BACKENDS = ["embedded", "oxigraph", "virtuoso"]
REMOTE = ["oxigraph", "virtuoso"]


@dataclass
class Backend:
    """One store under test: its name, a GraphStore on it, and its server (None: embedded)."""

    name: str
    store: GraphStore
    server: RemoteServer | None = None
    load_report: dict[str, Any] | None = None

    def load(self, graphs: list[tuple[str, bytes]], **options: Any) -> dict[str, Any]:
        """Load graphs into this (remote) store with the server's credentials."""
        assert self.server is not None
        return load_remote(self.server.descriptor, graphs, user=self.server.user,
                           password=self.server.password, progress=False, **options)


@pytest.fixture(scope="session")
def seed_graphs(built_data_dir: Path) -> list[tuple[str, bytes]]:
    """The seed build's graphs as (IRI, N-Triples): what ``kgcase build --store`` sends."""
    return list(release_graphs(release_dir(built_data_dir)))


@contextmanager
def loaded_servers(graphs: list[tuple[str, bytes]], directory: Callable[[str], Path], *,
                   timeout_s: float = 60, **load_options: Any) -> Iterator[dict[str, Backend]]:
    """Both servers, each started in ``directory(name)`` and loaded with ``graphs``; stopped
    on exit. A server that cannot start fails the test, naming how to install it."""
    started: dict[str, Backend] = {}
    with ExitStack() as stack:
        for name in REMOTE:
            starter = oxigraph_server if name == "oxigraph" else virtuoso_server
            try:
                server = stack.enter_context(starter(directory(name)))
            except ServerStartError as exc:
                pytest.fail(str(exc), pytrace=False)
            store = RemoteStore.open(server.descriptor, timeout_s=timeout_s, user=server.user,
                                     password=server.password)
            stack.callback(store.close)
            backend = Backend(name, store, server)
            backend.load_report = backend.load(graphs, **load_options)
            started[name] = backend
        yield started


@pytest.fixture(scope="session")
def remote_servers(tmp_path_factory: pytest.TempPathFactory,
                   seed_graphs: list[tuple[str, bytes]]) -> Iterator[dict[str, Backend]]:
    """Both servers, started and loaded with the seed build (small chunks: staging is used)."""
    with loaded_servers(seed_graphs, tmp_path_factory.mktemp, chunk_triples=1500) as started:
        yield started


@pytest.fixture(scope="session")
def embedded_backend(built_data_dir: Path) -> Iterator[Backend]:
    store = EmbeddedStore.open_current(built_data_dir)
    yield Backend("embedded", store)
    store.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, embedded_backend: Backend) -> Backend:
    """Each backend in turn (the contract runs on all of them)."""
    if request.param == "embedded":
        return embedded_backend
    return request.getfixturevalue("remote_servers")[request.param]


@pytest.fixture(params=REMOTE)
def remote_backend(request: pytest.FixtureRequest, remote_servers: dict[str, Backend]) -> Backend:
    """Each remote backend in turn (loading and staging)."""
    return remote_servers[request.param]
