"""The attacks of the hardening review, against the code before it and after it, in one run.

    python -m benchmarks hardening --before-src DIR [--after-src DIR] [--seconds N]
        [--timeout-s S] [--data-dir DIR] [--only ssrf,slow,…] [--set --flag=value]
        [--out-json F] [--write-docs] [--from-json F]

Builds the seed cases (``cases/``) with the AFTER code into a temporary data directory (or
serves ``--data-dir``, an existing build), starts the ``server.py`` of each tree (its ``src`` on
PYTHONPATH) on it with the same ``--timeout-s`` and ``--max-rows 10000`` (and ``--set`` flags, to
the trees whose ``--help`` lists them), and runs each scenario on BEFORE, then on AFTER: a
SERVICE call hidden by a CR-ended comment by every route (``ssrf``), connections that send
their body or headers a byte every 2 s (``slow``), heavy ad-hoc queries beside pages and named
queries (``heavy``), a string-doubling query and a 170 MB answer with the peak RSS of the server
(``memory``), a 190 KB query to parse beside small ones (``parse``) and wrk on pages and named
queries beside heavy queries for ``--seconds`` (``soak``). Prints the Markdown section, writes
the raw numbers to ``benchmarks/results/hardening-<UTC stamp>.json`` (or ``--out-json``) and,
with ``--write-docs``, the "Hardening: before and after" section of docs/benchmarks.md
(``--from-json``: of an earlier run, running nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.common import machine, replace_section
from benchmarks.hardening import report, scenarios
from benchmarks.hardening.net import Listener, request
from benchmarks.hardening.procs import Server, raise_nofile

ROOT = Path(__file__).resolve().parent.parent
BASE_IRI = "https://w3id.org/kgcase/"
SUBJECTS = ("SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{}\")) }} "
            "ORDER BY ?s")


def _described(src: Path) -> str:
    """``src`` with the commit its checkout is at (and whether it has changes), if it has one."""
    git = ["git", "-C", str(src.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode:
        return str(src)
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "src"], capture_output=True,
                           text=True).stdout.strip()
    return f"{src} at {head.stdout.strip()}{' with changes' if dirty else ''}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks hardening",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--before-src", type=Path,
                        help="src/ of a checkout of the code before (required to run)")
    parser.add_argument("--after-src", type=Path, default=ROOT / "src",
                        help="src/ of the code after (default: this tree's)")
    parser.add_argument("--seconds", type=float, default=60.0, help="soak duration")
    parser.add_argument("--timeout-s", type=float, default=10.0, help="both servers' limit")
    parser.add_argument("--data-dir", type=Path, help="serve this build instead of building")
    parser.add_argument("--only", default=",".join(scenarios.SCENARIOS),
                        help="comma-separated scenarios to run")
    parser.add_argument("--set", action="append", default=[], metavar="--FLAG=VALUE",
                        help="a server flag for the trees that know it (repeatable)")
    parser.add_argument("--out-json", type=Path)
    parser.add_argument("--from-json", type=Path,
                        help="run nothing: print (and --write-docs) the section of that run")
    parser.add_argument("--write-docs", action="store_true",
                        help="rewrite the section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.before_src is None and args.from_json is None:
        parser.error("--before-src is required (or --from-json)")
    unknown = set(args.only.split(",")) - set(scenarios.SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def build_seed(after_src: Path, data_dir: Path) -> None:
    """``kgcase build`` of the seed cases with the AFTER code, as a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGCASE_")}
    env["PYTHONPATH"] = str(after_src)
    subprocess.run([sys.executable, "-c", "from kgcase.cli import main; main()", "build",
                    "--cases", str(ROOT / "cases"), "--ontology", str(ROOT / "ontology"),
                    "--queries", str(ROOT / "queries"), "--data-dir", str(data_dir), "--quiet"],
                   env=env, cwd=ROOT, check=True, timeout=1800)


def triples(data_dir: Path) -> int | None:
    try:
        return json.loads((data_dir / "current" / "release.json").read_text())["triples"]
    except (OSError, ValueError, KeyError):
        return None


