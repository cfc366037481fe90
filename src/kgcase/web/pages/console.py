"""``/api/docs``: the API console, Swagger UI reading ``/api/openapi.json``.

Swagger UI (the npm package ``swagger-ui-dist``, installed by ``make vendor`` and served from
the service's own origin) sets inline ``style`` attributes, so this page alone allows inline
styles; scripts stay ``'self'`` only: the page's one script is ``static/api-console.js``.
"""

from __future__ import annotations

from flask import Response

from kgcase.web.pages.respond import INLINE_STYLE_CSP, html

#: The pages' policy with inline styles allowed (Swagger UI's), and nothing else relaxed.
CONSOLE_CSP = INLINE_STYLE_CSP
SWAGGER = "vendor/node_modules/swagger-ui-dist/"


def api_docs() -> Response:
    """The console: every named query, its typed parameters, "Try it out" against this server."""
    return html("api_docs.html", swagger=SWAGGER,
                headers={"Content-Security-Policy": CONSOLE_CSP})
