"""One changed report republished: `python -m benchmarks.bench_incremental 1000 10000`.

For each N it writes the seed cases plus N synthetic reports, makes a first release (a full
build, filling the cache), edits one synthetic report's value and then, side by side on the same
case files:

* an incremental build, from the first release (`kgcase build`);
* a full build into a second data directory sharing the first one's cache (`kgcase build
  --full`): what a rebuild cost before incremental releases, every unchanged report from the
  cache, but the whole store loaded and optimised again.

It then checks that the two releases hold the same quads (an order-free digest), manifests,
answer tables and link counts: the equality test of ``tests/test_incremental.py`` at large N.
Prints one Markdown table row per N and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script too
from benchmarks.bench_build import run_measured
from benchmarks.common import machine

ROOT = Path(__file__).resolve().parents[1]
BLANK = re.compile(r"_:[0-9A-Za-z]+")


def _build(corpus: Path, data: Path, *extra: str) -> tuple[float, dict]:
    wall, _ = run_measured([sys.executable, "-m", "kgcase.cli", "build", "--cases", str(corpus),
                            "--data-dir", str(data), "--queries", str(ROOT / "queries"),
                            "--quiet", *extra])
    return wall, json.loads((data / "current" / "release.json").read_text())


def release_digest(release: Path) -> dict[str, object]:
    """An order-free digest of a release's quads (blank nodes unnamed), tables and manifest."""
    store = ox.Store.read_only(str(release / "oxigraph"))
    total, count, blank = 0, 0, Counter()
    for quad in store.quads_for_pattern(None, None, None, None):
        text = str(quad)
        if "_:" in text:
            blank[BLANK.sub("_:b", text)] += 1
            continue
        total = (total + int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(),
                                        "big")) % (1 << 64)
        count += 1
    del store
    manifest = json.loads((release / "release.json").read_text())
    tables = {}
    for name, sql in (("answers", "SELECT query, param, key, row, plain FROM answers "
                                  "ORDER BY query, param, key, rowid"),
                      ("queries", "SELECT * FROM queries ORDER BY name")):
        tables[name] = _rows_digest(release / "answers.sqlite", sql)
    tables["links"] = _rows_digest(release / "links.sqlite", "SELECT * FROM links ORDER BY 1, 2, 3")
    return {"quads": (count, total), "blank": sorted(blank.items()), **tables,
            **{k: manifest[k] for k in ("triples", "graphs", "cases", "answers")}}


def _rows_digest(path: Path, sql: str) -> str:
    h = hashlib.sha256()
    db = sqlite3.connect(path)
    for row in db.execute(sql):
        h.update(repr(row).encode())
    db.close()
    return h.hexdigest()


def _edit_one(corpus: Path) -> Path:
    """Change one value of one synthetic report (the middle one), as a curator would."""
    files = sorted((corpus / "synthetic").rglob("*.yaml"))
    for path in files[len(files) // 2:]:
        text = path.read_text()
        m = re.search(r'values: \{M0: "(\d[\d.]*)"', text)
        if m:
            path.write_text(text[:m.start(1)] + str(float(m.group(1)) + 1) + text[m.end(1):])
            return path
    raise RuntimeError("no synthetic report with a numeric value")


def bench(n: int, work: Path) -> dict[str, object]:
    corpus = work / f"corpus-{n}"
    shutil.copytree(ROOT / "cases", corpus)
    subprocess.run([sys.executable, "-m", "kgcase.cli", "synth", str(n), "--seed", "7",
                    "--out", str(corpus / "synthetic"), "--jobs", "2", "--quiet"],
                   check=True, capture_output=True)
    first, full = work / f"data-{n}", work / f"full-{n}"
    first_s, _ = _build(corpus, first, "--full")
    edited = _edit_one(corpus)
    incremental_s, incremental = _build(corpus, first)
    full.mkdir()
    (full / "cache").symlink_to(first / "cache")
    full_s, rebuilt = _build(corpus, full, "--full")
    same = release_digest(first / "current") == release_digest(full / "current")
    result = {"n": n, "triples": incremental["triples"], "edited": edited.name,
              "first_build_s": round(first_s, 1), "incremental_s": round(incremental_s, 1),
              "incremental_stages": incremental["stages"], "full_s": round(full_s, 1),
              "full_stages": rebuilt["stages"], "equal": same,
              "ratio": round(full_s / incremental_s, 1)}
    shutil.rmtree(corpus)
    shutil.rmtree(first)
    shutil.rmtree(full)
    return result


def main(sizes: list[int]) -> None:
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    print(f"{datetime.now(UTC):%Y-%m-%d}, {machine()}")
    print("| N | triples | first build (s) | one report changed: incremental (s) | "
          "full from cache (s) | full / incremental | same release |")
    print("|---:|---:|---:|---:|---:|---:|:---|")
    with tempfile.TemporaryDirectory(prefix="kgcase-incr-") as tmp:
        for n in sizes:
            r = bench(n, Path(tmp))
            results.append(r)
            print(f"| {n:,} | {r['triples']:,} | {r['first_build_s']} | {r['incremental_s']} | "
                  f"{r['full_s']} | {r['ratio']}× | {'yes' if r['equal'] else 'NO'} |",
                  flush=True)
            print(f"  incremental stages: {r['incremental_stages']}", flush=True)
            print(f"  full stages: {r['full_stages']}", flush=True)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    (out_dir / f"incremental-{stamp}.json").write_text(json.dumps(
        {"machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000])
