"""The case stage on a Dask cluster of one worker, then two: `python -m benchmarks distributed N`.

Starts a `dask scheduler` and one single-threaded `dask worker` process, builds the seed cases
plus N synthetic reports with `kgcase build --executor` (no cache, a fresh data directory),
adds a second worker and builds again; the local process pool (`--jobs 2`) is run beside them.
Prints one Markdown table row per configuration with the cases stage and the whole build, and
writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script too
from benchmarks.bench_build import run_measured
from benchmarks.common import machine

ROOT = Path(__file__).resolve().parents[1]
DASK = str(Path(sys.executable).with_name("dask"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(address: str, work: Path, i: int) -> subprocess.Popen:
    return subprocess.Popen([DASK, "worker", address, "--nthreads", "1", "--no-dashboard",
                             "--local-directory", str(work / f"w{i}")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(n, timeout=120)


def _build(corpus: Path, data: Path, *extra: str) -> dict[str, object]:
    wall, _ = run_measured([sys.executable, "-m", "kgcase.cli", "build", "--cases", str(corpus),
                            "--data-dir", str(data), "--queries", str(ROOT / "queries"),
                            "--quiet", "--no-cache", "--full", *extra])
    stages = json.loads((data / "current" / "release.json").read_text())["stages"]
    shutil.rmtree(data)
    return {"wall_s": round(wall, 1), "cases_s": stages["cases"], "stages": stages}


def main(sizes: list[int]) -> None:
    os.environ["PYTHONPATH"] = os.pathsep.join(sys.path)
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    print(f"{datetime.now(UTC):%Y-%m-%d}, {machine()}")
    print("| N | case stage on | cases stage (s) | build (s) |")
    print("|---:|---|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="kgcase-dask-") as tmp:
        work = Path(tmp)
        address = f"tcp://127.0.0.1:{_port()}"
        procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                   address.rsplit(":", 1)[1], "--no-dashboard"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        try:
            for n in sizes:
                corpus = work / f"corpus-{n}"
                shutil.copytree(ROOT / "cases", corpus)
                subprocess.run([sys.executable, "-m", "kgcase.cli", "synth", str(n), "--seed",
                                "7", "--out", str(corpus / "synthetic"), "--quiet"], check=True)
                runs = {"local processes (--jobs 2)": _build(corpus, work / "d", "--jobs", "2")}
                for workers in (1, 2):
                    while len(procs) - 1 < workers:
                        procs.append(_worker(address, work, len(procs)))
                    _wait(address, workers)
                    time.sleep(1)
                    runs[f"Dask, {workers} worker(s)"] = _build(corpus, work / "d",
                                                                "--executor", address)
                for label, r in runs.items():
                    print(f"| {n:,} | {label} | {r['cases_s']} | {r['wall_s']} |", flush=True)
                results.append({"n": n, "runs": runs})
                shutil.rmtree(corpus)
        finally:
            for proc in reversed(procs):
                proc.terminate()
                proc.wait(timeout=30)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    (out_dir / f"distributed-{stamp}.json").write_text(json.dumps(
        {"machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [300])
