"""Benchmarks: ``python -m benchmarks <command> …`` (``--help`` on each command).

    scale    build + named queries + pages + lookups against N, on every engine, with plots
    build    build cost against N (bench_build.py)
    incremental one changed report republished, beside a full build (bench_incremental.py)
    distributed the case stage on a Dask cluster of one and two workers (bench_distributed.py)
    remote   named queries through kgcase on embedded, Oxigraph and Virtuoso (bench_remote.py)
    service  kgcase's /sparql beside oxigraph and rdflib under load (bench_service.py)
    pages    entity page latency (bench_pages.py)
    optimise named queries on a store built with and without Store.optimize() (bench_optimise.py)
    throughput named queries under concurrent load, kgcase beside rdflib (bench_throughput.py)
    bridge   granian's WSGI path beside the RSGI bridge that reads bodies first (bench_bridge.py)
    hardening the hardening review's attacks on the code before and after it (bench_hardening.py)
    cases    CPU per report of load, derive and triples, two source trees (bench_cases.py)
    search   /api/search with the release's search index and without it (bench_search.py)
    draft    `kgcase draft` precision/recall per category and speed (bench_draft.py)
"""

from __future__ import annotations

import argparse
import importlib
import sys

SCRIPTS = {"build": "bench_build", "incremental": "bench_incremental",
           "distributed": "bench_distributed",
           "remote": "bench_remote", "service": "bench_service", "pages": "bench_pages",
           "optimise": "bench_optimise",
           "throughput": "bench_throughput", "bridge": "bench_bridge",
           "hardening": "bench_hardening", "cases": "bench_cases",
           "search": "bench_search", "draft": "bench_draft"}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    from benchmarks.scale import run

    run.add_arguments(commands.add_parser("scale", help="cost against N on every engine"))
    for name, module in SCRIPTS.items():
        commands.add_parser(name, help=f"benchmarks/{module}.py", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "scale":
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        run.main(args, argv[1:])
        return
    module = importlib.import_module(f"benchmarks.{SCRIPTS[args.command]}")
    sys.argv = [f"benchmarks/{SCRIPTS[args.command]}.py", *rest]
    if args.command in ("build", "incremental", "distributed"):  # their main takes the sizes
        module.main([int(a) for a in rest] or [100, 1000])
    else:
        module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
