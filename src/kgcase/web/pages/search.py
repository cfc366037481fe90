"""Search: ``/api/search`` (autocomplete, the forms' pickers, paging and facets) and the
``/search`` page, on the release's search index (:mod:`kgcase.web.searchindex`).

A release without an index (a remote store, or a release written by other tools) is searched
by SPARQL over labels and synonyms instead (:mod:`kgcase.web.pages.storesearch`): its first
:data:`~kgcase.web.pages.storesearch.STORE_LIMIT` hits, without facets.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from flask import Response, jsonify, request

from kgcase.errors import QueryParameterError, quoted
from kgcase.iris import compress_iri, expand_curie
from kgcase.queries import check_controls, whole_number
from kgcase.web.api import get_catalogue
from kgcase.web.kinds import catalogue_kinds
from kgcase.web.pages.model import ref
from kgcase.web.pages.respond import html
from kgcase.web.pages.storesearch import STORE_LIMIT, store_search
from kgcase.web.searchindex import Facet, SearchIndex
from kgcase.web.service import get_service

#: The longest query text taken (longer text is cut).
MAX_QUERY_CHARS = 200
#: The most hits one request gives (``limit``), and the furthest ``offset``.
SEARCH_LIMIT = 50
MAX_OFFSET = 100_000
#: Hits per page of ``/search``.
PAGE_SIZE = 20


@dataclass
class Hit:
    iri: str
    label: str
    href: str
    curie: str | None
    matched: str
    match: str
    #: The name of the resource's most specific type ("table cell", "class" …).
    type: str | None
    #: That type's CURIE (or IRI): the value of ``type=`` that keeps only this type.
    type_id: str | None = None
    concept: bool = False
    context: str | None = None


@dataclass
class Results:
    q: str
    total: int
    offset: int
    limit: int
    type: str | None
    hits: list[Hit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    #: Mistyped words and the words searched in their place.
    corrected: dict[str, list[str]] = field(default_factory=dict)
    #: Whether the index answered (else the store: no facets, at most STORE_LIMIT hits).
    indexed: bool = True


def index() -> SearchIndex | None:
    """The search index of the release served now (``None``: the store is searched)."""
    service = get_service()
    return service.search.get(service.watcher.current())


def search(text: str, *, offset: int = 0, limit: int = 12, type_: str | None = None,
           kinds: tuple[str, ...] = ()) -> Results:
    """Resources matching ``text`` in a label, synonym, identifier, definition or quote, concepts
    first; with ``kinds`` (class CURIEs a query header names), only classes of one of them; with
    ``type_`` (a type's CURIE or IRI, as the facets give it), only resources of that type."""
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    results = Results(text, 0, offset, limit, type_)
    if not text:
        return results
    found_index = index()
    try:
        if found_index is not None:
            return _indexed(found_index, results, kinds)
    except sqlite3.Error:  # an unreadable index: search the store instead
        results = Results(text, 0, offset, limit, type_)
    hits = store_search(text, limit=STORE_LIMIT, kinds=kinds)
    results.total, results.indexed = len(hits), False
    results.hits = [Hit(**asdict(h)) for h in hits[offset:offset + limit]]
    return results


def _indexed(found_index: SearchIndex, results: Results, kinds: tuple[str, ...]) -> Results:
    """``results`` filled from the search index."""
    chosen = None
    if results.type:
        chosen = found_index.type_of(results.type)
        if chosen is None:
            raise QueryParameterError(
                f"type={quoted(results.type, 60)}: no resource has this type; give a type's "
                "CURIE or IRI as the facets of a search list them (their 'type'), or leave "
                "type out")
    full_kinds = tuple(expand_curie(k) for k in kinds)
    found = found_index.search(results.q, offset=results.offset, limit=results.limit,
                               type_=chosen, kinds=full_kinds)
    results.total, results.facets, results.corrected = found.total, found.facets, found.corrected
    for h in found.hits:
        target = ref(h.iri, h.label)
        type_id = (compress_iri(h.type) or h.type) if h.type else None
        results.hits.append(Hit(h.iri, target.label, target.href, target.curie, h.matched,
                                h.match, h.type_label, type_id, h.concept, h.context))
    return results


def _arguments() -> tuple[str, int, int, str | None, tuple[str, ...]]:
    """``q``, ``offset``, ``limit``, ``type`` and ``kind`` of the request, checked."""
    text = request.args.get("q", "")
    check_controls("q", text)
    offset = whole_number("offset", request.args.get("offset", "0"), 0, MAX_OFFSET)
    limit = whole_number("limit", request.args.get("limit", "12"), 1, SEARCH_LIMIT)
    type_ = request.args.get("type") or None
    if type_ is not None:
        check_controls("type", type_)
    known = catalogue_kinds(p for s in get_catalogue().values() for p in s.named.params)
    kinds = tuple(dict.fromkeys(request.args.getlist("kind")))
    unknown = [k for k in kinds if k not in known]
    if unknown:
        raise QueryParameterError(
            f"kind={quoted(unknown[0], 60)}: not a kind the named queries take; one of "
            + ", ".join(f"{c} ({label})" for c, label in sorted(known.items())))
    return text, offset, limit, type_, kinds


def search_api() -> Response:
    """``/api/search?q=…&offset=&limit=&type=&kind=``: ``total`` resources match, ``hits`` from
    ``offset`` (at most ``limit``), ``facets`` counting the matches per type."""
    text, offset, limit, type_, kinds = _arguments()
    results = search(text, offset=offset, limit=limit, type_=type_, kinds=kinds)
    return jsonify({"ok": True, **asdict(results)})


def search_page() -> Response:
    """``/search?q=…&type=&offset=``: the same search as a page (works without JavaScript), with
    the total, the type facets as links and paging."""
    text = request.args.get("q", "")
    check_controls("q", text)
    offset = whole_number("offset", request.args.get("offset", "0"), 0, MAX_OFFSET)
    type_ = request.args.get("type") or None
    results = search(text, offset=offset, limit=PAGE_SIZE, type_=type_) if text.strip() else None

    def link(**changes: str | int | None) -> str:
        args = {"q": text, "type": type_, "offset": offset or None, **changes}
        return "/search?" + urlencode({k: v for k, v in args.items() if v})

    return html("search.html", q=text, search_text=text, results=results, link=link,
                page_size=PAGE_SIZE)
