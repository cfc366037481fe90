"""Blueprint: named queries under ``/api`` — the catalogue, one URL per query, OpenAPI, health.

``GET /api/queries/<name>?<param>=…`` runs ``queries/<name>.rq`` with its parameters validated by
type and bound by the engine (never pasted into the text); a value outside a parameter's
``enum``, or not of its ``kind``, is a 400 naming what is allowed. Answers are a plain JSON table by
default (``{"ok": true, "query", "columns", "rows", "truncated"}``), SPARQL JSON with
``Accept: application/sparql-results+json``, CSV or TSV (``Accept`` or ``_format=csv``).

``_limit`` and ``_offset`` page a SELECT that has an ``ORDER BY`` (every query of ``queries/``):
the API appends ``LIMIT`` (one row more than asked, to tell whether a next page exists) and
``OFFSET`` to the text, and links the next page (``Link: <…>; rel="next"``, and ``next`` in the
plain JSON).

A query whose header declares ``evidence`` gives each plain JSON row an ``"evidence"`` URL: the
detail query's API URL (absolute, under ``public_url``) with the row's values as its parameters.
SPARQL JSON, CSV and TSV rows are the query's columns only.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from kgcase.answers.plan import answer_request
from kgcase.errors import QueryFileError, QueryParameterError, quoted
from kgcase.queries import NamedQuery, evidence_args, load_catalogue, whole_number
from kgcase.store.sparql_json import plain_value
from kgcase.web.auth import is_admin
from kgcase.web.errors import (
    NotAcceptableError,
    QueryRefusedError,
    QuerySyntaxError,
    UnknownQueryError,
)
from kgcase.web.gate import CheckedQuery, check_query
from kgcase.web.kinds import check_kinds
from kgcase.web.negotiate import API_OFFERS, ResultFormat, choose_format, format_by_key, media_types
from kgcase.web.openapi import openapi_document
from kgcase.web.service import Plan, get_service, to_response
from kgcase.web.urls import external_url, public_base
from kgcase.web.worker import Outcome

bp = Blueprint("api", __name__, url_prefix="/api")

CATALOGUE = "kgcase_catalogue"
FORMAT_PARAM = "_format"  # parameter names are snake_case from a letter: this never collides
LIMIT_PARAM, OFFSET_PARAM = "_limit", "_offset"
CONTROLS = (FORMAT_PARAM, LIMIT_PARAM, OFFSET_PARAM)
#: What /api/health shows only to a request with the admin token: the workers' process ids.
PRIVATE_HEALTH = frozenset({"pids"})


@dataclass(frozen=True)
class ServedQuery:
    """A named query and what the safety gate found in it at start-up."""

    named: NamedQuery
    checked: CheckedQuery


def load_served_queries(directory: Path, allowed: frozenset[str]) -> dict[str, ServedQuery]:
    """Load and check every ``*.rq``; a broken file stops start-up with its path (and line).

    :raises QueryFileError: a header, parameter or query that cannot be served.
    """
    catalogue = load_catalogue(directory) if directory.is_dir() else {}
    served = {}
    for name, named in catalogue.items():
        try:
            checked = check_query(named.sparql, allowed)
        except (QuerySyntaxError, QueryRefusedError) as exc:
            raise QueryFileError(f"{named.path}: {exc}") from None
        served[name] = ServedQuery(named, checked)
    return served


@dataclass(frozen=True)
class Page:
    """``_limit`` rows from row ``_offset`` (0-based) of an ordered answer."""

    limit: int
    offset: int

    def clause(self) -> str:
        """The solution modifiers to append (integers only: nothing user-typed as text)."""
        return f"\nLIMIT {self.limit + 1}\nOFFSET {self.offset}\n"


def requested_page(name: str, served: ServedQuery, args: Any, max_rows: int) -> Page | None:
    """The page asked for by ``_limit`` / ``_offset``, or ``None`` for the whole answer.

    :raises QueryParameterError: not whole numbers in range, or a query that cannot be paged.
    """
    if LIMIT_PARAM not in args and OFFSET_PARAM not in args:
        return None
    if not served.checked.pageable:
        raise QueryParameterError(
            f"{name} cannot be paged: only a SELECT with ORDER BY and no LIMIT or OFFSET of its "
            f"own can; leave out {LIMIT_PARAM} and {OFFSET_PARAM}")
    limit = whole_number(LIMIT_PARAM, args.get(LIMIT_PARAM, str(max_rows)), 1, max_rows)
    offset = whole_number(OFFSET_PARAM, args.get(OFFSET_PARAM, "0"), 0, 10**12)
    return Page(limit, offset)


def get_catalogue() -> dict[str, ServedQuery]:
    """The named queries of the running app."""
    return current_app.extensions[CATALOGUE]


def table(outcome: Outcome) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and plain rows of a SPARQL JSON outcome (an ASK answers one ``boolean`` column)."""
    if outcome.plain is not None:  # read from the build's tables with its plain rows
        return list(outcome.columns), json.loads(outcome.plain)
    doc = json.loads(outcome.body)
    if "boolean" in doc:
        return ["boolean"], [{"boolean": doc["boolean"]}]
    columns = doc["head"]["vars"]
    rows = [{k: plain_value(v) for k, v in b.items()} for b in doc["results"]["bindings"]]
    return columns, rows


