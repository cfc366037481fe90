"""The Markdown section of the hardening benchmark: one table of every scenario, BEFORE beside
AFTER, with a change column where the two compare."""

from __future__ import annotations

from typing import Any

HEADING = "## Hardening: before and after"


def ms(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x / 1000:.1f} s" if x >= 1000 else f"{x:.0f} ms" if x >= 10 else f"{x:.1f} ms"


def statuses(summary: dict[str, Any]) -> str:
    """``200×5, 503×2``; ``none`` stands for no answer."""
    return ", ".join(f"{'no answer' if k == 'none' else k}×{n}"
                     for k, n in summary["statuses"].items()) or "–"


def latency(summary: dict[str, Any], timeout_s: float | None = None) -> str:
    """p50/max of the answered requests (p99 too with ``p99``), and what was not answered."""
    if summary["count"] == 0:
        return "–"
    if summary["answered"] == 0:
        within = f" within {timeout_s:g} s" if timeout_s else ""
        return f"no answer{within} ({summary['count']}/{summary['count']})"
    text = f"p50 {ms(summary['p50_ms'])} · max {ms(summary['max_ms'])}"
    if summary["no_answer"]:
        text += f"; no answer {summary['no_answer']}/{summary['count']}"
    return text


def latency99(summary: dict[str, Any]) -> str:
    if summary["answered"] == 0:
        return latency(summary)
    return (f"p50 {ms(summary['p50_ms'])} · p99 {ms(summary['p99_ms'])} · "
            f"max {ms(summary['max_ms'])}")


def speedup(before: float | None, after: float | None) -> str:
    """How many times faster AFTER is (or slower), from two latencies."""
    if not before or not after:
        return "–"
    r = before / after
    return f"{r:.1f}× faster" if r >= 1.05 else f"{1 / r:.1f}× slower" if r <= 0.95 else "same"


def compare(b: dict[str, Any], a: dict[str, Any], key: str = "p50_ms") -> str:
    """The change of one latency summary; an answer where there was none says so."""
    if b["answered"] == 0 and a["answered"]:
        return "answered (before: none)"
    if a["answered"] == 0 and b["answered"]:
        return "no answer (before: answered)"
    return speedup(b.get(key), a.get(key))


def mb(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f} MB"


def size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB" if n >= 1e3 else f"{n} B"


def answer(p: dict[str, Any]) -> str:
    """Status and time of one request, or that none came (within its timeout, if that ran
    out)."""
    if p["status"] is None:
        t = p.get("timeout_s")
        if t and "timeout" in p["error"].lower():
            return f"no answer within {t:g} s"
        return f"no answer ({p['error']} after {p['seconds']:.1f} s)"
    return f"{p['status']} in {p['seconds']:.1f} s"


def ratio_of(b: float | None, a: float | None, unit: str = "") -> str:
    if not b or not a:
        return "–"
    r = a / b
    return f"{r:.2f}×{unit}" if r < 10 else f"{r:,.0f}×{unit}"


Row = tuple[str, str, str, str, str]


def _hits(r: dict) -> str:
    status = r["status"] if r["status"] is not None else f"no answer ({r['error']})"
    return f"{status}, listener hit {r['hits']}×"


def _rows_ssrf(b: dict, a: dict) -> list[Row]:
    rows = []
    for route in b:
        x, y = b[route], a[route]
        rows.append(("SSRF: hidden SERVICE", route, _hits(x), _hits(y),
                     f"listener hits {x['hits']} → {y['hits']}"))
    return rows


def _rows_slow(b: dict, a: dict) -> list[Row]:
    rows = []
    for phase in b:
        x, y = b[phase], a[phase]
        t = x.get("timeout_s")
        rows += [
            (phase, "/api/health", latency(x["health"], t), latency(y["health"], t),
             compare(x["health"], y["health"])),
            (phase, "entity page", latency(x["page"], t), latency(y["page"], t),
             compare(x["page"], y["page"])),
            (phase, "slow connections still open at the end",
             f"{x['still_open']}/{x['opened']}", f"{y['still_open']}/{y['opened']}", "–"),
        ]
    return rows


def _rows_heavy(b: dict, a: dict) -> list[Row]:
    rows = []
    for rnd in b:
        x, y = b[rnd], a[rnd]
        rows.append((rnd, "heavy queries: status", statuses(x["heavy"]), statuses(y["heavy"]),
                     "–"))
        for key, what in (("pages", "uncached entity pages"), ("named", "named queries")):
            rows.append((rnd, f"{what} meanwhile",
                         f"{latency99(x[key])} [{statuses(x[key])}]",
                         f"{latency99(y[key])} [{statuses(y[key])}]",
                         f"p50: {compare(x[key], y[key])}; p99: "
                         f"{compare(x[key], y[key], 'p99_ms')}"))
    return rows


def _rss(r: dict, key: str) -> str:
    return f"{mb(r['rss_peak'][key])} (idle {mb(r['rss_idle'][key])})"


def _rows_memory(b: dict, a: dict) -> list[Row]:
    rows: list[Row] = []
    for label, what in (("doubling", "string doubling (2^28 chars)"),
                        ("rows", "10 000 rows × 17 KB")):
        x, y = b[label], a[label]
        got = [answer(p) + (f", {size(p['bytes'])}" if label == "rows" else "")
               + (", truncated" if p["truncated"] else "") for p in (x, y)]
        rows.append((what, "status, time" + (", bytes received" if label == "rows" else ""),
                     *got, ratio_of(x["bytes"], y["bytes"], " bytes") if label == "rows"
                     else "–"))
        for key, measure in (("total_mb", "peak RSS, whole server"),
                             ("web_mb", "peak RSS, web process(es)"),
                             ("workers_mb", "peak RSS, query workers together"),
                             ("one_worker_mb", "peak RSS, largest query worker")):
            rows.append((what, measure, _rss(x, key), _rss(y, key),
                         ratio_of(x["rss_peak"][key], y["rss_peak"][key])))
    return rows


