"""Dereferencing: request path <-> resource IRI, format suffixes, and the formats a resource offers.

Pure functions and data, tested on their own (``tests/live/test_pages_conneg.py`` over HTTP and
the doctests here). The pattern (see ``docs/pages.md``): a resource IRI under the ``base_iri``
setting is served **at its own path**, with content negotiation and ``Vary: Accept``; no 303.
``<base>case/x/patient/p1`` is ``/case/x/patient/p1``; a suffix names one representation
(``/case/x/patient/p1.ttl``); an IRI outside the base is served at ``/resource?iri=<IRI>``
(``/resource.ttl?iri=…`` for one representation).

>>> iri_for_path("/case/c1/patient/p1", "https://w3id.org/kgcase/")
'https://w3id.org/kgcase/case/c1/patient/p1'
>>> href_for("https://w3id.org/kgcase/case/c1/patient/p1", "https://w3id.org/kgcase/")
'/case/c1/patient/p1'
>>> href_for("http://purl.obolibrary.org/obo/HP_0100778", "https://w3id.org/kgcase/")
'/resource?iri=http%3A%2F%2Fpurl.obolibrary.org%2Fobo%2FHP_0100778'
>>> split_suffix("/case/c1/patient/p1.ttl")
('/case/c1/patient/p1', 'turtle')
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from kgcase.config import ConfigError
from kgcase.web.negotiate import (
    GRAPH_OFFERS,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDFXML,
    TRIG,
    TURTLE,
    Offers,
    ResultFormat,
)

HTML = ResultFormat("html", "text/html")
#: The page's data as plain JSON (Datasette's "add .json"): labels resolved, sections included.
PAGE_JSON = ResultFormat("page-json", "application/json")

#: Suffix -> representation. ``.json`` is the page's JSON twin; ``.jsonld`` the RDF as JSON-LD.
SUFFIXES: dict[str, ResultFormat] = {
    ".ttl": TURTLE,
    ".nt": NTRIPLES,
    ".rdf": RDFXML,
    ".jsonld": JSONLD,
    ".nq": NQUADS,
    ".trig": TRIG,
    ".json": PAGE_JSON,
    ".html": HTML,
}
EXTENSIONS: dict[str, str] = {fmt.key: suffix for suffix, fmt in SUFFIXES.items()}
RDF_FORMATS = (TURTLE, NTRIPLES, RDFXML, JSONLD, NQUADS, TRIG)
#: The quad syntaxes: each statement with the named graph holding it.
QUAD_OFFERS: Offers = (
    (NQUADS.media_type, NQUADS),
    (TRIG.media_type, TRIG),
    ("application/x-trig", TRIG),
)

#: What a resource offers to ``Accept``; ties (``*/*``) go to the first: the page.
RESOURCE_OFFERS: Offers = (
    (HTML.media_type, HTML),
    ("application/xhtml+xml", HTML),
    *GRAPH_OFFERS,
    *QUAD_OFFERS,
)

#: The ontology document: an OWL file first (Protégé, curl), the page only when HTML is asked for.
#: Not ``application/owl+xml``: that is OWL/XML, which the service cannot write (406 instead).
ONTOLOGY_OFFERS: Offers = (
    (RDFXML.media_type, RDFXML),
    ("application/xml", RDFXML),
    ("text/xml", RDFXML),
    *RESOURCE_OFFERS,
)

#: A named graph's IRI (``<base>graph/case/<id>``): the whole graph, TriG first (no page).
NAMED_GRAPH_OFFERS: Offers = (
    (TRIG.media_type, TRIG),
    (NQUADS.media_type, NQUADS),
    ("application/x-trig", TRIG),
    *GRAPH_OFFERS,
)

#: First path segments the service's own routes use: IRIs there are served at /resource?iri=.
RESERVED = frozenset({"", "api", "sparql", "static", "resource", "editor", "queries", "search",
                      "context.jsonld"})
#: Characters kept as they are when a decoded request path is turned back into an IRI.
_IRI_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_BASE = re.compile(r"^https?://[^\s<>\"{}|\\^`/?#]+/([^\s<>\"{}|\\^`?#]*/)?$")


def check_base(base: str) -> str:
    """Validate the ``base_iri`` setting: an absolute http(s) IRI ending in ``/``.

    >>> check_base("https://example.org/kg/")
    'https://example.org/kg/'
    """
    if not _BASE.match(base):
        raise ConfigError(
            f"setting 'base_iri': {base!r} must be an absolute http(s) IRI ending in '/' "
            "(for example https://w3id.org/kgcase/)"
        )
    return base


def iri_for_path(path: str, base: str) -> str:
    """The IRI a request path names: ``<base>`` + the path without its leading slash."""
    return base + quote(path.lstrip("/"), safe=_IRI_PATH_SAFE)


def split_suffix(path: str) -> tuple[str, str | None]:
    """Split a known format suffix off a path: ``('/x/p1', 'turtle')`` or ``(path, None)``."""
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix) and len(path) > len(suffix) + 1:
            return path[: -len(suffix)], fmt.key
    return path, None


def is_local(iri: str, base: str) -> bool:
    """Whether ``iri`` is served at its own path (under the base, outside the reserved names)."""
    if not iri.startswith(base):
        return False
    rest = iri[len(base):]
    return bool(rest) and "?" not in rest and "#" not in rest and \
        rest.split("/", 1)[0] not in RESERVED and not rest.startswith("/")


def href_for(iri: str, base: str, fmt: str | None = None) -> str:
    """The service URL of the page (or, with ``fmt``, one representation) of ``iri``."""
    ext = EXTENSIONS[fmt] if fmt else ""
    if is_local(iri, base):
        return "/" + iri[len(base):] + ext
    return f"/resource{ext}?" + urlencode({"iri": iri}, quote_via=quote, safe="")


def format_of(key: str) -> ResultFormat:
    """The representation with key ``key`` (``turtle``, ``html``, ``page-json`` …)."""
    for fmt in SUFFIXES.values():
        if fmt.key == key:
            return fmt
    raise KeyError(key)


def alternates(iri: str, base: str, *, ontology: bool = False, graph: bool = False
               ) -> list[tuple[str, ResultFormat]]:
    """``(href, format)`` of every representation of ``iri``, for ``Link`` headers and pages."""
    formats = [HTML, *RDF_FORMATS, PAGE_JSON]
    if ontology:
        formats = [RDFXML, HTML, TURTLE, NTRIPLES, JSONLD, NQUADS, TRIG, PAGE_JSON]
    if graph:
        formats = [TRIG, NQUADS, TURTLE, NTRIPLES, RDFXML, JSONLD]
    return [(href_for(iri, base, fmt.key), fmt) for fmt in formats]


def link_header(iri: str, base: str, *, ontology: bool = False, graph: bool = False) -> str:
    """The ``Link`` header: ``rel="alternate"`` for each representation."""
    return ", ".join(f'<{href}>; rel="alternate"; type="{fmt.media_type}"'
                     for href, fmt in alternates(iri, base, ontology=ontology, graph=graph))
