"""The OpenAPI 3 document of the HTTP API, generated from the named-query catalogue."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from kgcase.queries import NamedQuery, Param
from kgcase.web.negotiate import API_OFFERS, GRAPH_OFFERS, SELECT_OFFERS, Offers, media_types

_SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "iri"},
    "curie": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_.-]*:.+$"},
    "string": {"type": "string", "maxLength": 1000},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
}
_ERROR = {"$ref": "#/components/schemas/Error"}


def _content(offers: Offers, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {media: ({"schema": schema} if schema and media == "application/json" else {})
            for media in media_types(offers)}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"description": "error", "content": {
        "application/json": {"schema": _ERROR}, "text/plain": {}}} for code in codes}


def _parameter(param: Param) -> dict[str, Any]:
    schema = dict(_SCHEMAS[param.type])
    description = param.description or f"a {param.type}"
    if param.enum:  # a closed set: the values, and their labels in the description
        schema = {"type": "string", "enum": [value for value, _ in param.enum]}
        description += "; one of " + ", ".join(f"{v} ({label})" for v, label in param.enum)
    if param.kind:
        schema["x-kgcase-kind"] = [value for value, _ in param.kind]
        description += f"; {param.kind_text()}, or a kind of one (/api/search?kind=…)"
    if param.default is not None:
        schema["default"] = param.default
    out: dict[str, Any] = {"name": param.name, "in": "query", "schema": schema,
                           "required": param.required and param.default is None,
                           "description": description}
    if param.example is not None:
        out["example"] = param.example
    return out


def _kinds(catalogue: Sequence[NamedQuery]) -> set[str]:
    return {value for named in catalogue for p in named.params for value, _ in p.kind}


def _sparql_path() -> dict[str, Any]:
    query_param = {"name": "query", "in": "query", "schema": {"type": "string"},
                   "description": "a SPARQL 1.1 query; omit it to get the service description"}
    graphs = [{"name": n, "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
               "style": "form", "explode": True, "description": "SPARQL protocol dataset"}
              for n in ("default-graph-uri", "named-graph-uri")]
    answers = {"200": {"description": "results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE)",
                       "content": {**_content(SELECT_OFFERS), **_content(GRAPH_OFFERS)}},
               "304": {"description": "not modified (ETag)"},
               **_errors(400, 403, 406, 413, 414, 415, 503)}
    body = {"content": {
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["query"],
            "properties": {"query": {"type": "string"}}}}}}
    return {
        "get": {"summary": "SPARQL 1.1 Protocol query (or service description)",
                "operationId": "sparqlGet", "parameters": [query_param, *graphs],
                "responses": answers},
        "post": {"summary": "SPARQL 1.1 Protocol query by POST", "operationId": "sparqlPost",
                 "parameters": graphs, "requestBody": body, "responses": answers},
    }


def _paging(max_rows: int) -> list[dict[str, Any]]:
    return [
        {"name": "_limit", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": max_rows},
         "description": "page size: at most this many rows (the Link header has the next page)"},
        {"name": "_offset", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 0, "default": 0},
         "description": "skip this many rows of the ordered answer"},
    ]


def _query_path(named: NamedQuery, paging: list[dict[str, Any]]) -> dict[str, Any]:
    fmt = {"name": "_format", "in": "query", "required": False,
           "schema": {"type": "string", "enum": ["plain", "json", "csv", "tsv"]},
           "description": "overrides Accept"}
    return {"get": {
        "summary": named.title,
        "description": named.description,
        "operationId": f"query_{named.name}",
        "parameters": [*(_parameter(p) for p in named.params), fmt, *paging],
        "responses": {
            "200": {"description": "the answer as a table" + (
                        f"; each plain JSON row's 'evidence' is the URL of {named.evidence.query}"
                        f" listing {named.evidence.label}" if named.evidence else ""),
                    "content": _content(API_OFFERS, {"$ref": "#/components/schemas/Table"})},
            "304": {"description": "not modified (ETag)"},
            **_errors(400, 406, 503),
        },
    }}


def openapi_document(catalogue: Sequence[NamedQuery], server_url: str, *,
                     pageable: Collection[str] = (), max_rows: int = 10_000) -> dict[str, Any]:
    """Describe ``/sparql``, ``/api/queries`` and one path per named query.

    :param pageable: the named queries that take ``_limit`` and ``_offset``.
    """
    simple = {"description": "JSON", "content": {"application/json": {}}}
    paths: dict[str, Any] = {
        "/sparql": _sparql_path(),
        "/api/queries": {"get": {"summary": "List the named queries", "operationId": "listQueries",
                                 "responses": {"200": simple}}},
        "/api/health": {"get": {"summary": "Release served and worker pool",
                                "operationId": "health",
                                "responses": {"200": simple, **_errors(503)}}},
        "/api/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                      "responses": {"200": simple}}},
        "/api/search": {"get": {
            "summary": "Find resources: the total, a page of hits (concepts first) and the "
                       "count per type",
            "description": "Words in any order in a label, synonym (brand names included), "
                           "cross-reference id, definition or quote; British or American "
                           "spelling; a word in no label or synonym is corrected (within one "
                           "or two edits) and `corrected` says so. Answers `total`, `offset`, "
                           "`limit`, `hits` (each with `type`, `type_id`, `concept`, `context`) "
                           "and `facets` (`type`, `label`, `count` per type of the matches).",
            "operationId": "search", "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string"},
                 "description": "words of a label, synonym, brand name or quote; a CURIE, a "
                                "cross-reference id (DB06273) or an IRI"},
                {"name": "type", "in": "query", "required": False,
                 "schema": {"type": "string"},
                 "description": "only resources of this type (a facet's `type`, a CURIE or IRI)"},
                {"name": "offset", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0},
                 "description": "hits to skip (paging)"},
                {"name": "kind", "in": "query", "required": False, "style": "form",
                 "explode": True, "schema": {"type": "array", "items": {
                     "type": "string", "enum": sorted(_kinds(catalogue))}},
                 "description": "only resources of this kind (a class a parameter names)"},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 12}}],
            "responses": {"200": simple, **_errors(400)}}},
    }
    for named in catalogue:
        paging = _paging(max_rows) if named.name in pageable else []
        paths[f"/api/queries/{named.name}"] = _query_path(named, paging)
    return {
        "openapi": "3.0.3",
        "info": {"title": "kgcase SPARQL service", "version": "1",
                 "description": "Named questions and a SPARQL 1.1 endpoint over the kgcase "
                                "knowledge graph. See docs/sparql.md."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["ok", "error", "status"], "properties": {
                "ok": {"type": "boolean", "enum": [False]}, "error": {"type": "string"},
                "status": {"type": "integer"}}},
            "Table": {"type": "object", "properties": {
                "ok": {"type": "boolean"}, "query": {"type": "string"},
                "columns": {"type": "array", "items": {"type": "string"}},
                "rows": {"type": "array", "items": {
                    "type": "object", "description": "one row: its columns by name, and for a "
                    "query whose header declares evidence, 'evidence'",
                    "properties": {"evidence": {
                        "type": "string", "format": "uri", "nullable": True,
                        "description": "the API URL of the detail query that lists what this "
                                       "row counts, with their sources (plain JSON only)"}}}},
                "truncated": {"type": "boolean"},
                "limit": {"type": "integer"}, "offset": {"type": "integer"},
                "next": {"type": "string", "format": "uri", "nullable": True}}},
        }},
    }
