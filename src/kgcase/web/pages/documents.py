"""RDF answers of a resource: its description, the ontology document, or a whole named graph.

A description is read as quads (``sparqltext.DESCRIPTION_QUADS``, at most
:data:`~kgcase.web.pages.rdfdoc.DESCRIPTION_ROWS`) and written by rdflib; the ontology document
and named graphs are read as N-Triples from a worker (at most
:data:`~kgcase.web.pages.rdfdoc.GRAPH_TRIPLES` for a graph) and rewritten by pyoxigraph. A cut
document says so in an ``X-KGCase-Truncated`` header and, where the syntax has comments, in a
first ``#`` line. Every answer names a file to save it as (``Content-Disposition``).
"""

from __future__ import annotations

from flask import Response

from kgcase.iris import ontology_graph_iri
from kgcase.web.negotiate import ResultFormat
from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.model import base_iri
from kgcase.web.pages.rdfdoc import (
    DESCRIPTION_ROWS,
    GRAPH_TRIPLES,
    context_body,
    description_document,
    disposition,
    reserialise,
    truncation_header,
)
from kgcase.web.pages.runner import DOCUMENT_TRIPLES, construct, iri, select_capped
from kgcase.web.resolve import EXTENSIONS


def rdf_response(target: str, fmt: ResultFormat, headers: dict[str, str], *,
                 ontology: str | None = None, graph: bool = False) -> Response:
    """``target`` as ``fmt``: a named graph whole (``graph``), the ontology document
    (``ontology``: the ontology's IRI), else the resource's description."""
    base = base_iri()
    if graph or ontology:
        limit = GRAPH_TRIPLES if graph else DOCUMENT_TRIPLES
        outcome = (construct(Q.GRAPH_DOCUMENT, "ntriples", limit, g=iri(target)) if graph else
                   construct(Q.ONTOLOGY_DOCUMENT, "ntriples", limit, onto=iri(ontology or "")))
        cut, kept = outcome.truncated, f"the first {limit} triples"
        name = target if graph else ontology_graph_iri(base=base)
        body = reserialise(outcome.body, fmt.key, base, graph=name, cut=cut, limit=limit)
    else:
        rows, cut = select_capped(Q.DESCRIPTION_QUADS, DESCRIPTION_ROWS, s=iri(target))
        kept = f"the first {DESCRIPTION_ROWS} statements"
        body = description_document(rows, fmt.key, base, cut=cut)
    headers = {**headers, "Content-Disposition": disposition(target, base, EXTENSIONS[fmt.key]),
               **truncation_header(cut, kept)}
    return Response(body, content_type=fmt.content_type, headers=headers)


def jsonld_context() -> Response:
    """``/context.jsonld``: the JSON-LD context the service's documents embed, for compacting
    other data the same way (any origin may read it: JSON-LD processors fetch contexts)."""
    return Response(context_body(base_iri()), content_type="application/ld+json; charset=utf-8",
                    headers={"Access-Control-Allow-Origin": "*",
                             "Cache-Control": "public, max-age=3600"})
