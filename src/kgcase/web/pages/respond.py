"""How pages answer: templated HTML with security headers, JSON twins, ETags, HTML errors."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Response, current_app, json, render_template, request
from werkzeug.exceptions import HTTPException

from kgcase.errors import KgcaseError
from kgcase.web.errors import render_error
from kgcase.web.negotiate import parse_accept
from kgcase.web.pages.model import to_json
from kgcase.web.service import get_service

#: Scripts and styles come only from this origin: no inline script can run, whatever the data.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
       "frame-ancestors 'none'")
#: The same with inline *styles* allowed, for the pages of components that set ``style``
#: attributes (the YASGUI editor, Swagger UI); scripts stay ``'self'`` only.
INLINE_STYLE_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
#: Where the per-process part of page ETags is kept (app.extensions).
ETAG_SALT = "kgcase_pages_etag_salt"


def security_headers(response: Response) -> Response:
    """Add the headers every page carries."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def html(template: str, *, status: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> Response:
    """Render ``template`` (autoescaped) as an HTML response."""
    body = render_template(template, **context)
    response = Response(body, status=status, mimetype="text/html", headers=headers)
    return security_headers(response)


def json_twin(data: Any, *, status: int = 200, headers: dict[str, str] | None = None
              ) -> Response:
    """The JSON twin of a page: the data the template was given."""
    body = json.dumps({"ok": True, **to_json(data)}, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json", headers=headers)


def etag(*parts: str) -> str:
    """A weak ETag for a page of the current release, changed when the server restarts."""
    release = get_service().watcher.current()
    salt = current_app.extensions.setdefault(ETAG_SALT, secrets.token_hex(6))
    digest = hashlib.sha256("\x00".join((salt, *parts)).encode()).hexdigest()[:20]
    return f'W/"{release.id.replace(chr(34), "")}-{digest}"'


def not_modified(tag: str) -> bool:
    """Whether the client's ``If-None-Match`` already holds ``tag``."""
    given = request.headers.get("If-None-Match")
    if not given:
        return False
    tags = {t.strip().removeprefix("W/") for t in given.split(",")}
    return "*" in tags or tag.removeprefix("W/") in tags


def wants_html() -> bool:
    """Whether the client asks for HTML by name (browsers do; curl's ``*/*`` and APIs do not)."""
    if request.path.startswith("/api"):
        return False
    named = [r for r in parse_accept(request.headers.get("Accept"))
             if (r.type, r.subtype) in (("text", "html"), ("application", "xhtml+xml"))]
    return any(r.q > 0 for r in named)


_HINTS = {
    404: "Check the address, or search for the resource by its label.",
    400: "Check the value you entered; the message says what is expected.",
    406: "Ask for one of the formats listed (Accept header or a suffix such as .ttl).",
    503: "The service has no graph to serve yet, or it is busy: build one or retry shortly.",
}


def handle_error(exc: Exception) -> Response:
    """Errors raised by a page: an HTML page for browsers, else the service's usual shapes."""
    if isinstance(exc, KgcaseError):
        status, message, headers = exc.status, str(exc), None
    elif isinstance(exc, HTTPException):
        status, message = exc.code or 500, exc.description or exc.name
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    else:  # pragma: no cover - only the two families are registered
        raise exc
    if not wants_html():
        return render_error(message, status, headers)
    response = html("error.html", status=status, headers=headers, code=status, message=message,
                    hint=_HINTS.get(status, ""))
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response
