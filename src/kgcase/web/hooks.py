"""Request hooks every route shares: the body-size cap, CORS headers (incl. preflight), the
security headers of every answer, and redirects under ``public_url``."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from kgcase.web.service import get_service
from kgcase.web.urls import public_base

#: Headers a browser client (YASGUI, notebooks in a page) may read on a cross-origin answer.
EXPOSED_HEADERS = ("ETag, X-KGCase-Release, X-KGCase-Truncated, X-KGCase-Truncated-By, "
                   "X-KGCase-Row-Limit, X-KGCase-Byte-Limit")
ALLOWED_HEADERS = "Accept, Authorization, Content-Type, If-None-Match"
#: What an answer that is not a page (JSON, text, RDF) may load or be framed by: nothing. Pages
#: carry their own policy (``pages.respond.CSP``), which allows their own scripts and styles.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"


def check_body_size() -> None:
    """Refuse a body larger than ``max_body_bytes`` before anything reads it (413)."""
    limit = get_service().settings.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(
            f"the request body is {request.content_length} bytes; the limit is {limit} "
            "(setting max_body_bytes)"
        )


def add_cors_headers(response: Response) -> Response:
    """Allow cross-origin reads (setting ``cors_origin``); answer preflight requests."""
    origin = get_service().settings.cors_origin
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "86400"
        if origin != "*":
            response.vary.add("Origin")
    return response


def add_security_headers(response: Response) -> Response:
    """``nosniff`` and ``no-referrer`` on every answer; no loads or framing for a non-page.

    A header a page set itself (its CSP, its referrer policy) is kept.
    """
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype != "text/html":
        response.headers.setdefault("Content-Security-Policy", DATA_CSP)
    return response


def pin_redirects(response: Response) -> Response:
    """Move every absolute ``Location`` under ``public_url``: the service redirects only to itself.

    werkzeug builds the redirects of its router (``//api//health`` -> ``/api/health``) from
    the request's Host header; the address a client typed in that header must not come back.
    """
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        base = public_base(get_service().settings)
        if parts.netloc and not location.startswith(base + "/"):
            path = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
            response.headers["Location"] = base + path
    return response
