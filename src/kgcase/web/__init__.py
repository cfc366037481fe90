"""The web service: ``create_app(config)`` wires settings, services, blueprints and error handlers.

No routes and no logic live here. Query workers start on first use (or :func:`start_workers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from kgcase.config import Settings, load_settings
from kgcase.errors import KgcaseError
from kgcase.web import api, hooks, pages, sparql, update
from kgcase.web.errors import handle_http_error, handle_kgcase_error
from kgcase.web.service import EXTENSION, QueryService
from kgcase.web.urls import check_public_url


def create_app(config: Mapping[str, Any] | Settings | None = None) -> Flask:
    """Build the Flask app. ``config`` is a Settings, or a mapping layered over file and env.

    :raises QueryFileError: a named query that cannot be served (file and line in the message).
    """
    settings = config if isinstance(config, Settings) else load_settings(config)
    check_public_url(settings.public_url)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[api.CATALOGUE] = api.load_served_queries(
        Path(settings.queries_dir), settings.allowed_services
    )
    app.extensions[EXTENSION] = QueryService(settings)
    app.before_request(hooks.check_body_size)
    app.after_request(hooks.add_cors_headers)
    app.after_request(hooks.add_security_headers)
    app.after_request(hooks.pin_redirects)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    if settings.admin_token:
        app.register_blueprint(update.bp)
    app.register_error_handler(KgcaseError, handle_kgcase_error)
    app.register_error_handler(HTTPException, handle_http_error)
    return app


def start_workers(app: Flask) -> None:
    """Start the query worker processes now rather than on the first query."""
    app.extensions[EXTENSION].start()


def stop_workers(app: Flask) -> None:
    """Stop the query worker processes."""
    app.extensions[EXTENSION].close()


__all__ = ["create_app", "start_workers", "stop_workers"]
