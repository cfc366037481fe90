"""Readable RDF documents: prefixes, the JSON-LD context, and the serialisers.

An entity's description is small (at most :data:`DESCRIPTION_ROWS` statements): rdflib writes
it, with ``@prefix`` lines for the namespaces it uses, blank nodes nested as ``[ … ]``, and
compact JSON-LD under the service's context. Whole graphs and the ontology document are large:
pyoxigraph writes them (streaming, with the same prefixes, blank nodes flat).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context as JsonLdContext
from rdflib.term import Node as RdfNode

from kgcase.iris import PREFIXES as CURIE_PREFIXES
from kgcase.vocab import IAO_DEFINITION, TERMS
from kgcase.web.pages.runner import XSD, Node, Row

#: Prefixes the editor page lists (the service never adds them to a query by itself), and
#: the RDF documents use.
EDITOR_PREFIXES = [
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"), ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"), ("kg", "https://w3id.org/kgcase/"),
    ("obo", "http://purl.obolibrary.org/obo/"),
    ("oboInOwl", "http://www.geneontology.org/formats/oboInOwl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"), ("dcterms", "http://purl.org/dc/terms/"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
]

#: Most statements of an entity's description (beyond, the document says it is cut).
DESCRIPTION_ROWS = 20_000
#: Most triples of a whole named graph served as one document.
GRAPH_TRIPLES = 200_000

#: rdflib's name for each syntax key of ``negotiate``.
_RDFLIB = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "pretty-xml", "jsonld": "json-ld",
           "nquads": "nquads", "trig": "trig"}
_OX = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
       "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD,
       "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
QUAD_KEYS = frozenset({"nquads", "trig"})
#: Syntaxes where a ``#`` line may say that the document was cut.
_COMMENTS = frozenset({"turtle", "ntriples", "nquads", "trig"})
#: Common terms of the JSON-LD context besides the kgcase properties (vocab.TERMS).
_COMMON_TERMS = {"label": "http://www.w3.org/2000/01/rdf-schema#label",
                 "comment": "http://www.w3.org/2000/01/rdf-schema#comment",
                 "definition": str(IAO_DEFINITION),
                 "subClassOf": "http://www.w3.org/2000/01/rdf-schema#subClassOf",
                 "seeAlso": "http://www.w3.org/2000/01/rdf-schema#seeAlso"}


def namespaces(base: str) -> dict[str, str]:
    """Prefix -> namespace: the editor's (``kg:`` is the service's base) and the non-OBO
    CURIE prefixes of case files (OBO terms are ``obo:HP_…``, as in the editor)."""
    out = {name: (base if name == "kg" else ns) for name, ns in EDITOR_PREFIXES}
    out["xsd"] = XSD
    out |= {name: ns for name, ns in CURIE_PREFIXES.items()
            if not ns.startswith(("http://purl.obolibrary.org/", base))}
    return out


def context(base: str) -> dict[str, Any]:
    """The JSON-LD context: the prefixes, then a term for each kgcase property and a few common
    ones, each mapped to its full IRI (no type coercion, so any value compacts losslessly)."""
    terms: dict[str, Any] = dict(namespaces(base))
    terms |= {name: {"@id": iri} for name, iri in _COMMON_TERMS.items()}
    terms |= {name: {"@id": str(iri)} for name, (iri, kind, _label) in TERMS.items()
              if kind in ("object", "data", "annotation") and name not in terms}
    return {"@context": terms}


def _term(node: Node) -> RdfNode:
    if node.is_iri:
        return URIRef(node.value)
    if node.is_blank:
        return BNode(node.value)
    datatype = None if node.lang or node.datatype in (None, XSD + "string") else node.datatype
    return Literal(node.value, lang=node.lang, datatype=datatype, normalize=False)


def description_document(rows: list[Row], fmt: str, base: str, *, cut: bool) -> bytes:
    """Rows of ``sparqltext.DESCRIPTION_QUADS`` (``?x ?xp ?xo`` in ``?g``) as one document:
    quads for N-Quads and TriG, their triples (once each) otherwise."""
    dataset = Dataset(default_union=True)
    for row in rows:
        graph = dataset.graph(URIRef(row["g"].value))
        graph.add((_term(row["x"]), _term(row["xp"]), _term(row["xo"])))
    if fmt in QUAD_KEYS:
        target: Graph = dataset
    else:
        target = Graph(bind_namespaces="core")
        for triple in dataset.triples((None, None, None)):
            target.add(triple)
    _bind(target, base)
    if fmt == "jsonld":
        return json.dumps(_compact(target, base), indent=2, ensure_ascii=False).encode()
    body_bytes = target.serialize(format=_RDFLIB[fmt], encoding="utf-8")
    return _notice(body_bytes, fmt, cut, f"the first {DESCRIPTION_ROWS} statements")


def _compact(graph: Graph, base: str) -> dict[str, Any]:
    """Compact JSON-LD under the context, embedded. rdflib's serializer writes numbers and
    booleans as JSON values once a context is active, which loses their lexical form (``2.50``,
    ``1.0E0``): its converter is run here with typed values kept as ``@value``/``@type``."""
    terms = context(base)["@context"]
    converter = Converter(JsonLdContext(terms), use_native_types=False, use_rdf_type=False)
    converter.use_native_types = False
    result = converter.convert(graph)
    if isinstance(result, list):
        result = {"@graph": result}
    return {"@context": terms, **result}


def _bind(graph: Graph, base: str) -> None:
    """Bind the prefixes (rdflib writes ``@prefix`` lines only for those a document uses)."""
    for name, ns in namespaces(base).items():
        graph.namespace_manager.bind(name, ns, override=True, replace=True)


def reserialise(ntriples: bytes, fmt: str, base: str, *, graph: str | None, cut: bool,
                limit: int) -> bytes:
    """A large document (N-Triples from the worker) in ``fmt`` by pyoxigraph: with the
    prefixes, and for N-Quads and TriG every triple in named graph ``graph``."""
    if fmt == "ntriples" and not cut:
        return ntriples
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    items: Iterable[Any] = triples
    if fmt in QUAD_KEYS:
        name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        items = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    prefixes = namespaces(base) if fmt in ("turtle", "trig", "rdfxml") else None
    body = ox.serialize(items, format=_OX[fmt], prefixes=prefixes) or b""
    return _notice(body, fmt, cut, f"the first {limit} triples")


def _notice(body: bytes, fmt: str, cut: bool, kept: str) -> bytes:
    if not cut or fmt not in _COMMENTS:
        return body
    line = f"# This document is cut: it holds only {kept}. Query /sparql for the rest.\n"
    return line.encode() + body


def truncation_header(cut: bool, kept: str) -> dict[str, str]:
    """The header saying a document was cut (every syntax, JSON-LD and RDF/XML included)."""
    return {"X-KGCase-Truncated": f"only {kept}; query /sparql for the rest"} if cut else {}


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def filename(iri: str, base: str, extension: str) -> str:
    """A download name after the resource: its path under the base, else the IRI's last segment.

    >>> filename("https://w3id.org/kgcase/case/c1/patient/p1", "https://w3id.org/kgcase/", ".ttl")
    'case-c1-patient-p1.ttl'
    >>> filename("http://purl.obolibrary.org/obo/HP_0100778", "https://w3id.org/kgcase/", ".nq")
    'HP_0100778.nq'
    """
    rest = iri[len(base):] if iri.startswith(base) else re.split(r"[/#]", iri.rstrip("/#"))[-1]
    stem = _UNSAFE.sub("-", rest.replace("/", "-")).strip("-.") or "resource"
    return stem[:120] + extension


def disposition(iri: str, base: str, extension: str) -> str:
    """``Content-Disposition`` of an RDF answer: shown inline, saved under :func:`filename`."""
    return f'inline; filename="{filename(iri, base, extension)}"'


def context_body(base: str) -> bytes:
    """The published context document, as ``/context.jsonld`` serves it."""
    return json.dumps(context(base), indent=2, ensure_ascii=False).encode()