def page_paths(server: Server) -> list[str]:
    """The paths of the entity pages of the served release (its IRIs under the base), in a
    fixed shuffled order so that drugs, findings and case pages mix."""
    p = request(server.url, "/sparql?" + urlencode({"query": SUBJECTS.format(BASE_IRI)}),
                headers={"Accept": "text/csv"}, timeout=60, keep=True)
    if p.status != 200:
        raise RuntimeError(f"listing the IRIs failed: {p.status} {p.error}")
    body = p.body.decode()
    paths = sorted({"/" + line.strip()[len(BASE_IRI):] for line in body.splitlines()[1:]
                    if line.startswith(BASE_IRI)})
    paths = [x for x in paths if re.fullmatch(r"/[A-Za-z0-9_./-]+", x)
             and not x.startswith("/imports/")]
    random.Random(7).shuffle(paths)
    return paths


def flag_values(args: argparse.Namespace) -> dict[str, str]:
    wanted = {"--timeout-s": f"{args.timeout_s:g}", "--max-rows": "10000"}
    for item in args.set:
        key, _, value = item.partition("=")
        wanted[key] = value
    return wanted


def run(args: argparse.Namespace, work: Path, argv: list[str]) -> dict[str, Any]:
    started = time.monotonic()
    load = os.getloadavg()[0]
    raise_nofile(4096)
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = work / "data"
        print("building the seed cases with the AFTER code …", flush=True)
        build_seed(args.after_src.resolve(), data_dir)
    servers = {side: Server(side, src.resolve(), data_dir.resolve(), ROOT / "queries",
                            work / f"{side}.log", flag_values(args))
               for side, src in (("before", args.before_src), ("after", args.after_src))}
    results: dict[str, dict[str, Any]] = {}
    took_s: dict[str, dict[str, float]] = {}
    try:
        for server in servers.values():
            server.start()
        pages = page_paths(servers["after"])
        curies = [f"KGCASE:{m.group(1)}" for p in pages
                  if (m := re.fullmatch(r"/KGCASE_(\d+)", p))]
        with Listener() as listener:
            ctx = scenarios.Context(
                timeout_s=args.timeout_s, seconds=args.seconds, pages=pages,
                named=scenarios.named_paths(ROOT / "queries", curies), work=work,
                listener=listener,
                fixed_page="/KGCASE_0000100" if "/KGCASE_0000100" in pages else pages[0])
            for name in args.only.split(","):
                results[name] = {}
                for side, server in servers.items():
                    print(f"{name} on {side} …", flush=True)
                    t0 = time.monotonic()
                    try:
                        results[name][side] = scenarios.SCENARIOS[name](server, ctx)
                    except Exception as e:  # recorded; the next scenario still runs
                        traceback.print_exc()
                        results[name][side] = {"failed": f"{type(e).__name__}: {e}"[:300]}
                    took_s.setdefault(name, {})[side] = round(time.monotonic() - t0, 1)
    finally:
        for server in servers.values():
            server.stop()
    stamp = datetime.now(UTC)
    out_json = args.out_json or ROOT / "benchmarks" / "results" / \
        f"hardening-{stamp:%Y%m%dT%H%M%SZ}.json"
    return {
        "date": f"{stamp:%Y-%m-%d %H:%M} UTC", "machine": machine(),
        "command": " ".join(["python -m benchmarks hardening", *argv]),
        "took": f"{(time.monotonic() - started) / 60:.0f} min", "load_average": load,
        "json": str(out_json.relative_to(ROOT)) if out_json.is_relative_to(ROOT)
        else str(out_json),
        "out_json": str(out_json),
        "trees": {side: _described(s.src) for side, s in servers.items()},
        "data": f"the seed build of `cases/`, {triples(data_dir)} triples",
        "flags": {side: s.flags for side, s in servers.items()},
        "restarts": {side: s.restarts for side, s in servers.items() if s.restarts},
        "settings": {"timeout_s": args.timeout_s, "seconds": args.seconds,
                     "heavy": scenarios.HEAVY.format("$i"),
                     "soak_paths": 2 * min(len(ctx.pages), len(ctx.named)),
                     "pages": len(ctx.pages), "named": len(ctx.named)},
        "results": results, "took_s": took_s,
    }


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.from_json:
        doc = json.loads(args.from_json.read_text())
    else:
        with tempfile.TemporaryDirectory(prefix="kgcase-bench-hardening-") as work:
            doc = run(args, Path(work), argv)
        out_json = Path(doc.pop("out_json"))
        out_json.parent.mkdir(parents=True, exist_ok=True)
        out_json.write_text(json.dumps(doc, indent=1) + "\n")
    section = report.section(doc)
    print(section)
    if args.write_docs:
        replace_section(ROOT / "docs" / "benchmarks.md", report.HEADING, section)


if __name__ == "__main__":
    main()
