"""Load-test the kgcase SPARQL service beside `oxigraph serve-read-only` and an rdflib endpoint.

All three serve the same synthetic data on loopback: the live-test case graph repeated for
``--cases`` case reports. Each scenario runs ``--clients`` threads (one ``requests.Session`` each)
for ``--seconds``; then a soak runs ``--soak-clients`` clients for ``--soak`` seconds on kgcase
alone and reports errors and memory. ``--markdown docs/benchmarks.md`` rewrites the
"SPARQL service" section of that file with the results.

    python benchmarks/bench_service.py --cases 2000 --seconds 10 --soak 60 \
        --markdown docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import requests

from kgcase.queries import load_catalogue
from kgcase.store import Release, switch_current
from kgcase.web.binding import bind_with_values

sys.path[:0] = [str(Path(__file__).resolve().parents[1]),  # run as a script too
                str(Path(__file__).resolve().parents[1] / "tests")]  # for remote/servers.py
from benchmarks import wrk  # noqa: E402
from benchmarks.common import machine, replace_section  # noqa: E402
from remote.servers import require_program  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "live" / "data"
KG = "https://w3id.org/kgcase/"
Request = tuple[str, dict[str, str]]  # path, params


def synthetic_trig(cases: int) -> str:
    """The fixture's ontology graph plus ``cases`` copies of its case graph, renamed."""
    text = (FIXTURE / "graph.trig").read_text()
    head, case_block = text.split("kg:graph\\/case\\/cabrera-2016 {", 1)
    case_block, tail = case_block.split("\n}\n", 1)
    blocks = [head]
    for i in range(cases):
        body = case_block.replace("cabrera-2016", f"bench-{i:05d}")
        body = re.sub(r"KGCASE:0000115 (\d+\.\d+)",
                      lambda m, i=i: f"KGCASE:0000115 {float(m.group(1)) + i % 50:.1f}", body)
        blocks.append(f"kg:graph\\/case\\/bench-{i:05d} {{{body}\n}}\n")
    return "".join(blocks) + tail


def build_data(workdir: Path, cases: int) -> tuple[Path, Path]:
    """Write the TriG file and a kgcase release of it; return (data dir, trig path)."""
    trig = workdir / "bench.trig"
    trig.write_text(synthetic_trig(cases))
    target = workdir / "data" / "stores" / "bench-1"
    target.mkdir(parents=True)
    store = ox.Store(str(target / "oxigraph"))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    release = Release(id="bench-1", built_at=datetime.now(UTC).isoformat(), triples=len(store))
    del store
    release.write(target / "release.json")
    switch_current(workdir / "data", target)
    return workdir / "data", trig


def start(command: list[str], ready_url: str, log: Path,
          deadline_s: float = 300) -> subprocess.Popen[bytes]:
    """Start a server and wait (up to ``deadline_s``) until ``ready_url`` answers."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command[:3]} exited:\n{log.read_text()}")
        try:
            if requests.get(ready_url, timeout=5).status_code < 500:
                return process
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{command[:3]} not ready:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Stats:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def load(base: str, make: Callable[[random.Random], Request], clients: int,
         seconds: float, headers: dict[str, str] | None = None) -> Stats:
    """Run ``clients`` threads issuing ``make(rng)`` requests until ``seconds`` have passed."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine, failed = [], 0
        with requests.Session() as session:
            while time.monotonic() < deadline:
                path, params = make(rng)
                t0 = time.perf_counter()
                try:
                    ok = session.get(base + path, params=params, headers=headers,
                                     timeout=60).status_code == 200
                except requests.RequestException:
                    ok = False
                mine.append(time.perf_counter() - t0)
                failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Stats(len(latencies), errors[0], time.monotonic() - started,
                 cuts[49] * 1000, cuts[98] * 1000)


def load_wrk(base: str, make: Callable[[random.Random], Request], clients: int,
             seconds: float, work: Path) -> Stats:
    """As :func:`load`, with ``wrk`` sending 1 000 requests drawn by ``make`` in turn."""
    rng = random.Random(0)
    paths = [f"{path}?{urlencode(params)}" for path, params in (make(rng) for _ in range(1000))]
    got = wrk.run(base, paths, "application/sparql-results+json", connections=clients,
                  seconds=seconds, timeout_s=60, work=work)
    return Stats(got["ok"], got["errors"], got["seconds"], got["p50_ms"] or 0.0,
                 got["p99_ms"] or 0.0)


def lookup(cases: int) -> Callable[[random.Random], Request]:
    def make(rng: random.Random) -> Request:
        patient = f"{KG}case/bench-{rng.randrange(cases):05d}/patient/p1"
        return "/sparql", {"query": f"SELECT ?p ?o WHERE {{ <{patient}> ?p ?o }}"}
    return make


