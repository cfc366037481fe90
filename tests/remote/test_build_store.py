"""`kgcase build --store URL`: a build also loads its release into a remote store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, ONTOLOGY
from kgcase.iris import case_graph_iri

pytestmark = pytest.mark.remote


def test_build_loads_release_into_remote_store(remote_servers, tmp_path: Path):
    backend = remote_servers["oxigraph"]
    cases = tmp_path / "cases"
    shutil.copytree(DATA / "cases", cases)
    shutil.copy(DATA / "minimal.txt", tmp_path / "minimal.txt")
    env = dict(os.environ, KGCASE_STORE_USER=backend.server.user or "",
               KGCASE_STORE_PASSWORD=backend.server.password or "")
    proc = subprocess.run(
        [sys.executable, "-m", "kgcase.cli", "build", "--cases", str(cases), "--ontology",
         str(ONTOLOGY), "--data-dir", str(tmp_path / "data"), "--quiet", "--store",
         backend.server.descriptor], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert case_graph_iri("minimal-2020") in backend.store.graphs()
    rows = backend.store.select(
        "SELECT ?c WHERE { ?c <https://w3id.org/kgcase/KGCASE_0002026> 'minimal-2020' }")
    assert len(rows) == 1