def evidence_linker(named: NamedQuery, given: dict[str, str]
                    ) -> Callable[[dict[str, Any]], str | None] | None:
    """A row's absolute ``evidence`` URL for ``named`` run with ``given``, if it declares one."""
    ev = named.evidence
    served = get_catalogue().get(ev.query) if ev else None
    if ev is None or served is None:
        return None
    defaults = {p.name: p.default for p in named.params}

    def link(row: dict[str, Any]) -> str | None:
        args = evidence_args(served.named, ev, row, given, defaults)
        return None if args is None else external_url("api.run_named_query", name=ev.query,
                                                      **args)
    return link


def render(name: str, outcome: Outcome, fmt: ResultFormat, page: Page | None = None,
           next_url: str | None = None,
           evidence: Callable[[dict[str, Any]], str | None] | None = None) -> bytes:
    """Serialise an outcome as the API format ``fmt`` (a page says where it is; ``evidence``
    gives a plain JSON row its evidence URL)."""
    if fmt.key == "json":
        return outcome.body
    head: dict[str, Any] = {"truncated": outcome.truncated and page is None}
    if page is not None:
        head.update(limit=page.limit, offset=page.offset, next=next_url)
    if fmt.key == "plain" and outcome.plain is not None and evidence is None:
        # rows kept as plain JSON: join them
        start = json.dumps({"ok": True, "query": name, "columns": list(outcome.columns)},
                           ensure_ascii=False)[:-1]
        rest = json.dumps(head, ensure_ascii=False)[1:]
        return b"".join((f'{start}, "rows": '.encode(), outcome.plain, f", {rest}".encode()))
    columns, rows = table(outcome)
    if fmt.key == "plain":
        if evidence is not None:
            rows = [{**row, "evidence": evidence(row)} for row in rows]
        doc: dict[str, Any] = {"ok": True, "query": name, "columns": columns, "rows": rows,
                               **head}
        return json.dumps(doc, ensure_ascii=False).encode()
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if fmt.key == "csv" else "\t", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([["" if r.get(c) is None else r[c] for c in columns] for r in rows])
    return out.getvalue().encode()


@bp.get("/queries")
def list_queries() -> Response:
    """The catalogue: every named query with its parameters and URL."""
    queries = [
        {**s.named.as_dict(), "form": s.checked.form,
         "url": external_url("api.run_named_query", name=name)}
        for name, s in sorted(get_catalogue().items())
    ]
    return jsonify({"ok": True, "queries": queries})


@bp.get("/queries/<name>")
def run_named_query(name: str) -> Response:
    """Run one named query with the request's parameters."""
    served = get_catalogue().get(name)
    if served is None:
        known = ", ".join(sorted(get_catalogue())) or "none"
        raise UnknownQueryError(f"no named query {quoted(name)}; available: {known}")
    repeated = sorted({k for k in request.args if len(request.args.getlist(k)) > 1})
    if repeated:
        raise QueryParameterError("parameter(s) given more than once: "
                                  + ", ".join(quoted(k, 40) for k in repeated[:5]))
    key = request.args.get(FORMAT_PARAM)
    fmt = format_by_key(key, API_OFFERS) if key else choose_format(
        request.headers.get("Accept"), API_OFFERS)
    if fmt is None:
        raise NotAcceptableError(f"available formats: {', '.join(media_types(API_OFFERS))}")
    given = {k: v for k, v in request.args.items() if k not in CONTROLS}
    bindings = served.named.bind(given)
    check_kinds(served.named, bindings, given)
    service = get_service()
    page = requested_page(name, served, request.args, service.settings.max_rows)
    plan = Plan(sparql=served.named.sparql + (page.clause() if page else ""),
                checked=served.checked, select_fmt="json", graph_fmt="json",
                bindings=tuple(sorted(bindings.items())), values_binding=True,
                representation=fmt.key, max_rows=page.limit if page else None,
                answer=answer_request(served.named, bindings, page.offset if page else 0))
    answer = service.answer(plan, if_none_match=request.headers.get("If-None-Match"))
    next_url = None
    if page and answer.outcome and answer.outcome.truncated:  # the extra row was there
        args = {**request.args.to_dict(), OFFSET_PARAM: page.offset + page.limit,
                LIMIT_PARAM: page.limit}
        next_url = external_url("api.run_named_query", name=name, **args)
    body = None
    if answer.outcome and fmt.key != "json":  # SPARQL JSON is the outcome's own body
        # evidence URLs may carry the request's own parameters: they are part of the key
        shown = sorted(given.items()) if served.named.evidence else None
        body = service.rendered(answer, json.dumps([name, fmt.key, next_url, shown]),
                                lambda outcome: render(name, outcome, fmt, page, next_url,
                                                       evidence_linker(served.named, given)))
    response = to_response(answer, fmt.content_type, body)
    if page:  # a page is never "truncated": the rest is on the next one
        for header in ("X-KGCase-Truncated", "X-KGCase-Row-Limit"):
            response.headers.remove(header)
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of the whole HTTP API, generated from the catalogue."""
    named = [s.named for _, s in sorted(get_catalogue().items())]
    pageable = {name for name, s in get_catalogue().items() if s.checked.pageable}
    settings = get_service().settings
    return jsonify(openapi_document(named, public_base(settings), pageable=pageable,
                                    max_rows=settings.max_rows))


@bp.get("/health")
def health() -> Response:
    """Liveness, the release served and the worker pools' counts (their pids for the admin)."""
    service = get_service()
    release = service.watcher.current()
    workers = service.status()
    if not is_admin(service.settings.admin_token):
        workers = {name: {k: v for k, v in pool.items() if k not in PRIVATE_HEALTH}
                   if isinstance(pool, dict) else pool for name, pool in workers.items()}
    return jsonify({"ok": True, "release": release.id, "workers": workers,
                    "queries": len(get_catalogue())})
