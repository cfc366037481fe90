"""Request hooks every route shares: the body-size cap and CORS headers (incl. preflight)."""

from __future__ import annotations

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from kgcase.web.service import get_service

#: Headers a browser client (YASGUI, notebooks in a page) may read on a cross-origin answer.
EXPOSED_HEADERS = "ETag, X-KGCase-Release, X-KGCase-Truncated, X-KGCase-Row-Limit"
ALLOWED_HEADERS = "Accept, Authorization, Content-Type, If-None-Match"


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
