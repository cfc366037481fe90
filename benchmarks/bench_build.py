"""Build cost against corpus size: `python -m benchmarks.bench_build 1000 10000`.

For each N it writes a synthetic corpus (plus the seed), runs `kgcase build` in a fresh data
directory as a subprocess (so peak memory is the build's own), and, side by side in the same
run, bulk-loads the very N-Quads the build produced into a raw pyoxigraph store: our loading
speed is quoted as a ratio to that. Prints one Markdown table row per N and writes JSON to
benchmarks/results/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script too
from benchmarks.common import machine

ROOT = Path(__file__).resolve().parents[1]


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def corpus_dir(work: Path, n: int) -> Path:
    return work / f"corpus-{n}"


def data_dir(work: Path, n: int) -> Path:
    return work / f"data-{n}"


def dump_path(work: Path, n: int) -> Path:
    return work / f"dump-{n}.nq"


def run_measured(command: list[str]) -> tuple[float, int]:
    """Run ``command``; return its wall time (s) and the peak RSS (kB) of it or a descendant.

    ``wait4`` reports this one process tree only, unlike ``RUSAGE_CHILDREN`` (which also holds
    every other child this process ever waited for, servers included).
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            err.seek(0)
            raise subprocess.CalledProcessError(process.returncode, command,
                                                stderr=err.read().decode(errors="replace"))
    return wall, usage.ru_maxrss


def bench(n: int, work: Path, *, keep_dump: bool = False, raw_max_triples: int | None = None,
          corpus: Path | None = None, dump_anyway: bool = False) -> dict[str, object]:
    """Synthesize and build N reports plus the seed cases; bulk-load the same quads raw.

    The corpus, data directory and (with ``keep_dump``) N-Quads stay in ``work``
    (:func:`corpus_dir`, :func:`data_dir`, :func:`dump_path`). Above ``raw_max_triples`` the
    raw load is skipped, and so is the dump unless ``dump_anyway``: they need the store's disk
    space again. ``corpus``: build this directory (the seed cases plus ``kgcase synth N --seed
    7``, written beforehand) instead of writing one.
    """
    if corpus is None:
        corpus = corpus_dir(work, n)
        shutil.copytree(ROOT / "cases", corpus)
        subprocess.run([sys.executable, "-m", "kgcase.cli", "synth", str(n), "--seed", "7",
                        "--out", str(corpus / "synthetic"), "--jobs", "2", "--quiet"],
                       check=True, capture_output=True)
    data = data_dir(work, n)
    wall, peak_kb = run_measured([sys.executable, "-m", "kgcase.cli", "build", "--cases",
                                  str(corpus), "--data-dir", str(data), "--queries",
                                  str(ROOT / "queries"), "--quiet", "--no-cache"])
    release = json.loads((data / "current" / "release.json").read_text())
    store_bytes = _du(data / "current" / "oxigraph")
    measured = {"n": n, "triples": release["triples"], "wall_s": round(wall, 1),
                "stages": release["stages"], "peak_rss_mb": round(peak_kb / 1024),
                "store_mb": round(store_bytes / 2**20)}
    skip_raw = raw_max_triples is not None and release["triples"] > raw_max_triples
    unmeasured = {**measured, "raw_bulk_load_s": None, "raw_optimise_s": None,
                  "load_ratio_vs_raw": None}
    if skip_raw and not dump_anyway:
        return unmeasured
    # the raw engine on the same quads: dump them, then time bulk_load alone
    dump = dump_path(work, n)
    ox.Store.read_only(str(data / "current" / "oxigraph")).dump(
        output=str(dump), format=ox.RdfFormat.N_QUADS)
    if skip_raw:
        return unmeasured
    raw_dir = work / f"raw-{n}"
    t0 = time.perf_counter()
    raw = ox.Store(str(raw_dir))
    raw.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    raw_s = time.perf_counter() - t0
    raw.optimize()  # what the build does after loading, timed apart
    raw_optimise_s = time.perf_counter() - t0 - raw_s
    del raw
    shutil.rmtree(raw_dir)
    if not keep_dump:
        dump.unlink()
    ours_load = release["stages"]["store"]
    return {**measured, "raw_bulk_load_s": round(raw_s, 1),
            "raw_optimise_s": round(raw_optimise_s, 1),
            "load_ratio_vs_raw": round(raw_s / ours_load, 2) if ours_load else None}


def main(sizes: list[int]) -> None:
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    print(f"{datetime.now(UTC):%Y-%m-%d}, {machine()}")
    print("| N | triples | build (s) | cases (s) | store (s) | raw bulk load (s) | "
          "load speed vs raw | peak RSS (MB) | store (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="kgcase-bench-") as tmp:
        for n in sizes:
            r = bench(n, Path(tmp))
            results.append(r)
            s = r["stages"]
            print(f"| {n:,} | {r['triples']:,} | {r['wall_s']} | {s['cases']} | {s['store']} | "
                  f"{r['raw_bulk_load_s']} | {r['load_ratio_vs_raw']}× | {r['peak_rss_mb']} | "
                  f"{r['store_mb']} |", flush=True)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    (out_dir / f"build-{stamp}.json").write_text(json.dumps(
        {"machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000])
