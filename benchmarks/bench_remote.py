"""Named-query latency and throughput through kgcase on each store: embedded, Oxigraph, Virtuoso.

Builds the seed cases (plus ``--cases N`` synthetic reports from ``kgcase synth``), loads the
build into a fresh ``oxigraph serve`` and a fresh Virtuoso with ``load_remote`` (timed), starts
one ``python server.py`` per backend (``--store`` for the remote ones, result cache off) and runs
every named query with its example: ``--repeat`` sequential requests for latency, then
``--clients`` threads for ``--seconds`` for throughput. ``--markdown docs/benchmarks.md``
replaces the "Remote stores" section of that file (and keeps the rest).

    python benchmarks/bench_remote.py --cases 0 --markdown docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import requests

from kgcase.queries import load_catalogue
from kgcase.store.embedded import release_dir
from kgcase.store.remote_load import load_remote, release_graphs

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # run as a script too
from benchmarks.common import machine, replace_section  # noqa: E402
from remote.servers import free_port, oxigraph_server, virtuoso_server  # noqa: E402

SECTION = "## Remote stores"


def build(directory: Path, n: int) -> Path:
    """Build the seed cases plus ``n`` synthetic ones; return the data directory."""
    cases = directory / "cases"
    shutil.copytree(ROOT / "cases", cases)
    if n:
        subprocess.run([sys.executable, "-m", "kgcase.cli", "synth", str(n), "--out",
                        str(cases / "synthetic"), "--jobs", str(os.cpu_count() or 1),
                        "--quiet"], check=True)
    data = directory / "data"
    subprocess.run([sys.executable, "-m", "kgcase.cli", "build", "--cases", str(cases),
                    "--data-dir", str(data), "--quiet"], check=True, cwd=ROOT)
    return data


@contextmanager
def kgcase_server(data_dir: Path, logs: Path, store: str = "") -> Iterator[str]:
    port = free_port()
    command = [sys.executable, str(ROOT / "server.py"), "--port", str(port), "--data-dir",
               str(data_dir), "--cache-entries", "0", "--workers", "4", "--threads", "16"]
    if store:
        command += ["--store", store]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGCASE_")}
    with logs.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError(f"kgcase exited:\n{logs.read_text()}")
            try:
                if requests.get(url + "/api/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(20)


def latency(url: str, params: dict[str, str], repeat: int) -> float:
    times = []
    with requests.Session() as session:
        for _ in range(repeat):
            started = time.perf_counter()
            session.get(url, params=params, timeout=120).raise_for_status()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def throughput(url: str, params: dict[str, str], clients: int, seconds: float) -> tuple[float, int]:
    counts, errors = [0] * clients, [0] * clients
    deadline = time.monotonic() + seconds

    def client(i: int) -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                ok = session.get(url, params=params, timeout=120).ok
                counts[i] += ok
                errors[i] += not ok

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds, sum(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=0, help="synthetic reports beside the seed")
    parser.add_argument("--repeat", type=int, default=30, help="sequential requests per query")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--markdown", type=Path, help="rewrite this file's Remote stores section")
    args = parser.parse_args()
    catalogue = load_catalogue(ROOT / "queries")
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kgcase-bench-remote-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        data_dir = build(work, args.cases)
        graphs = list(release_graphs(release_dir(data_dir)))
        triples = sum(data.count(b"\n") for _, data in graphs)
        stores = {"embedded": ""}
        loads = {}
        for name, starter in [("oxigraph", oxigraph_server), ("virtuoso", virtuoso_server)]:
            server = stack.enter_context(starter(work / name))
            report = load_remote(server.descriptor, graphs, user=server.user,
                                 password=server.password, progress=False)
            loads[name] = report["seconds"]
            stores[name] = server.descriptor
        urls = {name: stack.enter_context(kgcase_server(data_dir, work / f"{name}.log", store))
                for name, store in stores.items()}
        for query in sorted(catalogue):
            params = {p.name: p.example for p in catalogue[query].params if p.example}
            for name, url in urls.items():
                endpoint = f"{url}/api/queries/{query}"
                p50 = latency(endpoint, params, args.repeat)
                rate, errors = throughput(endpoint, params, args.clients, args.seconds)
                line = f"| `{query}` | {name} | {p50:.1f} | {rate:,.0f} | {errors} |"
                print(line, flush=True)
                rows.append(line)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join(["python benchmarks/bench_remote.py", *sys.argv[1:]])
    command = re.sub(r" --markdown \S+", "", command)
    section = "\n".join([
        SECTION, "",
        f"Run {when} on {machine()}, by `{command}`. Data: the seed build plus {args.cases} "
        f"synthetic reports ({triples} triples in {len(graphs)} named graphs). Each backend is "
        "served by its own `python server.py` (4 workers, result cache off): embedded = the "
        "on-disk pyoxigraph release; oxigraph = `oxigraph serve --union-default-graph` (on "
        "disk); virtuoso = Virtuoso 7.2.5 (Debian), 160 MB of buffers. Load times (`load_remote`, "
        f"staging + swap): Oxigraph {loads['oxigraph']:.1f} s, Virtuoso {loads['virtuoso']:.1f} "
        f"s. Latency is the median of {args.repeat} sequential requests of "
        f"`/api/queries/<name>` with the query's example; throughput is {args.clients} client "
        f"threads for {args.seconds:g} s. Client and servers share the machine.", "",
        "| named query | store | p50 ms | req/s | errors |", "|---|---|---:|---:|---:|",
        *rows, "",
    ])
    print(section)
    if args.markdown:
        replace_section(args.markdown, SECTION, section)


if __name__ == "__main__":
    main()
