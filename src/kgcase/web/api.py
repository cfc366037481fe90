"""Blueprint: named queries under ``/api`` — the catalogue, one URL per query, OpenAPI, health.

``GET /api/queries/<name>?<param>=…`` runs ``queries/<name>.rq`` with its parameters validated by
type and bound by the engine (never pasted into the text). Answers are a plain JSON table by
default (``{"ok": true, "query", "columns", "rows", "truncated"}``), SPARQL JSON with
``Accept: application/sparql-results+json``, CSV or TSV (``Accept`` or ``_format=csv``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from kgcase.errors import QueryFileError, QueryParameterError
from kgcase.queries import NamedQuery, load_catalogue
from kgcase.web.errors import (
    NotAcceptableError,
    QueryRefusedError,
    QuerySyntaxError,
    UnknownQueryError,
)
from kgcase.web.gate import CheckedQuery, check_query
from kgcase.web.negotiate import API_OFFERS, ResultFormat, choose_format, format_by_key, media_types
from kgcase.web.openapi import openapi_document
from kgcase.web.service import Plan, get_service, to_response
from kgcase.web.worker import Outcome

bp = Blueprint("api", __name__, url_prefix="/api")

CATALOGUE = "kgcase_catalogue"
FORMAT_PARAM = "_format"  # parameter names are snake_case from a letter: this never collides
XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {XSD + "integer": int, XSD + "int": int, XSD + "long": int,
            XSD + "decimal": Decimal, XSD + "double": float, XSD + "float": float}


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


def get_catalogue() -> dict[str, ServedQuery]:
    """The named queries of the running app."""
    return current_app.extensions[CATALOGUE]


def plain_value(binding: dict[str, Any]) -> Any:
    """A SPARQL JSON binding as a plain value: IRIs and strings as str, numbers as numbers."""
    if binding["type"] == "bnode":
        return "_:" + binding["value"]
    if binding["type"] == "triple":
        return {k: plain_value(v) for k, v in binding["value"].items()}
    datatype = binding.get("datatype")
    if datatype == XSD + "boolean":
        return binding["value"] in ("true", "1")
    try:
        number = _NUMBERS[datatype](binding["value"]) if datatype in _NUMBERS else None
    except ValueError:
        number = None
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number)
    return binding["value"] if number is None else number


def table(outcome: Outcome) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and plain rows of a SPARQL JSON outcome (an ASK answers one ``boolean`` column)."""
    doc = json.loads(outcome.body)
    if "boolean" in doc:
        return ["boolean"], [{"boolean": doc["boolean"]}]
    columns = doc["head"]["vars"]
    rows = [{k: plain_value(v) for k, v in b.items()} for b in doc["results"]["bindings"]]
    return columns, rows


def render(name: str, outcome: Outcome, fmt: ResultFormat) -> bytes:
    """Serialise an outcome as the API format ``fmt``."""
    if fmt.key == "json":
        return outcome.body
    columns, rows = table(outcome)
    if fmt.key == "plain":
        doc = {"ok": True, "query": name, "columns": columns, "rows": rows,
               "truncated": outcome.truncated}
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
         "url": url_for("api.run_named_query", name=name, _external=True)}
        for name, s in sorted(get_catalogue().items())
    ]
    return jsonify({"ok": True, "queries": queries})


@bp.get("/queries/<name>")
def run_named_query(name: str) -> Response:
    """Run one named query with the request's parameters."""
    served = get_catalogue().get(name)
    if served is None:
        known = ", ".join(sorted(get_catalogue())) or "none"
        raise UnknownQueryError(f"no named query {name!r}; available: {known}")
    repeated = sorted({k for k in request.args if len(request.args.getlist(k)) > 1})
    if repeated:
        raise QueryParameterError(f"parameter(s) given more than once: {', '.join(repeated)}")
    key = request.args.get(FORMAT_PARAM)
    fmt = format_by_key(key, API_OFFERS) if key else choose_format(
        request.headers.get("Accept"), API_OFFERS)
    if fmt is None:
        raise NotAcceptableError(f"available formats: {', '.join(media_types(API_OFFERS))}")
    given = {k: v for k, v in request.args.items() if k != FORMAT_PARAM}
    bindings = served.named.bind(given)
    plan = Plan(sparql=served.named.sparql, checked=served.checked, select_fmt="json",
                graph_fmt="json",
                bindings=tuple(sorted(bindings.items())), values_binding=True,
                representation=fmt.key)
    answer = get_service().answer(plan, if_none_match=request.headers.get("If-None-Match"))
    body = render(name, answer.outcome, fmt) if answer.outcome else None
    return to_response(answer, fmt.content_type, body)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of the whole HTTP API, generated from the catalogue."""
    named = [s.named for _, s in sorted(get_catalogue().items())]
    return jsonify(openapi_document(named, request.host_url.rstrip("/")))


@bp.get("/health")
def health() -> Response:
    """Liveness, the release served and the worker pool (pids, kills)."""
    service = get_service()
    release = service.watcher.current()
    return jsonify({"ok": True, "release": release.id, "workers": service.pool.status(),
                    "queries": len(get_catalogue())})
