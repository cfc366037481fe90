"""What the RSGI bridge costs: the same app served through it and through granian's WSGI.

    python -m benchmarks.bench_bridge [--seconds 5] [--rounds 3] [--connections 8]

Serves the live-test graph (tests/live/data) twice, with the same settings: through
:class:`kgcase.web.bridge.Bridge` (RSGI, as ``kgcase serve`` does) and through granian's WSGI
interface (``serve.run(..., bridge=False)``). ``wrk`` (2 threads, ``--connections``) then sends,
to one server at a time and alternating servers each round, ``GET /api/health``, a named query
(its answer from the result cache after the first) and a ``POST /sparql`` with a small body.
Prints, per server and path, requests/s and the server's CPU time per request (its processes'
user + system time over the run, divided by the answers; steadier than requests/s on a machine
that does other work), medians of the rounds and bridge/WSGI ratios, as JSON.
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
import time
from pathlib import Path
from typing import Any

import requests

from benchmarks import wrk
from benchmarks.common import machine
from kgcase.config import load_settings
from kgcase.web import serve

ROOT = Path(__file__).resolve().parent.parent
LIVE = ROOT / "tests" / "live"
PATHS = {
    "health": ("GET", "/api/health", ""),
    "named query": ("GET", "/api/queries/patient_diagnoses?case=https%3A%2F%2Fw3id.org%2Fkgcase"
                    "%2Fcase%2Fcabrera-2016", ""),
    "POST /sparql": ("POST", "/sparql", "ASK { ?s ?p ?o }"),
}
SCRIPT = """\
wrk.method = "%s"
wrk.body = %s
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.headers["Accept"] = "application/json, application/sparql-results+json"
"""


def start(kind: str, data_dir: Path, logs: Path,
          threads: int) -> tuple[subprocess.Popen[bytes], str]:
    port = serve.free_port(load_settings({"port": 0}, environ={}))
    command = [sys.executable, "-m", "benchmarks.bench_bridge", "--serve", kind,
               "--port", str(port), "--data-dir", str(data_dir), "--threads", str(threads)]
    with (logs / f"{kind}.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(url + "/api/health", timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"{kind} server did not start; see {logs}")


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of process ``root`` and its descendants, alive now."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        pid = int(stat.parent.name)
        parent[pid], ticks[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, up in parent.items() if up == pid and child not in tree]
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def load(server: tuple[subprocess.Popen[bytes], str], method: str, path: str, body: str,
         args: argparse.Namespace, work: Path) -> tuple[float, float]:
    """Requests/s, and the server's CPU microseconds per request."""
    process, url = server
    script = work / "request.lua"
    script.write_text(SCRIPT % (method, json.dumps(body) if body else "nil"))
    cpu = cpu_seconds(process.pid)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds:g}s", "--timeout=10s",
         "--latency", "-s", str(script), url + path], capture_output=True, text=True, check=True)
    report = wrk.parse(done.stdout + done.stderr)
    if report["errors"]:
        raise SystemExit(f"{method} {path} on {url}: {report['errors']} errors\n{done.stdout}")
    used = cpu_seconds(process.pid) - cpu
    return float(report["rate"]), round(used / max(1, report["ok"]) * 1e6, 1)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(LIVE))
    from conftest import build_release  # the graph every live test serves

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        build_release(work / "data")
        servers = {kind: start(kind, work / "data", work, args.threads)
                   for kind in ("bridge", "wsgi")}
        try:
            rates: dict[str, dict[str, list[float]]] = {k: {p: [] for p in PATHS}
                                                        for k in servers}
            cpu: dict[str, dict[str, list[float]]] = {k: {p: [] for p in PATHS}
                                                      for k in servers}
            for round_ in range(args.rounds):
                order = list(servers) if round_ % 2 == 0 else list(reversed(servers))
                for name, (method, path, body) in PATHS.items():
                    if args.only and name not in args.only:
                        continue
                    for kind in order:
                        rate, used = load(servers[kind], method, path, body, args, work)
                        rates[kind][name].append(rate)
                        cpu[kind][name].append(used)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(15)
    median = {k: {p: statistics.median(v) for p, v in paths.items() if v}
              for k, paths in rates.items()}
    cpu_median = {k: {p: statistics.median(v) for p, v in paths.items() if v}
                  for k, paths in cpu.items()}
    return {"machine": machine(), "seconds": args.seconds, "rounds": args.rounds,
            "connections": args.connections, "rates": rates, "median": median,
            "ratio": {p: round(median["bridge"][p] / median["wsgi"][p], 3)
                      for p in median["wsgi"]},
            "cpu_us_per_request": cpu, "cpu_median": cpu_median,
            "cpu_ratio": {p: round(cpu_median["bridge"][p] / cpu_median["wsgi"][p], 3)
                          for p in cpu_median["wsgi"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="setting threads of both")
    parser.add_argument("--only", nargs="*", choices=list(PATHS), help="measure these only")
    parser.add_argument("--serve", choices=("bridge", "wsgi"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        settings = load_settings({"data_dir": args.data_dir, "queries_dir":
                                  str(LIVE / "data" / "queries"), "workers": 2,
                                  "threads": args.threads}, environ={})
        serve.run(settings, args.port, bridge=args.serve == "bridge")
        return
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk on PATH (apt-get install wrk)")
    print(json.dumps(measure(args), indent=1))


if __name__ == "__main__":
    main()
