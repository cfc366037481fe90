"""The case stage on a real Dask cluster: a ``dask scheduler`` and ``dask worker`` processes
started here, and a build that sends its reports to them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import distributed
import pytest

from conftest import ONTOLOGY, QUERIES, seed_and_synthetic
from kgcase.build import BuildInputs, build
from kgcase.distributed import ExecutorError
from test_incremental import _contents

DASK = str(Path(sys.executable).with_name("dask"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[str]:
    """A scheduler and two single-threaded worker processes on this machine."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    logs = tmp_path_factory.mktemp("dask")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    outs = [(logs / name).open("w") for name in ("scheduler", "worker0", "worker1")]
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=outs[0], env=env)]
    procs += [subprocess.Popen([DASK, "worker", address, "--nthreads", "1", "--no-dashboard",
                                "--local-directory", str(logs / f"w{i}")],
                               stdout=subprocess.DEVNULL, stderr=outs[1 + i], env=env)
              for i in range(2)]
    try:
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        for out in outs:
            out.close()


def _inputs(corpus: Path, data_dir: Path, **kw) -> BuildInputs:
    return BuildInputs(cases_dir=corpus, ontology_dir=ONTOLOGY, data_dir=data_dir,
                       progress=False, jobs=2, queries_dir=QUERIES, **kw)


@pytest.mark.timeout(1500)
def test_cluster_build_equals_a_local_one(cluster, tmp_path):
    corpus = seed_and_synthetic(tmp_path / "corpus", 40, 9)  # two batches, one per worker
    local, remote = tmp_path / "local", tmp_path / "remote"
    # without HermiT: what is tested is where the case stage runs, not the reasoner
    build(_inputs(corpus, local, reason=False), log=lambda _m: None)
    build(_inputs(corpus, remote, executor=cluster, reason=False), log=lambda _m: None)
    with distributed.Client(cluster, timeout=30) as client:
        # both workers set themselves up for the build: each processed reports
        ran = client.run(lambda: __import__("kgcase.pipeline").pipeline._WORKER is not None)
    assert sorted(ran.values()) == [True, True]
    got, want = _contents(remote), _contents(local)
    for key in want:
        assert got[key] == want[key], key


def test_bad_executor_address_is_a_clear_error(tmp_path):
    with pytest.raises(ExecutorError, match=r"give the address of a Dask scheduler, as "
                                            r"tcp://host:port"):
        build(_inputs(tmp_path, tmp_path / "data", executor="localhost:8786"),
              log=lambda _m: None)
    assert not (tmp_path / "data").exists()


def test_unreachable_scheduler_fails_the_build_and_changes_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).parent / "data" / "cases", corpus)
    shutil.copy(Path(__file__).parent / "data" / "minimal.txt", tmp_path / "minimal.txt")
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "kgcase.cli", "build", "--cases", str(corpus),
                           "--ontology", str(ONTOLOGY), "--data-dir", str(tmp_path / "data"),
                           "--no-answers", "--quiet", "--no-reason", "--executor", address],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert f"cannot reach the Dask scheduler at {address}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "data" / "current").exists()
    assert time.monotonic() - start < 240
