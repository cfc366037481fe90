"""`kgcase build --store URL`: a build also loads its release into a remote store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, ONTOLOGY
from kgcase.iris import case_graph_iri
from kgcase.store.remote import RemoteStore
from remote.servers import oxigraph_server

pytestmark = pytest.mark.remote


def test_build_loads_release_into_remote_store(tmp_path: Path):
    """A server of its own: the shared test servers hold the seed for the contract suite."""
    cases = tmp_path / "cases"
    shutil.copytree(DATA / "cases", cases)
    shutil.copy(DATA / "minimal.txt", tmp_path / "minimal.txt")
    with oxigraph_server(tmp_path / "oxigraph") as server:
        proc = subprocess.run(
            [sys.executable, "-m", "kgcase.cli", "build", "--cases", str(cases), "--ontology",
             str(ONTOLOGY), "--data-dir", str(tmp_path / "data"), "--quiet", "--store",
             server.descriptor], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        store = RemoteStore.open(server.descriptor, timeout_s=60)
        try:
            assert case_graph_iri("minimal-2020") in store.graphs()
            rows = store.select(
                "SELECT ?c WHERE { ?c <https://w3id.org/kgcase/KGCASE_0002026> 'minimal-2020' }")
            assert len(rows) == 1
        finally:
            store.close()
