"""The scale run: for each N, build, then query the same data on every engine, one at a time.

    python -m benchmarks scale --sizes 100,1000,10000 --markdown docs/benchmarks.md

Writes ``benchmarks/results/scale-<UTC stamp>.json`` (after each size, so a long run keeps what
it measured), ``docs/img/scale-build.png`` and ``docs/img/scale-queries.png``, and with
``--markdown`` replaces that file's "Scale" section.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

from benchmarks import bench_build
from benchmarks.common import machine
from benchmarks.scale import client, engines, params, plots, report
from kgcase.queries import NamedQuery, load_catalogue
from kgcase.store.embedded import release_dir
from kgcase.store.remote_load import RemoteLoadError

ROOT = Path(__file__).resolve().parents[2]
Opened = AbstractContextManager[tuple[engines.Target, float | None]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arg = parser.add_argument
    arg("--sizes", type=_ints, help="comma-separated N, e.g. 100,1000,10000")
    arg("--out", type=Path, default=ROOT / "benchmarks" / "results", help="JSON directory")
    arg("--img-dir", type=Path, default=ROOT / "docs" / "img", help="PNG directory")
    arg("--markdown", type=Path, help="replace this file's Scale section")
    arg("--repeat", type=int, default=20, help="sequential requests per query and engine")
    arg("--page-rounds", type=int, default=10, help="sequential requests per page kind")
    arg("--timeout", type=float, default=30.0, help="time limit of one request (s)")
    arg("--clients", type=int, default=8, help="threads of the concurrent lookups")
    arg("--seconds", type=float, default=5.0, help="duration of the concurrent lookups")
    arg("--workers", type=int, default=4, help="kgcase query workers")
    arg("--engines", type=lambda s: s.split(","), default=list(report.ENGINES),
        help=f"comma-separated subset of: {','.join(report.ENGINES)}")
    arg("--rdflib-max-triples", type=int, default=1_000_000,
        help="skip the rdflib endpoint above this many triples")
    arg("--raw-max-triples", type=int, default=20_000_000,
        help="skip the raw pyoxigraph bulk load (and its N-Quads dump) above this many triples")
    arg("--virtuoso-buffers", type=int, default=170_000,
        help="Virtuoso NumberOfBuffers (8 kB pages; 0: the test configuration's)")
    arg("--virtuoso-max-rows", type=int, default=0,
        help="Virtuoso ResultSetMaxRows, and row_limit in kgcase's store URL (0: the test "
             "configuration's 10,000)")
    arg("--virtuoso-bulk-above", type=int, default=20_000_000,
        help="load Virtuoso with its bulk loader (ld_dir) above this many triples, "
             "else graph by graph with load_remote")
    arg("--corpus", type=Path, help="with one size: build this corpus (the seed cases plus "
        "`kgcase synth N --seed 7`, written beforehand) instead of writing it")
    arg("--work", type=Path, help="keep the corpus, build and dump here (default: a temporary "
        "directory, removed); a build already there is reused")
    arg("--from-json", type=Path, action="append",
        help="re-render a saved run instead of running; given again, merge runs of other sizes")


def main(args: argparse.Namespace, argv: list[str]) -> None:
    if args.from_json:
        doc = report.merge([json.loads(path.read_text()) for path in args.from_json])
    elif not args.sizes:
        raise SystemExit("--sizes is required (or --from-json)")
    else:
        unknown = set(args.engines) - set(report.ENGINES)
        if unknown:
            raise SystemExit(f"unknown engines: {', '.join(sorted(unknown))}")
        if args.corpus is not None and len(args.sizes) != 1:
            raise SystemExit("--corpus goes with a single --sizes value")
        doc = run(args, "python -m benchmarks scale " + shlex.join(argv))
    print(render(doc, args.img_dir, args.markdown))


def run(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """Every size in turn; the JSON is rewritten after each."""
    started = time.monotonic()
    now = datetime.now(UTC)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"scale-{now:%Y%m%dT%H%M%SZ}.json"
    names = ("repeat", "page_rounds", "timeout", "clients", "seconds", "workers", "engines",
             "rdflib_max_triples", "virtuoso_buffers")
    settings = {k: getattr(args, k) for k in names}
    settings["timeout_s"] = settings.pop("timeout")
    doc: dict[str, Any] = {
        "date": f"{now:%Y-%m-%d %H:%M} UTC", "machine": machine(), "command": command,
        "revision": revision(),
        "json": report.relative(out, ROOT), "settings": settings,
        "load_average": [round(os.getloadavg()[0], 2)], "results": []}
    with tempfile.TemporaryDirectory(prefix="kgcase-scale-") as tmp:
        for n in args.sizes:
            work = (args.work or Path(tmp)) / f"n{n}"
            work.mkdir(parents=True, exist_ok=True)
            doc["results"].append(run_size(n, args, work))
            if not args.work:
                shutil.rmtree(work, ignore_errors=True)
            doc["took"] = f"{(time.monotonic() - started) / 60:.0f} min"
            doc["load_average"] = [doc["load_average"][0], round(os.getloadavg()[0], 2)]
            out.write_text(json.dumps(doc, indent=1))
            log(f"wrote {out}")
    return doc


def run_size(n: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Build N reports (+ seed), draw parameter values, then time every engine on the data."""
    log(f"N={n}: synth + build")
    bulk_virtuoso = "virtuoso" in args.engines or "kgcase-virtuoso" in args.engines
    saved = work / "build.json"
    if saved.is_file() and (bench_build.data_dir(work, n) / "current").exists():
        build = json.loads(saved.read_text())
        log(f"N={n}: reusing the build in {work}")
    else:
        build = bench_build.bench(n, work, keep_dump=True,
                                  raw_max_triples=args.raw_max_triples, corpus=args.corpus,
                                  dump_anyway=bulk_virtuoso)
        saved.write_text(json.dumps(build))
    log(f"N={n}: {build['triples']:,} triples, build {build['wall_s']} s")
    data = bench_build.data_dir(work, n)
    catalogue = load_catalogue(ROOT / "queries")  # read now: queries may change between sizes
    store = ox.Store.read_only(str(release_dir(data) / "oxigraph"))
    draws = {name: params.draw(store, query, args.repeat) for name, query in catalogue.items()}
    patients = params.patients(store)
    del store
    result: dict[str, Any] = {
        "n": n, "build": build, "loads": {}, "skipped": {}, "pages": {}, "lookups": {},
        "params": {k: {"sources": d.sources, "distinct": d.distinct} for k, d in draws.items()},
        "queries": {name: {} for name in catalogue}}
    dump = bench_build.dump_path(work, n)
    # kgcase-virtuoso (kgcase's API on the Virtuoso store) runs inside the Virtuoso engine
    order = [e for e in args.engines if e != "kgcase-virtuoso"]
    if "kgcase-virtuoso" in args.engines and "virtuoso" not in order:
        order.append("virtuoso")
    for engine in order:
        if engine == "rdflib" and build["triples"] > args.rdflib_max_triples:
            result["skipped"][engine] = "skipped: too large"
            continue
        bulk = dump if engine == "virtuoso" and build["triples"] > args.virtuoso_bulk_above \
            else None
        later = order[order.index(engine) + 1:]
        # the dump is only read again by the rdflib endpoint, which is skipped at large sizes
        consume = "rdflib" not in later or build["triples"] > args.rdflib_max_triples
        try:
            with open_engine(engine, data, dump, work, args, bulk, consume) as (target, load_s):
                if load_s is not None:
                    result["loads"][engine] = round(load_s, 1)
                    result.setdefault("load_methods", {})[engine] = \
                        "bulk loader" if bulk else "load_remote"
                    log(f"N={n}: {engine} loaded in {load_s:.1f} s")
                if engine in args.engines:
                    measure(engine, target, catalogue, draws, patients, args, result)
                if engine == "virtuoso" and "kgcase-virtuoso" in args.engines:
                    with engines.kgcase("kgcase-virtuoso", data, work, cache=False,
                                        timeout_s=args.timeout, workers=args.workers,
                                        store=target.store) as on_virtuoso:
                        measure("kgcase-virtuoso", on_virtuoso, catalogue, draws, patients,
                                args, result)
        except (engines.servers.ServerStartError, RemoteLoadError, SystemExit) as exc:
            result["skipped"][engine] = f"failed: {str(exc).splitlines()[0][:80]}"
            log(f"N={n}: {engine} {result['skipped'][engine]}")
    return result


