"""CPU per report of the case stage's own work, two source trees side by side.

``python -m benchmarks cases --old /tmp/kgcase-old/src --reports 400 --rounds 3`` writes the
seed plus N synthetic reports (``kgcase synth N --seed 7``, by each tree's own generator), then,
in a fresh process per tree and round, loads every report, derives its effects and builds its
triples (``load_case`` → ``derive_effects`` → ``case_to_triples``: what a build worker does for
a report before writing it), timing CPU with ``time.process_time``. CPU time, not wall time,
because the machine is shared: other processes stretch wall time but not this process's CPU.
The trees alternate round by round; the median per tree is compared as a ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script too
from benchmarks.common import machine

ROOT = Path(__file__).resolve().parents[1]

#: Run in the child process, with the tree under test first on ``sys.path``.
CHILD = r"""
import sys, time
from pathlib import Path
from kgcase.derive import derive_effects
from kgcase.model.load import load_case
from kgcase.model.terms import TermIndex
from kgcase.rdf.case_graph import case_to_triples
from kgcase.reason import load_ontology_graph
corpus, ontology = Path(sys.argv[1]), Path(sys.argv[2])
terms = TermIndex.from_graph(load_ontology_graph(ontology))
paths = sorted(corpus.rglob("*.yaml"))
start, triples = time.process_time(), 0
for path in paths:
    case = load_case(path, terms).case
    triples += len(case_to_triples(case, derive_effects(case), terms.labels))
print(len(paths), triples, time.process_time() - start)
"""


def _corpus(src: Path, work: Path, n: int, name: str) -> Path:
    out = work / name
    out.mkdir()
    shutil.copy(src.parent / "cases" / "cabrera-2016.yaml", out)  # each tree's own seed
    shutil.copytree(src.parent / "cases" / "sources", out / "sources")
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-m", "kgcase.cli", "synth", str(n), "--seed", "7",
                    "--out", str(out / "synthetic"), "--quiet"], check=True, env=env,
                   capture_output=True)
    return out


def _run(src: Path, corpus: Path, ontology: Path) -> tuple[int, int, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(ontology)], env=env,
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the other tree's src/ directory")
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": (ROOT / "src").resolve()}
    results: dict[str, list[float]] = {"old": [], "new": []}
    sizes: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory(prefix="kgcase-bench-cases-") as tmp:
        corpora = {k: _corpus(v, Path(tmp), args.reports, k) for k, v in trees.items()}
        for _ in range(args.rounds):
            for name, src in trees.items():
                reports, triples, cpu = _run(src, corpora[name], src.parent / "ontology")
                sizes[name] = (reports, triples)
                results[name].append(cpu / reports * 1000)
    median = {k: statistics.median(v) for k, v in results.items()}
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}")
    print("| tree | reports | triples | CPU ms per report (median of rounds) | rounds |")
    print("|---|---:|---:|---:|---|")
    for k in trees:
        rounds = ", ".join(f"{x:.2f}" for x in results[k])
        print(f"| {k} | {sizes[k][0]:,} | {sizes[k][1]:,} | {median[k]:.2f} | {rounds} |")
    print(f"new / old: {median['new'] / median['old']:.2f}x CPU per report")
    out = ROOT / "benchmarks" / "results" / f"cases-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": machine(), "reports": args.reports,
                               "ms_per_report": results, "sizes": sizes}, indent=1))


if __name__ == "__main__":
    main()
