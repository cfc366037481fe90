"""Timed requests: sequential named queries with a time limit, entity pages, concurrent lookups.

A request ends ``ok``, ``timeout`` (the server's time limit or the client's, which is a little
longer) or ``error``; timed-out requests stay in the series with their elapsed time, and a series
stops early after ``MAX_TIMEOUTS`` of them.

A request's time is to the last byte of its answer, as every engine is timed: the clock stops
once ``requests`` has read the body, before the answer is parsed (a Python client takes ~75 ms
to parse the 6 MB of a 10 000-row JSON answer, which is the client's work, not the engine's).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from benchmarks import bench_pages, bench_service
from benchmarks.scale.engines import Target
from kgcase.queries import NamedQuery
from kgcase.store.remote import bind_values

RESULTS_JSON = {"Accept": "application/sparql-results+json"}
CLIENT_GRACE_S = 10.0
MAX_TIMEOUTS = 2
#: Page kinds timed through kgcase: one path each (``bench_pages.PAGES``) of the seed case.
PAGE_KINDS = ("home", "drug", "class", "finding or test", "value", "patient", "case report",
              "measurement")


@dataclass
class Series:
    """Sequential requests of one named query on one engine."""

    ms: list[float] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    rows: list[int | None] = field(default_factory=list)
    message: str = ""

    def summary(self, distinct: int) -> dict[str, Any]:
        """The JSON record: percentiles over every request run, timed-out ones included."""
        return {"requests": len(self.ms), "timeouts": self.outcomes.count("timeout"),
                "errors": self.outcomes.count("error"),
                "p50_ms": percentile(self.ms, 50), "p99_ms": percentile(self.ms, 99),
                "rows": self.rows, "distinct_params": distinct, "message": self.message}


def percentile(values: list[float], p: float) -> float | None:
    return round(bench_pages.Timing.pct(values, p), 2) if values else None


def request_args(target: Target, query: NamedQuery, values: dict[str, str]) -> dict[str, Any]:
    """``requests`` arguments of one named query: by name on kgcase, else the bound text."""
    if target.api:
        return {"method": "GET", "url": f"{target.base}/api/queries/{query.name}",
                "params": values}
    text = bind_values(query.sparql, query.bind(values), as_bind=target.as_bind)
    return {"method": "POST", "url": target.sparql_url, "headers": RESULTS_JSON,
            "data": {"query": text, **dict(target.form)}}


def classify(response: requests.Response) -> tuple[str, int | None, str]:
    """``(outcome, rows, message)`` of an answer from any of the engines."""
    if response.headers.get("X-SQL-State") == "S1TAT":  # Virtuoso's anytime answer
        return "timeout", None, response.headers.get("X-SQL-Message", "")[:200]
    if response.status_code == 200:
        try:
            doc = json.loads(response.content)  # bytes: no guessing of a charset
        except ValueError:  # oxigraph streams a cancelled query's error after a 200
            body = response.content.decode("utf-8", errors="replace")
            timed_out = "cancelled" in body[-300:] or "timeout" in body[-300:].lower()
            return ("timeout" if timed_out else "error"), None, body[-200:].strip()
        rows = doc["rows"] if "rows" in doc else doc.get("results", {}).get("bindings", [])
        return "ok", len(rows), ""
    body = response.content.decode("utf-8", errors="replace")
    lowered = body.lower()
    timed_out = response.status_code == 503 or "timeout" in lowered or "time limit" in lowered
    return ("timeout" if timed_out else "error"), None, f"HTTP {response.status_code}: " + (
        body[:200].strip())


def run_series(session: requests.Session, target: Target, query: NamedQuery,
               values: list[dict[str, str]], timeout_s: float) -> Series:
    """One request per parameter set, in order, until ``MAX_TIMEOUTS`` time out."""
    series = Series()
    for params in values:
        args = request_args(target, query, params)
        failed: tuple[str, int | None, str] | None = None
        started = time.perf_counter()
        try:
            response = session.request(**args, timeout=timeout_s + CLIENT_GRACE_S)
        except requests.Timeout:
            failed = "timeout", None, "client time limit"
        except requests.RequestException as exc:
            failed = "error", None, str(exc)[:200]
        series.ms.append((time.perf_counter() - started) * 1000)  # the body is read by now
        outcome, rows, message = failed or classify(response)
        series.outcomes.append(outcome)
        series.rows.append(rows)
        series.message = series.message or message
        if series.outcomes.count("timeout") >= MAX_TIMEOUTS:
            break
    return series


def pages(base: str, rounds: int) -> dict[str, dict[str, Any]]:
    """Server time (``Server-Timing``) of up to ``rounds`` sequential requests per page kind;
    a kind stops after ``MAX_TIMEOUTS`` failed requests (their client time is kept)."""
    out = {}
    with requests.Session() as session:
        for kind in PAGE_KINDS:
            path, headers = next(v for k, v in bench_pages.PAGES.items()
                                 if k.split(" (")[0] == kind)
            server: list[float] = []
            failed = 0
            while len(server) < rounds and failed < MAX_TIMEOUTS:
                started = time.perf_counter()
                try:
                    took, _client, ok = bench_pages.timed(session, base + path, headers)
                except requests.RequestException:
                    took, ok = (time.perf_counter() - started) * 1000, False
                server.append(took)
                failed += not ok
            out[kind] = {"path": path, "requests": len(server), "errors": failed,
                         "p50_ms": percentile(server, 50), "p99_ms": percentile(server, 99)}
    return out


def lookups(target: Target, patients: list[str], clients: int,
            seconds: float) -> dict[str, Any]:
    """``clients`` threads sending ``SELECT ?p ?o WHERE { <patient> ?p ?o }`` to /sparql."""
    def make(rng: Any) -> bench_service.Request:
        query = f"SELECT ?p ?o WHERE {{ <{rng.choice(patients)}> ?p ?o }}"
        return target.sparql_path, {"query": query}

    stats = bench_service.load(target.base, make, clients, seconds, headers=RESULTS_JSON)
    return {"rate": round(stats.rate, 1), "p50_ms": round(stats.p50_ms, 2),
            "p99_ms": round(stats.p99_ms, 2), "requests": stats.requests, "errors": stats.errors}
