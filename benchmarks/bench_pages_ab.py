"""Compare two running servers page by page: the same page kinds as the scale run, requested
alternately from each (so both see the same machine load), p50 of their ``Server-Timing``.

    python -m benchmarks.bench_pages_ab http://127.0.0.1:8701 http://127.0.0.1:8702 \\
        --rounds 7 --out benchmarks/results/pages-ab-10000.json

Start both on the same data directory with ``--cache-entries 0`` (every page query runs), one
from the code before a change and one from the code after it.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import requests

from benchmarks import bench_pages
from benchmarks.scale.client import PAGE_KINDS


def compare(before: str, after: str, rounds: int) -> dict[str, dict[str, object]]:
    """p50 server time per page kind of ``before`` and ``after``, and their ratio."""
    out: dict[str, dict[str, object]] = {}
    with requests.Session() as session:
        for kind in PAGE_KINDS:
            path, headers = next(v for k, v in bench_pages.PAGES.items()
                                 if k.split(" (")[0] == kind)
            times: dict[str, list[float]] = {"before": [], "after": []}
            for base in (before, after):  # warm-up: each worker's first query opens the store
                bench_pages.timed(session, base + path, headers)
            for _ in range(rounds):
                for name, base in (("before", before), ("after", after)):
                    took, _client, ok = bench_pages.timed(session, base + path, headers)
                    times[name].append(took if ok else float("nan"))
            b, a = statistics.median(times["before"]), statistics.median(times["after"])
            out[kind] = {"path": path, "before_p50_ms": round(b, 1), "after_p50_ms": round(a, 1),
                         "ratio": round(b / a, 2)}
            print(f"{kind:16} before {b:8.1f} ms  after {a:8.1f} ms  {b / a:5.2f}x", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="base URL of the server before the change")
    parser.add_argument("after", help="base URL of the server after the change")
    parser.add_argument("--rounds", type=int, default=7, help="requests per page kind and server")
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    args = parser.parse_args()
    result = compare(args.before, args.after, args.rounds)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
