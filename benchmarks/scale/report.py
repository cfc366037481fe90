"""The scale run's outputs from its results dict: Markdown tables, the Scale section, plots.

Pure functions of the dict that ``run`` writes as JSON, so a saved run can be re-rendered
(``python -m benchmarks scale --from-json FILE``), alone or with runs of other sizes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.common import replace_section

HEADING = "## Scale"
ENGINES = ("kgcase-cold", "kgcase-warm", "oxigraph", "virtuoso", "kgcase-virtuoso", "rdflib")
STAGES = ("ontology", "cases", "store", "optimise", "answers")
ROW_CAP = 10000  # kgcase's max_rows and Virtuoso's ResultSetMaxRows: counts above are cut


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


RUN_KEYS = ("date", "machine", "command", "revision", "json", "took", "load_average")


def merge(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several saved runs as one (their sizes in order), each run's own details kept."""
    if len(docs) == 1:
        return docs[0]
    merged = dict(docs[0])
    merged["results"] = sorted((r for d in docs for r in d["results"]), key=lambda r: r["n"])
    merged["runs"] = [{k: d.get(k) for k in RUN_KEYS} | {"sizes": [r["n"] for r in d["results"]]}
                      for d in docs]
    engines = [e for e in ENGINES if any(e in d["settings"]["engines"] for d in docs)]
    merged["settings"] = dict(docs[0]["settings"], engines=engines)
    return merged


def _provenance(doc: dict[str, Any]) -> str:
    """Which run measured what: when, where, at which commit, by which command."""
    parts = []
    for run in doc.get("runs", [doc]):
        load = run.get("load_average") or []
        sizes = ", ".join(f"{n:,}" for n in run.get("sizes", []))
        parts.append(
            (f"N = {sizes}: " if sizes else "")
            + f"run {run['date']} on {run['machine']}, at commit {run.get('revision', '?')}, by "
            f"`{run['command']}` ({run.get('took', '?')}"
            + (f"; load average {load[0]:.1f} at the start, {load[-1]:.1f} at the end" if load
               else "") + "). Raw results: `" + (run.get("json") or "benchmarks/results/")
            + "`.")
    return "\n\n".join(parts)


def engines_of(doc: dict[str, Any]) -> list[str]:
    """The engines of the run, in the usual order."""
    chosen = doc["settings"]["engines"]
    return [e for e in ENGINES if e in chosen]


def differs(rows: list[int | None], reference: list[int | None]) -> bool:
    """Do two engines' row counts disagree on a parameter set both answered?"""
    return any(a is not None and b is not None and min(a, ROW_CAP) != min(b, ROW_CAP)
               for a, b in zip(rows, reference, strict=False))


def query_cell(result: dict[str, Any], engine: str, query: str) -> str:
    """``p50 / p99`` of one named query on one engine at one size, with what went wrong."""
    if engine in result.get("skipped", {}):
        return result["skipped"][engine]
    summary = result["queries"].get(query, {}).get(engine)
    if summary is None:
        return "–"
    run, timeouts, errors = summary["requests"], summary["timeouts"], summary["errors"]
    if timeouts == run:
        return f"timeout ({timeouts}/{run})"
    if errors == run:
        return f"error: {summary['message'][:60]}"
    cell = f"{ms(summary['p50_ms'])} / {ms(summary['p99_ms'])}"
    notes = [f"{timeouts} timeouts"] * bool(timeouts) + [f"{errors} errors"] * bool(errors)
    cell += f" ({', '.join(notes)})" if notes else ""
    reference = result["queries"][query].get("kgcase-cold")
    if engine != "kgcase-warm" and reference and differs(summary["rows"], reference["rows"]):
        cell += " †"
    return cell


def table(header: Iterable[str], rows: Iterable[Iterable[str]], numeric_from: int = 1) -> str:
    header = list(header)
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def build_table(doc: dict[str, Any]) -> str:
    header = ["N reports (+ seed)", "triples", "build total (s)",
              *(f"{s} stage (s)" for s in STAGES), "raw pyoxigraph bulk load (s)",
              "raw optimize (s)", "peak RSS (MB)", "store on disk (MB)", "Virtuoso load (s)",
              "rdflib load (s)"]
    rows = []
    for r in doc["results"]:
        b, loads, skipped = r["build"], r.get("loads", {}), r.get("skipped", {})
        load = [f"{loads[e]:.1f}" if e in loads else skipped.get(e, "–")
                for e in ("virtuoso", "rdflib")]
        rows.append([f"{r['n']:,}", f"{b['triples']:,}", f"{b['stages']['total']:.1f}",
                     *(f"{b['stages'].get(s, 0):.1f}" for s in STAGES),
                     _seconds(b["raw_bulk_load_s"]), _seconds(b.get("raw_optimise_s"), "–"),
                     f"{b['peak_rss_mb']:,}",
                     f"{b['store_mb']:,}", *load])
    return table(header, rows)


def _seconds(value: float | None, missing: str = "skipped (disk)") -> str:
    return missing if value is None else f"{value:.1f}"


def query_table(doc: dict[str, Any]) -> str:
    engines = engines_of(doc)
    names = sorted({q for r in doc["results"] for q in r["queries"]})
    rows = [[f"`{q}`", f"{r['n']:,}", non_empty(r["queries"][q].get("kgcase-cold")),
             *(query_cell(r, e, q) for e in engines)]
            for q in names for r in doc["results"] if q in r["queries"]]
    return table(["named query", "N", "answers with rows", *engines], rows, numeric_from=1)


