"""Absolute URLs of the service, built from the setting ``public_url``, never from the request.

The Host header is the client's to choose: an absolute URL built from it (``url_for(...,
_external=True)``, ``request.host_url``) lets a request plant another site's address in the
links, redirects and descriptions the service hands out (and in any cache in front of it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import url_for

from kgcase.config import ConfigError, Settings
from kgcase.web.service import get_service


def check_public_url(value: str) -> None:
    """Refuse a ``public_url`` that is not an absolute http(s) URL without query or fragment.

    :raises ConfigError: it is not.
    """
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment or value.endswith(("?", "#")):
        raise ConfigError(f"setting 'public_url': {value!r} is not an http(s) URL such as "
                          "https://example.org or https://example.org/kgcase (no query)")


def public_base(settings: Settings) -> str:
    """The service's own URL, without a trailing slash."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}"


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` (as ``url_for`` takes it) under ``public_url``."""
    return public_base(get_service().settings) + url_for(endpoint, **values)
