"""HTTP-level errors of the service and the one place that renders every error.

``/api/*`` answers errors as JSON (``{"ok": false, "error": "...", "status": N}``, built by
:func:`error_body`); ``/sparql*`` answers them as ``text/plain``, as the SPARQL protocol does.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from kgcase.errors import KgcaseError


class QuerySyntaxError(KgcaseError):
    """The request holds no query, two queries, or a query that does not parse."""


class QueryRefusedError(KgcaseError):
    """A well-formed request the service will not run: an update, a SERVICE call off the list."""

    status = 403


class NotAcceptableError(KgcaseError):
    """No format the answer can take matches the Accept header."""

    status = 406


class UnsupportedMediaTypeError(KgcaseError):
    """A POST body of a type the endpoint does not read."""

    status = 415


class UriTooLongError(KgcaseError):
    """A GET query string longer than the ``max_url_bytes`` setting."""

    status = 414


class UnknownQueryError(KgcaseError):
    """A named query that the catalogue does not hold."""

    status = 404


class QueryTimeoutError(KgcaseError):
    """A query stopped (its worker killed) because it ran past the time limit."""

    status = 503


class ServiceBusyError(KgcaseError):
    """Every worker stayed busy for the whole time limit, or a worker died."""

    status = 503


class QueryTooLargeError(KgcaseError):
    """A query whose answer or working memory is past the service's limits: asking again will
    not help, so this is the client's error (422), not a 503."""

    status = 422


class TooManyRequestsError(KgcaseError):
    """A client that already runs as many ad-hoc queries as one client may (429)."""

    status = 429


class UnauthorizedError(KgcaseError):
    """A missing or wrong admin token on the update endpoint."""

    status = 401


class QueryFailedError(KgcaseError):
    """The engine failed on a query it had accepted (a bug or a resource problem)."""

    status = 500


def error_body(message: str, status: int) -> dict[str, Any]:
    """The JSON body of every API error."""
    return {"ok": False, "error": message, "status": status}


def render_error(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """Render an error as JSON under ``/api`` and as ``text/plain`` elsewhere."""
    if request.path.startswith("/api"):
        body = json.dumps(error_body(message, status))
        mimetype = "application/json"
    else:
        body, mimetype = message + "\n", "text/plain"
    response = Response(body, status=status, mimetype=mimetype, headers=headers)
    if status in (429, 503):
        response.headers["Retry-After"] = "1" if status == 429 else "5"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kgcase update"'
    return response


def handle_kgcase_error(exc: KgcaseError) -> Response:
    """Error handler for the ``KgcaseError`` family (each subclass carries its status)."""
    return render_error(str(exc), exc.status)


def handle_http_error(exc: HTTPException) -> Response:
    """Error handler for werkzeug's HTTP errors (404, 405, 413 …): same two representations."""
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    return render_error(exc.description or exc.name, exc.code or 500, headers)
