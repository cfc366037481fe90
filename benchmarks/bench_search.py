"""Time ``/api/search``: p50/p99 server time on a built data directory, with the release's search
index (``search.sqlite``) and without it (the SPARQL search over labels and synonyms that
served search before the index, and still serves a release without one).

Starts ``server.py`` on ``--data-dir`` (a ``kgcase build`` of the seed, or of a synthetic corpus
from ``kgcase synth``), requests each query ``--rounds`` times after ``--warmup`` requests, one
at a time, and reads the server time from ``Server-Timing: app;dur=…``. Then it moves the
current release's ``search.sqlite`` aside, restarts the server and does the same again, and
puts the file back. Prints a Markdown table; the ratio is before / after.

    python -m benchmarks search --data-dir data --rounds 30
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script too
from benchmarks.bench_pages import Timing, start, stop, timed
from benchmarks.common import machine
from kgcase.search import SEARCH_FILE

#: What readers type: words, prefixes as they type, typing errors, spellings, ids, brand names.
QUERIES = ["tocilizumab", "toci", "t", "anti-ds", "Raynaud", "cryo", "HP:0100778", "TCZ",
           "il-6", "tocilizumb", "Raynauds", "interleukin 6", "anti-DNA", "Actemra", "DB06273",
           "leucopenia", "white cell count patient"]


def measure(url: str, rounds: int, warmup: int, limit: int,
            totals: dict[str, int] | None = None) -> dict[str, Timing]:
    """Server times per query; each query's ``total`` into ``totals``."""
    out: dict[str, Timing] = {}
    with requests.Session() as session:
        for q in QUERIES:
            path = "/api/search?" + urlencode({"q": q, "limit": limit})
            if totals is not None:
                totals[q] = session.get(url + path, timeout=120).json()["total"]
            for _ in range(warmup):
                timed(session, url + path, {})
            timing = Timing([], [], 0)
            for _ in range(rounds):
                server, client, ok = timed(session, url + path, {})
                timing.server.append(server)
                timing.client.append(client)
                timing.errors += not ok
            out[q] = timing
    return out


def run_server(data_dir: Path, log: Path, args: argparse.Namespace,
               totals: dict[str, int] | None = None) -> dict[str, Timing]:
    process, url = start(data_dir, log, "--cache-entries", "0")
    try:
        return measure(url, args.rounds, args.warmup, args.limit, totals)
    finally:
        stop(process)


def markdown(before: dict[str, Timing], after: dict[str, Timing], hits: dict[str, int]) -> str:
    lines = ["| query | matches (index) | p50 before (ms) | p50 after (ms) | p99 after (ms) "
             "| before / after |", "|---|---:|---:|---:|---:|---:|"]
    for q in QUERIES:
        b, a = Timing.pct(before[q].server, 50), Timing.pct(after[q].server, 50)
        lines.append(f"| `{q}` | {hits[q]} | {b:.1f} | {a:.1f} | "
                     f"{Timing.pct(after[q].server, 99):.1f} | {b / a:.1f}× |")
    all_b = statistics.median(v for t in before.values() for v in t.server)
    all_a = statistics.median(v for t in after.values() for v in t.server)
    lines.append(f"| all queries | | {all_b:.1f} | {all_a:.1f} | | {all_b / all_a:.1f}× |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--limit", type=int, default=12, help="hits per request (autocomplete)")
    parser.add_argument("--queries", help="comma-separated: only these of QUERIES")
    args = parser.parse_args()
    if args.queries:
        QUERIES[:] = [q for q in QUERIES if q in args.queries.split(",")]
    index = (args.data_dir / "current").resolve() / SEARCH_FILE
    if not index.is_file():
        raise SystemExit(f"{index}: no search index; build the data directory first")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        hits: dict[str, int] = {}
        after = run_server(args.data_dir, log, args, hits)
        aside = Path(tmp) / SEARCH_FILE
        shutil.move(index, aside)
        try:
            before = run_server(args.data_dir, log, args)
        finally:
            shutil.move(aside, index)
    print(f"{machine()}; {args.rounds} rounds after {args.warmup} warm-up requests, "
          f"limit={args.limit}, result cache off\n")
    print(markdown(before, after, hits))


if __name__ == "__main__":
    main()