def _rows_parse(b: dict, a: dict) -> list[Row]:
    what = f"{size(b['bytes'])} query + 5 small"
    return [
        (what, "large query: status, time", answer(b["big"]), answer(a["big"]),
         speedup(b["big"]["seconds"], a["big"]["seconds"])),
        (what, "small queries meanwhile", f"{latency(b['small'])} [{statuses(b['small'])}]",
         f"{latency(a['small'])} [{statuses(a['small'])}]", compare(b["small"], a["small"])),
    ]


def _rows_soak(b: dict, a: dict) -> list[Row]:
    what = f"soak: wrk {b['connections']} conn. × {b['seconds']:g} s + 4 heavy loops"
    x, y = b["wrk"], a["wrk"]
    if "error" in x or "error" in y:
        return [(what, "wrk", x.get("error", "ran"), y.get("error", "ran"), "–")]

    def errors(r: dict) -> str:
        s = r["socket_errors"]
        return (f"{r['non_2xx']} non-2xx; socket: connect {s['connect']}, read {s['read']}, "
                f"write {s['write']}, timeout {s['timeout']}")

    return [
        (what, "answered requests/s (2xx)", f"{x['rate']:,.1f}", f"{y['rate']:,.1f}",
         ratio_of(x["rate"], y["rate"])),
        (what, "latency p50 · p99", f"{ms(x['p50_ms'])} · {ms(x['p99_ms'])}",
         f"{ms(y['p50_ms'])} · {ms(y['p99_ms'])}", speedup(x["p99_ms"], y["p99_ms"]) + " (p99)"),
        (what, "errors", errors(x), errors(y), "–"),
        (what, "heavy queries: status", statuses(b["heavy"]), statuses(a["heavy"]), "–"),
    ]


ROWS = {"ssrf": _rows_ssrf, "slow": _rows_slow, "heavy": _rows_heavy, "memory": _rows_memory,
        "parse": _rows_parse, "soak": _rows_soak}


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    """The Markdown table of every scenario both servers ran (``results[scenario][side]``);
    a scenario that failed on a side is one row saying so."""
    lines = ["| scenario | measure | before | after | change |", "|---|---|---|---|---|"]
    for name, sides in results.items():
        b, a = sides.get("before", {}), sides.get("after", {})
        if "failed" in b or "failed" in a:
            rows: list[Row] = [(name, "failed", b.get("failed", "ran"), a.get("failed", "ran"),
                                "–")]
        else:
            rows = ROWS[name](b, a)
        last = ""
        for scenario, measure, before, after, change in rows:
            shown = scenario if scenario != last else ""
            last = scenario
            lines.append(f"| {shown} | {measure} | {before} | {after} | {change} |"
                         .replace("\n", " "))
    return lines


def section(doc: dict[str, Any]) -> str:
    """The whole section: how it was run, then the table."""
    s = doc["settings"]
    flags = "; ".join(f"{side}: `{' '.join(f'{k} {v}' for k, v in f.items()) or 'defaults'}`"
                      for side, f in doc["flags"].items())
    lines = [
        HEADING,
        "",
        f"Run {doc['date']} on {doc['machine']}, by `{doc['command']}` ({doc['took']}; load "
        f"average {doc['load_average']:.1f} when it started"
        f"{': the machine was shared' if doc['load_average'] >= 1 else ''}). BEFORE is "
        f"`{doc['trees']['before']}`, AFTER `{doc['trees']['after']}`; both served the same "
        f"data directory ({doc['data']}) at the same time, and each scenario ran on BEFORE, "
        "then on AFTER. Flags passed (each server only gets those its `server.py --help` "
        f"lists): {flags}. Every request has a client timeout; *no answer* means none came "
        "within it. *change* compares AFTER with BEFORE (a latency ratio, or AFTER/BEFORE for "
        f"sizes and rates). Raw numbers: `{doc['json']}`.",
        "",
        *table(doc["results"]),
        "",
        "Scenarios: *SSRF* sends `SELECT * WHERE { # x\\rSERVICE <listener> { ?a ?b ?c }\\n}` "
        "(the CR ends the comment for Oxigraph, not for rdflib) by each route, and counts the "
        "requests a local listener gets. *Slow clients* open connections that send the head of "
        "a `POST /sparql` with `Content-Length: 100000` (and, in the second phase, heads that "
        "never end) and then one byte every 2 s, while 5 health checks and 5 requests of one "
        f"entity page are sent 0.3 s apart. *Heavy queries* are `{s['heavy']}`, a new text "
        "each, with uncached entity pages and named queries requested one after the other "
        "meanwhile; the 16 come from 127.0.0.2–5. *Memory*: the peak VmRSS of the server's "
        "process tree, sampled every 50 ms; the web process(es) are all but the query workers. "
        f"*Soak*: wrk on {s['soak_paths']} paths (entity pages and named queries in turn) while "
        "4 threads, from 127.0.0.2–5, each send heavy queries one after the other (waiting "
        "1 s after a refusal). RSS in parentheses: the same processes idle, just before.",
        "",
    ]
    if doc.get("restarts"):
        lines[-1:-1] = [f"Servers restarted because they did not settle: {doc['restarts']}.", ""]
    return "\n".join(lines)