def non_empty(summary: dict[str, Any] | None) -> str:
    """How many of kgcase-cold's answers had rows, e.g. ``3/20``."""
    if summary is None:
        return "–"
    counts = [n for n in summary["rows"] if n is not None]
    return f"{sum(n > 0 for n in counts)}/{len(counts)}"


def pages_table(doc: dict[str, Any]) -> str:
    results = [r for r in doc["results"] if r.get("pages")]
    kinds = list(dict.fromkeys(k for r in results for k in r["pages"]))
    rows = []
    for kind in kinds:
        cells = []
        for r in results:
            page = r["pages"].get(kind)
            cells.append("–" if page is None else f"{ms(page['p50_ms'])} / {ms(page['p99_ms'])}"
                         + (f" ({page['errors']} errors)" if page["errors"] else ""))
        rows.append([kind, *cells])
    return table(["page", *(f"N = {r['n']:,}" for r in results)], rows)


def lookups_table(doc: dict[str, Any]) -> str:
    rows = []
    for engine in engines_of(doc):
        cells = []
        for r in doc["results"]:
            s = r.get("lookups", {}).get(engine)
            cells.append(r.get("skipped", {}).get(engine, "–") if s is None else
                         f"{s['rate']:,.0f} req/s, p99 {ms(s['p99_ms'])} ms"
                         + (f", {s['errors']} errors" if s["errors"] else ""))
        if any(c != "–" for c in cells):
            rows.append([engine, *cells])
    return table(["engine", *(f"N = {r['n']:,}" for r in doc["results"])], rows)


def section(doc: dict[str, Any], images: dict[str, str]) -> str:
    """The "Scale" section of docs/benchmarks.md; ``images`` maps plot kind to its link."""
    s = doc["settings"]
    lines = [
        HEADING, "",
        _provenance(doc),
        "",
        "Each size N is N synthetic reports (`kgcase synth N --seed 7`) plus the seed cases of "
        "`cases/`, built by `kgcase build --no-cache` in a fresh data directory. The same data is "
        "then served by one engine at a time: kgcase (`server.py`, embedded store, "
        f"{s['workers']} workers), `oxigraph serve --union-default-graph` on a copy of the built "
        "store, Virtuoso 7.2 (`tests/remote/servers.py`, "
        + (f"`NumberOfBuffers` {s['virtuoso_buffers']:,}, "
           f"{s['virtuoso_buffers'] * 8 / 2**20:.1f} GB" if s.get("virtuoso_buffers") else
           "its test buffers") + f", {_virtuoso_loads(doc)}) and the rdflib endpoint of "
        f"`bench_service.py` (N-Quads in memory; skipped above {s['rdflib_max_triples']:,} "
        "triples). Client and servers share the machine.",
        "",
        "### Build", "", build_table(doc), "",
        f"![Build cost against N]({images['build']})", "",
        "### Named queries", "",
        f"p50 / p99 latency in ms of {s['repeat']} sequential requests per named query and "
        "engine, timed-out requests included (a series stops after two), each timed by the "
        "client from sending the request to the last byte of the answer (HTTP included, the "
        "client's parse of the answer not). *kgcase-cold*: "
        "`/api/queries/<name>` with the result cache off (`--cache-entries 0`) and different "
        "parameter values per request: the query's example first, then values drawn from the "
        "built store (e.g. the drugs that have exposures); *answers with rows* counts the "
        "requests whose answer was not empty. *kgcase-warm*: the cache on and the example "
        "repeated, after one untimed request. The other engines are sent the same parameter "
        "values in the bound query text (`bind_values`: VALUES, BIND for Virtuoso). Time limit "
        f"{s['timeout_s']:g} s per request, enforced by each server. † the row counts differ "
        f"from kgcase-cold's on the same parameters (counts above {ROW_CAP:,} compared as "
        f"{ROW_CAP:,}).", "",
        query_table(doc), "",
        f"![Named-query p50 latency against N]({images['queries']})", "",
        "### Entity pages", "",
        "Server time (`Server-Timing`) of kgcase's pages, p50 / p99 ms of "
        f"{s.get('page_rounds', s['repeat'])} sequential requests per page with the result "
        "cache off (a page kind stops after two failures); the pages are the seed case's, in a "
        "graph of N reports.", "",
        pages_table(doc), "",
        "### Concurrent lookups", "",
        f"{s['clients']} client threads for {s['seconds']:g} s, each request "
        "`SELECT ?p ?o WHERE { <patient> ?p ?o }` on `/sparql` for a random patient of the "
        "store (kgcase: cache off).", "",
        lookups_table(doc), "",
    ]
    return "\n".join(lines)


def _virtuoso_loads(doc: dict[str, Any]) -> str:
    """How Virtuoso was loaded at each size, e.g. "loaded with its bulk loader (N = 10,000)"."""
    sizes: dict[str, list[str]] = {}
    for r in doc["results"]:
        method = r.get("load_methods", {}).get("virtuoso")
        if method:
            sizes.setdefault(method, []).append(f"{r['n']:,}")
    if not sizes:
        return "loaded with `load_remote`"
    names = {"bulk loader": "its bulk loader (`ld_dir`, `rdf_loader_run`)",
             "load_remote": "`load_remote`, graph by graph"}
    return "loaded with " + " and ".join(
        f"{names.get(m, m)} (N = {', '.join(ns)})" for m, ns in sizes.items())


def write_section(path: Path, text: str) -> None:
    """Replace the Scale section of ``path`` (or append it), keeping everything else."""
    replace_section(path, HEADING, text)

def relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()