def open_engine(engine: str, data: Path, dump: Path, work: Path, args: argparse.Namespace,
                bulk: Path | None = None, consume: bool = False) -> Opened:
    limit = args.timeout
    if engine.startswith("kgcase"):
        return _no_load(engines.kgcase(engine, data, work, cache=engine == "kgcase-warm",
                                       timeout_s=limit, workers=args.workers))
    if engine == "oxigraph":
        return _no_load(engines.oxigraph(data, work, timeout_s=limit))
    if engine == "virtuoso":
        return engines.virtuoso(data, work, timeout_s=limit, buffers=args.virtuoso_buffers,
                                bulk=bulk, max_rows=args.virtuoso_max_rows,
                                consume=consume and bulk is not None)
    return engines.rdflib(dump, work, timeout_s=limit)


@contextmanager
def _no_load(opened: AbstractContextManager[engines.Target]
             ) -> Iterator[tuple[engines.Target, float | None]]:
    with opened as target:
        yield target, None


def measure(engine: str, target: engines.Target, catalogue: dict[str, NamedQuery],
            draws: dict[str, params.Draw], patients: list[str], args: argparse.Namespace,
            result: dict[str, Any]) -> None:
    """Named queries (sequential), then pages (kgcase-cold) and concurrent lookups."""
    warm = engine == "kgcase-warm"
    with requests.Session() as session:
        for name, query in catalogue.items():
            values = draws[name].values[:1] * (args.repeat + 1) if warm else draws[name].values
            series = client.run_series(session, target, query, values, args.timeout)
            if warm:  # the first request fills the cache
                del series.ms[0], series.outcomes[0], series.rows[0]
            summary = series.summary(1 if warm else draws[name].distinct)
            result["queries"][name][engine] = summary
            log(f"N={result['n']} {engine:11} {name:32} p50 {report.ms(summary['p50_ms']):>7} "
                f"p99 {report.ms(summary['p99_ms']):>7} ms  timeouts {summary['timeouts']} "
                f"errors {summary['errors']} {summary['message'][:60]}")
    if engine in ("kgcase-cold", "kgcase-virtuoso"):
        key = "pages" if engine == "kgcase-cold" else "pages_virtuoso"
        result[key] = client.pages(target.base, args.page_rounds)
    if not warm:
        result["lookups"][engine] = client.lookups(target, patients, args.clients, args.seconds)
        log(f"N={result['n']} {engine:11} lookups {result['lookups'][engine]}")


def render(doc: dict[str, Any], img_dir: Path, markdown: Path | None) -> str:
    """Write the plots (and the Scale section of ``markdown``); return the section."""
    img_dir.mkdir(parents=True, exist_ok=True)
    paths = {"build": img_dir / "scale-build.png", "queries": img_dir / "scale-queries.png"}
    plots.plot_build(doc, paths["build"])
    plots.plot_queries(doc, paths["queries"])
    base = markdown.resolve().parent if markdown else ROOT / "docs"
    text = report.section(doc, {k: report.relative(p.resolve(), base) for k, p in paths.items()})
    if markdown:
        report.write_section(markdown, text)
    return text


def revision() -> str:
    """The commit measured, and whether tracked files had local changes."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False)
        return done.stdout.strip()
    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" with local changes" if changed else "")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]
