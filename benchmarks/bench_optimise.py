"""What the build's ``Store.optimize()`` buys: named queries on a store built with and without it.

    python -m benchmarks optimise --corpus DIR --work DIR [--rounds 3]

``DIR`` is a corpus as ``kgcase build --cases`` reads it (e.g. ``cases/`` plus ``kgcase synth
10000 --seed 7 --out DIR/synthetic``). The corpus is built twice: by ``kgcase build``, and by the
same command with ``pyoxigraph.Store.optimize`` replaced by a no-op. Each named query with its
example then runs in-process on both stores, in alternating order, ``--rounds`` times; the table
gives the medians, the ratio and the row counts (which must agree). The two questions that run
to tens of thousands of rows are left out (``--all`` keeps them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kgcase.queries import load_catalogue
from kgcase.store.binding import bind_values

ROOT = Path(__file__).resolve().parent.parent
LONG = {"effects_of_drug", "treatments_before_and_with"}
#: ``kgcase build`` with ``Store.optimize`` made a no-op, in a fresh interpreter.
NO_OPTIMISE = ("import sys, pyoxigraph; pyoxigraph.Store.optimize = lambda self: None; "
               "from kgcase.cli import main; sys.exit(main())")


def build(corpus: Path, data_dir: Path, *, optimise: bool) -> dict[str, float]:
    """Build ``corpus`` into ``data_dir``; return the build's stage times."""
    head = [str(ROOT / ".venv/bin/kgcase")] if optimise else [sys.executable, "-c", NO_OPTIMISE]
    subprocess.run([*head, "build", "--cases", str(corpus), "--data-dir", str(data_dir),
                    "--no-cache", "--quiet"], check=True, cwd=ROOT)
    return json.loads((data_dir / "current" / "release.json").read_text())["stages"]


def compare(stores: dict[str, ox.Store], rounds: int, keep_long: bool) -> list[dict]:
    """Median ms and rows of each named query (its example) on each store."""
    rows = []
    for name, query in sorted(load_catalogue(ROOT / "queries").items()):
        if name in LONG and not keep_long:
            continue
        given = {p.name: p.example or p.default for p in query.params if p.example or p.default}
        text = bind_values(query.sparql, query.bind(given)) if given else query.sparql
        times: dict[str, list[float]] = {k: [] for k in stores}
        counts: dict[str, int] = {}
        for i in range(rounds):
            for label, store in (list(stores.items()) if i % 2 == 0
                                 else list(stores.items())[::-1]):
                started = time.perf_counter()
                counts[label] = sum(1 for _ in store.query(text, use_default_graph_as_union=True))
                times[label].append((time.perf_counter() - started) * 1000)
        rows.append({"query": name, **{k: statistics.median(v) for k, v in times.items()},
                     "rows": counts})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="case files to build")
    parser.add_argument("--work", type=Path, required=True, help="directory for the two builds")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each query per store")
    parser.add_argument("--all", action="store_true", help="keep the two longest questions")
    args = parser.parse_args()
    stages = {label: build(args.corpus, args.work / label, optimise=label == "optimised")
              for label in ("optimised", "not optimised")}
    stores = {label: ox.Store.read_only(str(args.work / label / "current" / "oxigraph"))
              for label in stages}
    results = compare(stores, args.rounds, args.all)
    print("| | optimised | not optimised |\n|---|---:|---:|")
    print(f"| build total (s) | {stages['optimised']['total']:.1f} | "
          f"{stages['not optimised']['total']:.1f} |")
    print("\n| named query | rows | optimised (ms) | not optimised (ms) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        same = len(set(r["rows"].values())) == 1
        print(f"| `{r['query']}` | {r['rows']['optimised']}{'' if same else ' (differ!)'} | "
              f"{r['optimised']:.1f} | {r['not optimised']:.1f} | "
              f"{r['not optimised'] / r['optimised']:.2f}× |")


if __name__ == "__main__":
    main()