def named(cases: int, api: bool) -> Callable[[random.Random], Request]:
    """patient_diagnoses for a random case: via /api on kgcase, as bound SPARQL elsewhere."""
    sparql = load_catalogue(FIXTURE / "queries")["patient_diagnoses"].sparql
    chosen = [f"{KG}case/bench-{i:05d}" for i in range(0, cases, max(1, cases // 500))]
    texts = {c: bind_with_values(sparql, {"case": ox.NamedNode(c)}) for c in chosen}

    def make(rng: random.Random) -> Request:
        case = rng.choice(chosen)
        if api:
            return "/api/queries/patient_diagnoses", {"case": case}
        return "/sparql", {"query": texts[case]}
    return make


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            total += int(next(line.split()[1] for line in status.read_text().splitlines()
                              if line.startswith("VmRSS")))
    return total / 1024


def server_pids(base: str, process: subprocess.Popen[bytes]) -> list[int]:
    """The web process and its query workers."""
    health = requests.get(base + "/api/health", timeout=10).json()
    return [process.pid, *health["workers"]["pids"]]


def serve_rdflib(path: str, port: int, timeout_s: float = 0) -> None:
    """The minimal rdflib-engine endpoint: ``/sparql?query=…`` (GET or form POST) -> SPARQL JSON.

    ``path`` is TriG, or N-Quads if it ends in ``.nq``. With ``timeout_s``, a query still running
    after that long is interrupted (an exception raised in its thread) and answered with 503.
    """
    import ctypes
    from urllib.parse import parse_qs

    import rdflib
    import waitress

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads" if path.endswith(".nq") else "trig")
    lock = threading.Lock()  # rdflib's query parser is not thread-safe

    def answer(query: str, out: dict[str, bytes]) -> None:
        try:
            with lock:
                out["body"] = dataset.query(query).serialize(format="json")
        except TimeoutError:
            pass
        except Exception as exc:  # the engine's own failure, reported to the client
            out["error"] = f"{type(exc).__name__}: {exc}".encode()

    def app(environ, start_response):  # a plain WSGI callable
        form = parse_qs(environ.get("QUERY_STRING", ""))
        if environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form.update(parse_qs(environ["wsgi.input"].read(size).decode()))
        out: dict[str, bytes] = {}
        worker = threading.Thread(target=answer, args=(form.get("query", ["ASK {}"])[0], out))
        worker.start()
        worker.join(timeout_s or None)
        if worker.is_alive():  # interrupt the pure-Python engine at its next bytecode
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident),
                                                       ctypes.py_object(TimeoutError))
            worker.join()
        if "error" in out:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [out["error"]]
        if "body" not in out:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"query timeout\n"]
        start_response("200 OK", [("Content-Type", "application/sparql-results+json")])
        return [out["body"]]

    waitress.serve(app, host="127.0.0.1", port=port, threads=8, _quiet=True)


