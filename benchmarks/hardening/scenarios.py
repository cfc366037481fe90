"""The six scenarios of the hardening benchmark, each run against one server and returning a
JSON-able dict. Every request has a client timeout and every load a bound in count and time;
a server that does not answer is recorded (``status: None``), never an exception."""

from __future__ import annotations

import itertools
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from benchmarks import wrk
from benchmarks.hardening import net
from benchmarks.hardening.net import Listener, Probe, SlowClients, request, summarise
from benchmarks.hardening.procs import RssSampler, Server

RESULTS_JSON = {"Accept": "application/sparql-results+json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PAGE_ACCEPT = "text/html,application/json;q=0.9"
#: Three unrelated triple patterns: the store's size cubed (~7e11 rows on the seed build).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} OFFSET {}"
#: ?s27 is 2^28 characters: 512 MiB of strings along the way without a memory limit.
DOUBLING = "SELECT (STRLEN(?s27) AS ?n) WHERE {{ BIND(\"xx\" AS ?s0) {} }}".format(" ".join(
    f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(27)))
#: 10 000 rows of ~17 KB each: ~170 MB of answer.
ROWS = ("SELECT ?i ?text WHERE {{ VALUES ?i {{ {} }} BIND(CONCAT(STR(?i), \"{}\") AS ?text) }}"
        .format(" ".join(str(i) for i in range(10_000)), "x" * 17_000))
#: ~190 KB to parse, holding the word `from` (a FROM clause and the VALUES strings).
BIG = ("SELECT * FROM <urn:g> WHERE { VALUES ?x { "
       + " ".join(f'"{"from" * 8}{i}"' for i in range(4_900)) + " } }")
SLOW_PHASES = {"8 slow bodies": (8, 0), "200 slow bodies + 200 slow headers": (200, 200)}
HEAVY_ROUNDS = {"4 heavy queries, 1 client": 1, "16 heavy queries, 4 clients": 4}


def form(query: str) -> bytes:
    return urlencode({"query": query}).encode()


@dataclass
class Context:
    """What every scenario shares: settings, the page and named-query paths (each server
    walks them in the same order, so neither has the other's cache), and the listener."""

    timeout_s: float
    seconds: float
    pages: list[str]
    named: list[str]
    work: Path
    listener: Listener
    fixed_page: str = "/KGCASE_0000100"
    _texts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _pos: dict[tuple[str, str], int] = field(default_factory=dict)

    def next_path(self, server: Server, kind: str) -> str:
        paths = self.pages if kind == "page" else self.named
        i = self._pos.get((server.name, kind), 0)
        self._pos[(server.name, kind)] = i + 1
        return paths[i % len(paths)]

    def unique(self) -> int:
        """A number no query text of this run has used: each text is new to the cache."""
        return next(self._texts)


def named_paths(queries_dir: Path, curies: list[str]) -> list[str]:
    """``/api/queries/<name>?<first param>=<curie>``, every curie in turn over every query
    whose first parameter is a CURIE."""
    firsts = []
    for rq in sorted(queries_dir.glob("*.rq")):
        m = re.search(r"^#\+\s+- name: (\w+)\n#\+\s+type: curie", rq.read_text(), re.M)
        if m:
            firsts.append((rq.stem, m.group(1)))
    return [f"/api/queries/{name}?{urlencode({param: curie})}"
            for curie, (name, param) in zip(curies, itertools.cycle(firsts), strict=False)]


def probe_dict(p: Probe, timeout_s: float) -> dict[str, Any]:
    return {"status": p.status, "seconds": round(p.seconds, 2), "bytes": p.size,
            "error": p.error, "timeout_s": timeout_s,
            "truncated": (p.headers or {}).get("x-kgcase-truncated", "") == "true"}


def heavy_request(server: Server, ctx: Context, source: str | None = None) -> Probe:
    path = "/sparql?" + urlencode({"query": HEAVY.format(ctx.unique())})
    return request(server.url, path, headers=RESULTS_JSON, timeout=ctx.timeout_s + 20,
                   source=source)


def ssrf(server: Server, ctx: Context) -> dict[str, Any]:
    """A SERVICE call hidden after a comment ended by CR, by each route a query comes in."""
    q = f"SELECT * WHERE {{ # x\rSERVICE <{ctx.listener.url}> {{ ?a ?b ?c }}\n}}"
    routes = {
        "GET /sparql": ("GET", "/sparql?" + urlencode({"query": q}), None, RESULTS_JSON),
        "POST application/sparql-query": ("POST", "/sparql", q.encode(),
                                          {**RESULTS_JSON,
                                           "Content-Type": "application/sparql-query"}),
        "POST form": ("POST", "/sparql", form(q), {**RESULTS_JSON, **FORM}),
        "GET /editor?query=": ("GET", "/editor?" + urlencode({"query": q}), None,
                               {"Accept": "text/html"}),
    }
    out = {}
    for name, (method, path, body, headers) in routes.items():
        before = ctx.listener.hits
        p = request(server.url, path, method=method, body=body, headers=headers,
                    timeout=ctx.timeout_s + 10)
        time.sleep(0.3)  # a call the engine made has reached the listener by now
        out[name] = {"status": p.status, "hits": ctx.listener.hits - before, "error": p.error}
    return out


def slow(server: Server, ctx: Context, probe_timeout_s: float = 10.0) -> dict[str, Any]:
    """Connections that send a byte every 2 s; meanwhile 5 health checks and 5 requests of one
    entity page, 0.3 s apart."""
    host = urlsplit(server.url).netloc
    out = {}
    for label, (bodies, headers) in SLOW_PHASES.items():
        server.settle()
        heads = [net.slow_body_head(host)] * bodies + [net.slow_header_head(host)] * headers
        with SlowClients(server.url, heads) as clients:
            time.sleep(1.0)
            calls = []
            for _ in range(5):
                calls.append(lambda: request(server.url, "/api/health",
                                             timeout=probe_timeout_s))
                calls.append(lambda: request(server.url, ctx.fixed_page,
                                             headers={"Accept": "text/html"},
                                             timeout=probe_timeout_s))
            probes = net.staggered(calls, 0.3)
            still = clients.still_open()
        out[label] = {"opened": clients.opened, "refused": clients.refused,
                      "still_open": still, "timeout_s": probe_timeout_s,
                      "health": summarise(probes[0::2]), "page": summarise(probes[1::2])}
    return out


def heavy(server: Server, ctx: Context) -> dict[str, Any]:
    """Heavy ad-hoc queries (4 from one address, then 16 from 127.0.0.2-5) while uncached
    entity pages and named queries are requested one after the other."""
    out = {}
    for label, clients in HEAVY_ROUNDS.items():
        server.settle()
        sources = [None] * 4 if clients == 1 else [f"127.0.0.{2 + i % 4}" for i in range(16)]
        pages: list[Probe] = []
        named: list[Probe] = []
        started = time.monotonic()
        with ThreadPoolExecutor(len(sources)) as pool:
            running = [pool.submit(heavy_request, server, ctx, s) for s in sources]
            time.sleep(0.5)
            deadline = time.monotonic() + 3 * ctx.timeout_s
            n = 0
            while n < 60 and time.monotonic() < deadline and (
                    n < 10 or not all(f.done() for f in running)):
                kind = "page" if n % 2 == 0 else "named"
                accept = "text/html" if kind == "page" else "application/json"
                p = request(server.url, ctx.next_path(server, kind), headers={"Accept": accept},
                            timeout=ctx.timeout_s + 5)
                (pages if kind == "page" else named).append(p)
                n += 1
                time.sleep(0.1)
            answers = [f.result() for f in running]
        out[label] = {"heavy": summarise(answers), "pages": summarise(pages),
                      "named": summarise(named), "seconds": round(time.monotonic() - started, 1)}
    return out


def memory(server: Server, ctx: Context) -> dict[str, Any]:
    """The string-doubling query and a 10 000-row answer of ~170 MB, with the peak RSS of the
    server's process tree during each (the idle tree sampled just before)."""
    out = {}
    for label, query, timeout in (("doubling", DOUBLING, 60.0), ("rows", ROWS, 120.0)):
        server.settle()
        idle = RssSampler(server.pid)
        idle.sample()
        with RssSampler(server.pid) as rss:
            p = request(server.url, "/sparql", method="POST", body=form(query),
                        headers={**RESULTS_JSON, **FORM}, timeout=timeout)
        out[label] = {**probe_dict(p, timeout), "rss_idle": idle.peak,
                      "rss_peak": rss.peak, "samples": rss.samples}
    return out


def parse(server: Server, ctx: Context) -> dict[str, Any]:
    """A ~190 KB query by POST, and meanwhile 5 small new queries, 0.3 s apart."""
    server.settle()
    with ThreadPoolExecutor(1) as pool:
        big = pool.submit(request, server.url, "/sparql", method="POST", body=form(BIG),
                          headers={**RESULTS_JSON, **FORM}, timeout=60.0)
        small = []
        for _ in range(5):  # spread over the large one's upload, parse and run
            time.sleep(0.3)
            small.append(request(server.url, "/sparql?" + urlencode(
                {"query": f"ASK {{ ?s ?p {ctx.unique()} }}"}), headers=RESULTS_JSON,
                timeout=30.0))
        done = big.result()
    return {"bytes": len(BIG), "big": probe_dict(done, 60.0), "small": summarise(small)}


def soak(server: Server, ctx: Context, connections: int = 16,
         heavy_loops: int = 4) -> dict[str, Any]:
    """wrk on entity pages and named queries in turn, while ``heavy_loops`` threads, each from
    a loopback address of its own (127.0.0.2, …), send heavy queries one after the other; a
    loop whose query was answered within a second (refused) waits a second before the next."""
    server.settle()
    paths = [p for pair in zip(ctx.pages, ctx.named, strict=False) for p in pair]
    stop = threading.Event()
    answers: list[Probe] = []

    def loop(source: str) -> None:
        while not stop.is_set():
            answers.append(p := heavy_request(server, ctx, source))
            if p.seconds < 1.0:
                stop.wait(1.0)

    work = ctx.work / f"wrk-{server.name}"
    work.mkdir(parents=True, exist_ok=True)
    threads = [threading.Thread(target=loop, args=(f"127.0.0.{2 + i}",), daemon=True)
               for i in range(heavy_loops)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        report = wrk.run(server.url, paths, PAGE_ACCEPT, connections=connections,
                         seconds=ctx.seconds, timeout_s=ctx.timeout_s + 10, work=work)
    except Exception as e:  # a wrk that failed is a result of the run, not its end
        report = {"error": f"{type(e).__name__}: {e}"[:500]}
    finally:
        stop.set()
        for t in threads:
            t.join(ctx.timeout_s + 30)
    return {"wrk": report, "heavy": summarise(answers), "connections": connections,
            "seconds": ctx.seconds}


SCENARIOS = {"ssrf": ssrf, "slow": slow, "heavy": heavy, "memory": memory, "parse": parse,
             "soak": soak}
