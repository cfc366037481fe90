"""Blueprint: browsable, evidence-first pages for every resource, and their machine twins.

The routing table is here; each page family lives in its own module:

========================================  =================================================
``/``                                     home: what is in the graph, search, named queries
``/search?q=``, ``/api/search?q=``        search page; JSON: total, facets, paging (``search.py``)
``/api/docs``                             the API console (Swagger UI on the OpenAPI document)
``/api/complete``, ``/api/label(s)``     the workbench's completion, hover, labels (``complete.py``)
``/api/sections/<name>.csv?iri=``         a page's section as CSV or JSON (``sectiondata.py``)
``/queries/<name>``                       a named query as a form, results as a table
``/editor``                               the SPARQL workbench (YASGUI), and a no-JS form
``/resource?iri=`` (``/resource.ttl?…``)  any IRI, content-negotiated (``entity.py``)
``/<path>`` (``/<path>.ttl`` …)           the resource ``<base_iri><path>`` (``entity.py``)
========================================  =================================================

Request paths whose first segment is one of the service's own (``api``, ``sparql``, ``static``
…) never reach the resource route (see ``resolve.RESERVED``).
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, Response, g
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter

from kgcase.errors import KgcaseError
from kgcase.iris import ONTOLOGY_IRI
from kgcase.web.pages import (
    complete,
    console,
    documents,
    entity,
    home,
    search,
    sectiondata,
    sources,
    tree,
    units,
)
from kgcase.web.pages.contents import answer_first, contents
from kgcase.web.pages.model import base_iri
from kgcase.web.pages.respond import handle_error
from kgcase.web.resolve import RESERVED, check_base, href_for

bp = Blueprint("pages", __name__)


class ResourcePathConverter(PathConverter):
    """A path whose first segment is not one of the service's own routes."""

    _names = "|".join(sorted(re.escape(name) for name in RESERVED if name))
    regex = rf"(?!(?:{_names})(?:/|\.|$))[^/].*?"


def _setup(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["resource_path"] = ResourcePathConverter
    check_base(state.app.extensions["kgcase"].settings.base_iri)


def _start_timer() -> None:
    g.kgcase_started = time.perf_counter()


def _server_timing(response: Response) -> Response:
    """``Server-Timing: app;dur=…``: what the page cost the server (benchmarks read it)."""
    started = g.get("kgcase_started")
    if started is not None:
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.2f}"
    return response


def _template_globals() -> dict[str, Any]:
    base = base_iri()
    return {"href": lambda iri, fmt=None: href_for(iri, base, fmt), "ontology_iri": ONTOLOGY_IRI,
            "more_query": home.more_query, "predicate_query": home.predicate_query,
            "answer_first": answer_first, "contents": contents}


bp.record_once(_setup)
units.register(bp)
bp.context_processor(_template_globals)
bp.before_request(_start_timer)
bp.after_request(_server_timing)
bp.add_url_rule("/", "home", home.home)
bp.add_url_rule("/search", "search", search.search_page)
bp.add_url_rule("/api/search", "search_api", search.search_api)
bp.add_url_rule("/api/docs", "api_docs", console.api_docs)
bp.add_url_rule("/api/complete", "complete_api", complete.complete_api)
bp.add_url_rule("/api/label", "label_api", complete.label_api)
bp.add_url_rule("/api/sections/<name>.<fmt>", "section_data", sectiondata.section_data)
bp.add_url_rule("/api/labels", "labels_api", complete.labels_api)
bp.add_url_rule("/queries/<name>", "named_query", home.named_query_page)
bp.add_url_rule("/editor", "editor", home.editor_page)
bp.add_url_rule("/context.jsonld", "jsonld_context", documents.jsonld_context)
bp.add_url_rule("/case/<case_id>/table/<name>", "source_table", sources.table_page)
bp.add_url_rule("/case/<case_id>/text", "reading", sources.reading_page)
bp.add_url_rule("/api/tree", "tree_api", tree.tree_api)
bp.add_url_rule("/resource", "resource", entity.resource_by_iri)
bp.add_url_rule("/resource.<ext>", "resource_format", entity.resource_by_iri)
bp.add_url_rule("/<resource_path:path>", "resource_at_path", entity.resource_at_path)
bp.register_error_handler(KgcaseError, handle_error)
bp.register_error_handler(HTTPException, handle_error)

__all__ = ["bp"]
