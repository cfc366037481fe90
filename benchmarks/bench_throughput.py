"""Named queries under concurrent load: kgcase, cold and warm, beside rdflib's engine.

    python -m benchmarks throughput --size 1000 [--processes 2] [--work DIR]
        [--markdown docs/benchmarks.md]

Builds the seed cases plus ``kgcase synth N --seed 7`` (or reuses the build in ``--work``), then
sends every named query of ``queries/`` from ``--clients`` threads for ``--seconds`` to one
engine at a time: kgcase with its result cache off and the parameter values drawn from the
store in turn (*cold*), kgcase with the cache on and the query's example repeated after one
untimed request (*warm*), and the rdflib-engine endpoint of ``bench_service.py`` on the same
N-Quads, sent the query text bound with ``VALUES``. A request counts when it is answered with
200 and a parseable result; its rate is those answers per second of the run (a request still
running when the time is up is waited for and counted in the time). With ``--processes P``,
kgcase is also run cold and warm with ``--processes P``, in the same run. Writes
``benchmarks/results/throughput-<UTC stamp>.json`` and, with ``--markdown``, that file's
"Named queries under load" section.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import requests

from benchmarks import bench_build, wrk
from benchmarks.common import machine, replace_section
from benchmarks.scale import client, engines, params
from benchmarks.scale.run import revision
from kgcase.queries import NamedQuery, load_catalogue
from kgcase.store.embedded import release_dir

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Named queries under load"
ENGINES = ("kgcase-cold", "kgcase-warm", "rdflib")


def hammer(target: engines.Target, query: NamedQuery, values: list[dict[str, str]],
           clients: int, seconds: float, timeout_s: float) -> dict[str, Any]:
    """``clients`` threads, each sending the parameter sets in turn (from its own offset) until
    ``seconds`` have passed; answered requests per second, with p50/p99 of all requests."""
    outcomes: list[tuple[str, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(offset: int) -> None:
        mine = []
        with requests.Session() as session:
            i = offset
            while time.monotonic() < deadline:
                args = client.request_args(target, query, values[i % len(values)])
                i += 1
                started = time.perf_counter()
                try:
                    response = session.request(**args, timeout=timeout_s + client.CLIENT_GRACE_S)
                    outcome = client.classify(response)[0]
                except requests.RequestException:
                    outcome = "timeout"
                mine.append((outcome, (time.perf_counter() - started) * 1000))
        with lock:
            outcomes.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - started
    ms = [m for _, m in outcomes]
    ok = sum(1 for o, _ in outcomes if o == "ok")
    return {"requests": len(outcomes), "ok": ok,
            "timeouts": sum(1 for o, _ in outcomes if o == "timeout"),
            "errors": sum(1 for o, _ in outcomes if o == "error"), "seconds": round(took, 2),
            "rate": round(ok / took, 2), "p50_ms": client.percentile(ms, 50),
            "p99_ms": client.percentile(ms, 99)}


def wrk_path(target: engines.Target, query: NamedQuery, values: dict[str, str]) -> str:
    """The GET path of one request: the named query by name, or the bound text on /sparql."""
    args = client.request_args(target, query, values)
    if target.api:
        return f"/api/queries/{query.name}?{urlencode(args['params'])}"
    return f"{target.sparql_path}?{urlencode(args['data'])}"


def drain(target: engines.Target, timeout_s: float) -> None:
    """Wait until the requests wrk left running when it stopped are done: the server keeps
    answering them, and would otherwise slow the next query's run. One ``ASK {}`` queues
    behind them (rdflib: behind its lock; kgcase: for an idle worker)."""
    requests.get(target.sparql_url, params={"query": "ASK {}"},
                 headers=client.RESULTS_JSON, timeout=10 * timeout_s)


def hammer_wrk(target: engines.Target, query: NamedQuery, values: list[dict[str, str]],
               clients: int, seconds: float, timeout_s: float, work: Path) -> dict[str, Any]:
    """As :func:`hammer`, with ``wrk`` as the load generator: 2 threads and ``clients``
    connections, the parameter sets in turn; a request counts when it got a 2xx."""
    paths = [wrk_path(target, query, v) for v in values]
    report = wrk.run(target.base, paths, client.RESULTS_JSON["Accept"], connections=clients,
                     seconds=seconds, timeout_s=timeout_s + 10, work=work)
    drain(target, timeout_s)
    return report


def measure(engine: str, target: engines.Target, catalogue: dict[str, NamedQuery],
            draws: dict[str, params.Draw], args: argparse.Namespace,
            work: Path) -> dict[str, Any]:
    out = {}
    for name, query in catalogue.items():
        values = draws[name].values
        if engine == "kgcase-warm":
            values = values[:1]
            requests.request(**client.request_args(target, query, values[0]),
                             timeout=args.timeout + client.CLIENT_GRACE_S)  # fills the cache
        if args.load == "wrk":
            out[name] = hammer_wrk(target, query, values, args.clients, args.seconds,
                                   args.timeout, work)
        else:
            out[name] = hammer(target, query, values, args.clients, args.seconds, args.timeout)
        r = out[name]
        print(f"{engine:12} {name:32} {r['rate']:>8} req/s  p50 {r['p50_ms']} ms  "
              f"ok {r['ok']}/{r['requests']}  timeouts {r['timeouts']}  errors {r['errors']}",
              flush=True)
    return out


def ratio(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    if not ours["ok"]:
        return "–"
    if not theirs["ok"]:  # none answered: the rate is below one answer per run
        return f"> {ours['rate'] * theirs['seconds']:,.0f}×"
    return f"{ours['rate'] / theirs['rate']:,.0f}×"


def rate(r: dict[str, Any]) -> str:
    text = (f"{r['rate']:,.1f}" if r["rate"] >= 1 else f"{r['rate']:.2f}") if r["ok"] else "0"
    failed = r["timeouts"] + r["errors"]
    return text + (f" ({failed} failed)" if failed else "")


def load_text(doc: dict[str, Any]) -> str:
    if doc.get("load") == "wrk":
        return f"`wrk` (2 threads, {doc['clients']} connections)"
    return f"{doc['clients']} client threads (Python, `requests`)"


def answered(doc: dict[str, Any]) -> str:
    return "a 2xx status" if doc.get("load") == "wrk" else "200, parseable"


def engine_names(processes: int) -> tuple[str, ...]:
    """The engines of a run: kgcase in one HTTP process, and in ``processes`` if more."""
    if processes <= 1:
        return ENGINES
    return ("kgcase-cold", "kgcase-warm", f"kgcase-cold-p{processes}",
            f"kgcase-warm-p{processes}", "rdflib")


def markdown(doc: dict[str, Any]) -> str:
    res = doc["results"]
    p = doc.get("processes", 1)
    extra = p > 1 and f"kgcase-cold-p{p}" in res
    lines = [
        SECTION, "",
        f"Run {doc['date']} on {doc['machine']}, at commit {doc['revision']}, by "
        f"`{doc['command']}`. Raw results: `{doc['json']}`.", "",
        f"Data: the seed cases plus {doc['n']:,} synthetic reports ({doc['triples']:,} triples). "
        f"{load_text(doc)} send one named query for {doc['seconds']:g} s to one engine at a "
        f"time; a request counts when it is answered ({answered(doc)}). "
        "*kgcase-cold*: `server.py` with `--cache-entries 0`, the clients cycling through "
        f"{doc['distinct']} parameter values drawn from the store (the example first); "
        "*kgcase-warm*: the cache on and the example repeated. *rdflib*: the rdflib-engine "
        "endpoint of `bench_service.py` (one query at a time: rdflib's parser is not "
        "thread-safe), sent kgcase-cold's values bound with `VALUES`. Time limit "
        f"{doc['timeout_s']:g} s per request on every server. Client and servers share the "
        "machine." + (f" *-p{p}*: the same with `--processes {p}` (each process with its own "
                      "workers and cache)." if extra else ""), ""]
    if not extra:
        lines += [
            "| named query | kgcase-cold req/s | kgcase-warm req/s | rdflib req/s | "
            "cold ÷ rdflib | warm ÷ rdflib |",
            "|---|---:|---:|---:|---:|---:|"]
        for name in res["rdflib"]:
            cold, warm, lib = (res["kgcase-cold"][name], res["kgcase-warm"][name],
                               res["rdflib"][name])
            lines.append(f"| `{name}` | {rate(cold)} | {rate(warm)} | {rate(lib)} | "
                         f"{ratio(cold, lib)} | {ratio(warm, lib)} |")
        return "\n".join(lines) + "\n"
    lines += [
        f"| named query | rdflib req/s | kgcase-cold req/s (÷ rdflib) | kgcase-cold-p{p} | "
        f"kgcase-warm | kgcase-warm-p{p} |",
        "|---|---:|---:|---:|---:|---:|"]
    for name in res["rdflib"]:
        lib = res["rdflib"][name]
        cells = [f"{rate(res[e][name])} ({ratio(res[e][name], lib)})" for e in
                 ("kgcase-cold", f"kgcase-cold-p{p}", "kgcase-warm", f"kgcase-warm-p{p}")]
        lines.append(f"| `{name}` | {rate(lib)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arg = parser.add_argument
    arg("--size", type=int, default=1000, help="synthetic reports beside the seed cases")
    arg("--work", type=Path, help="keep the corpus, build and dump here; a build already there "
        "is reused (default: a temporary directory, removed)")
    arg("--clients", type=int, default=8)
    arg("--seconds", type=float, default=10.0)
    arg("--distinct", type=int, default=20, help="parameter values per query (cold)")
    arg("--timeout", type=float, default=30.0, help="time limit of one request (s)")
    arg("--workers", type=int, default=4, help="kgcase query workers (per HTTP process)")
    arg("--processes", type=int, default=1,
        help="also run kgcase cold and warm with this many HTTP processes")
    arg("--load", choices=("python", "wrk"), default="python",
        help="load generator: Python threads with requests, or wrk (C, Debian package)")
    arg("--markdown", type=Path, help="replace this file's section")
    args = parser.parse_args()
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        run(args, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="kgcase-throughput-") as tmp:
            run(args, Path(tmp))


def run(args: argparse.Namespace, work: Path) -> None:
    """Build (or reuse), draw the parameter values, then load each engine in turn."""
    saved = work / "build.json"
    data = bench_build.data_dir(work, args.size)
    if saved.is_file() and bench_build.dump_path(work, args.size).is_file():
        build = json.loads(saved.read_text())
    else:
        build = bench_build.bench(args.size, work, keep_dump=True)
        saved.write_text(json.dumps(build))
    catalogue = load_catalogue(ROOT / "queries")
    store = ox.Store.read_only(str(release_dir(data) / "oxigraph"))
    draws = {name: params.draw(store, q, args.distinct) for name, q in catalogue.items()}
    del store
    now = datetime.now(UTC)
    out = ROOT / "benchmarks" / "results" / f"throughput-{now:%Y%m%dT%H%M%SZ}.json"
    doc: dict[str, Any] = {
        "date": f"{now:%Y-%m-%d %H:%M} UTC", "machine": machine(),
        "revision": revision(), "json": str(out.relative_to(ROOT)),
        "command": f"python -m benchmarks throughput --size {args.size} --clients "
                   f"{args.clients} --seconds {args.seconds:g} --load {args.load}"
                   + (f" --processes {args.processes}" if args.processes > 1 else ""),
        "load": args.load,
        "n": args.size, "triples": build["triples"], "clients": args.clients,
        "seconds": args.seconds, "distinct": args.distinct, "timeout_s": args.timeout,
        "processes": args.processes,
        "params": {k: d.values for k, d in draws.items()}, "results": {}}
    for engine in engine_names(args.processes):
        if engine == "rdflib":
            with engines.rdflib(bench_build.dump_path(work, args.size), work,
                                timeout_s=args.timeout) as (target, load_s):
                doc["rdflib_load_s"] = round(load_s, 1)
                doc["results"][engine] = measure(engine, target, catalogue, draws, args, work)
        else:
            processes = args.processes if engine.endswith(f"-p{args.processes}") else 1
            with engines.kgcase(engine, data, work, cache=engine.startswith("kgcase-warm"),
                                timeout_s=args.timeout, workers=args.workers,
                                processes=processes) as target:
                doc["results"][engine] = measure(engine, target, catalogue, draws, args, work)
        out.write_text(json.dumps(doc, indent=1))
    text = markdown(doc)
    print(text)
    if args.markdown:
        replace_section(args.markdown, SECTION, text)


if __name__ == "__main__":
    main()