def run(args: argparse.Namespace, workdir: Path) -> str:
    """Run every scenario; return the Markdown section."""
    data_dir, trig = build_data(workdir, args.cases)
    triples = Release.read(data_dir / "current" / "release.json").triples
    ports = {name: 18700 + i
             for i, name in enumerate(("kgcase", "kgcase-p", "oxigraph", "rdflib", "soak"))}
    kgcase = [sys.executable, "server.py", "--data-dir", str(data_dir), "--queries-dir",
              str(FIXTURE / "queries"), "--workers", str(args.workers)]
    servers = {
        "kgcase (cache off)": [*kgcase, "--port", str(ports["kgcase"]), "--cache-entries", "0"],
        f"kgcase, {args.processes} processes (cache off)": [
            *kgcase, "--port", str(ports["kgcase-p"]), "--cache-entries", "0",
            "--processes", str(args.processes)],
        "oxigraph serve-read-only": [require_program("oxigraph", "pip install oxigraph"),
                                     "serve-read-only", "--location",
                                     str(data_dir / "current" / "oxigraph"), "--bind",
                                     f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph"],
        "rdflib endpoint": [sys.executable, __file__, "--serve-rdflib", str(trig),
                            str(ports["rdflib"])],
    }
    if args.processes <= 1:
        del servers[f"kgcase, {args.processes} processes (cache off)"]
        del ports["kgcase-p"]
    rows = []
    for (name, command), port in zip(servers.items(), ports.values(), strict=False):
        base = f"http://127.0.0.1:{port}"
        ready = base + ("/api/health" if name.startswith("kgcase") else "/sparql?query=ASK%7B%7D")
        process = start(command, ready, workdir / f"{port}.log")
        try:
            for label, make in (("lookup on /sparql", lookup(args.cases)),
                                ("named query", named(args.cases, name.startswith("kgcase")))):
                stats = (load_wrk(base, make, args.clients, args.seconds, workdir)
                         if args.load == "wrk" else load(base, make, args.clients, args.seconds))
                rows.append((label, name, stats))
                print(f"{label:18} {name:26} {stats}", flush=True)
        finally:
            stop(process)
    soak = soak_kgcase(args, [*kgcase, "--port", str(ports["soak"])], ports["soak"], workdir)
    return markdown(args, triples, rows, soak)


def soak_kgcase(args: argparse.Namespace, command: list[str], port: int,
                workdir: Path) -> tuple[Stats, float, float, Stats]:
    """kgcase as deployed (cache on): a repeated query, then a mixed soak; RSS before/after."""
    base = f"http://127.0.0.1:{port}"
    process = start(command, base + "/api/health", workdir / "soak.log")
    try:
        patient = f"{KG}case/bench-00001/patient/p1"
        same = ("/sparql", {"query": f"SELECT ?p ?o WHERE {{ <{patient}> ?p ?o }}"})
        cached = load(base, lambda _rng: same, args.clients, args.seconds)
        before = rss_mb(server_pids(base, process))
        mixed_lookup, mixed_named = lookup(args.cases), named(args.cases, True)
        stats = load(base, lambda rng: (mixed_lookup if rng.random() < 0.5 else mixed_named)(rng),
                     args.soak_clients, args.soak)
        return cached, before, rss_mb(server_pids(base, process)), stats
    finally:
        stop(process)


def markdown(args: argparse.Namespace, triples: int, rows: list[tuple[str, str, Stats]],
             soak: tuple[Stats, float, float, Stats]) -> str:
    cached, rss_before, rss_after, stats = soak
    lines = [
        "## SPARQL service",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, by "
        "`python benchmarks/bench_service.py"
        f" --cases {args.cases} --clients {args.clients} --seconds {args.seconds:g}"
        f" --soak {args.soak:g}"
        + (f" --processes {args.processes}" if args.processes > 1 else "")
        + (" --load wrk" if args.load == "wrk" else "")
        + f"`. Data: the live-test case graph repeated for {args.cases} case"
        f" reports ({triples} triples), served from the same on-disk store by kgcase"
        f" ({args.workers} workers) and `oxigraph serve-read-only --union-default-graph`, and"
        " from memory by a minimal rdflib endpoint (waitress, 8 threads). The load generator"
        + (f" (`wrk`, 2 threads, {args.clients} connections, 1 000 requests in turn"
           if args.load == "wrk" else
           f" ({args.clients} threads, one `requests.Session` each")
        + ", loopback) shares the machine; the soak uses the Python client.",
        "Lookups ask for the first patient of a random case"
        " (`SELECT ?p ?o WHERE { <patient> ?p ?o }`); the"
        " named query is `patient_diagnoses` for a random case: `/api/queries/patient_diagnoses?"
        "case=…` on kgcase, the same SPARQL with the case bound by `VALUES` elsewhere. kgcase's"
        " result cache is off here, so every request runs a query.",
        "",
        "| question | server | req/s | p50 ms | p99 ms | errors | vs oxigraph |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    reference = {label: s.rate for label, name, s in rows if name.startswith("oxigraph")}
    for label, name, s in rows:
        ratio = s.rate / reference[label] if reference.get(label) else float("nan")
        lines.append(f"| {label} | {name} | {s.rate:,.0f} | {s.p50_ms:.1f} | {s.p99_ms:.1f} | "
                     f"{s.errors} | {ratio:.2f}× |")
    lines += [
        "",
        f"With the cache on (the default), one repeated lookup: {cached.rate:,.0f} req/s,"
        f" p50 {cached.p50_ms:.1f} ms, p99 {cached.p99_ms:.1f} ms.",
        "",
        f"Soak: {args.soak_clients} clients for {args.soak:g} s on kgcase (cache on), half lookups,"
        f" half named queries: {stats.requests:,} requests, {stats.errors} errors,"
        f" {stats.rate:,.0f} req/s, p50 {stats.p50_ms:.1f} ms, p99 {stats.p99_ms:.1f} ms."
        f" RSS of the web process and its workers: {rss_before:.0f} MB before,"
        f" {rss_after:.0f} MB after.",
        "",
        "Reading: the gap to Oxigraph's own server is the price of what kgcase adds per query,"
        " most of it Python under one interpreter lock per process: Flask's request and response"
        " objects, the safety gate, content negotiation, the SPARQL JSON written in Python, and"
        " for the named query a hop to a query worker process and back (pickled over a pipe)"
        " that makes the time limit enforceable; the lookup, one triple pattern, runs in the web"
        " process (docs/decisions.md). granian's HTTP work is done outside the lock. rdflib's"
        " engine is the slowest (and the minimal endpoint runs one query at a time: rdflib's"
        " parser is not thread-safe). The kill test lives in `tests/live/test_safety.py`.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--load", choices=("python", "wrk"), default="python",
                        help="load generator of the side-by-side runs: Python threads with "
                             "requests, or wrk (C, Debian package)")
    parser.add_argument("--processes", type=int, default=1,
                        help="also serve kgcase with this many HTTP processes")
    parser.add_argument("--soak", type=float, default=60)
    parser.add_argument("--soak-clients", type=int, default=16)
    parser.add_argument("--markdown", type=Path, help="rewrite this file's SPARQL service section")
    parser.add_argument("--serve-rdflib", nargs=2, metavar=("TRIG", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-timeout", type=float, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_rdflib:
        serve_rdflib(args.serve_rdflib[0], int(args.serve_rdflib[1]), args.serve_timeout)
        return
    with tempfile.TemporaryDirectory(prefix="kgcase-bench-") as workdir:
        section = run(args, Path(workdir))
    print(section)
    if args.markdown:
        replace_section(args.markdown, "## SPARQL service", section)


if __name__ == "__main__":
    main()
