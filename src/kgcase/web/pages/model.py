"""What a page shows, as plain dataclasses: rendered by a template, or as the page's JSON twin.

A :class:`Ref` is a linked resource with its label (never a raw IRI when a label exists), CURIE
and the service URL of its page; a :class:`Value` is one object of a statement, marked inferred
when only the reasoner's graph holds it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kgcase.iris import PREFIXES as CURIE_PREFIXES
from kgcase.iris import compress_iri, inferred_graph_iri
from kgcase.web.pages.runner import Node
from kgcase.web.resolve import href_for
from kgcase.web.service import get_service

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OIO = "http://www.geneontology.org/formats/oboInOwl#"

#: Display prefixes beyond the CURIE prefixes of case files (W3C and annotation vocabularies).
DISPLAY_PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "prov": PROV, "skos": SKOS,
    "dcterms": DCTERMS, "oboInOwl": OIO, "atc": "http://www.whocc.no/atc_ddd_index/?code=",
}

#: Labels of the W3C terms the graph uses but does not label itself.
BUILTIN_LABELS = {
    RDF + "type": "type", RDF + "first": "first", RDF + "rest": "rest",
    RDFS + "label": "label", RDFS + "comment": "comment", RDFS + "subClassOf": "subclass of",
    RDFS + "subPropertyOf": "subproperty of", RDFS + "domain": "domain", RDFS + "range": "range",
    RDFS + "seeAlso": "see also", RDFS + "isDefinedBy": "is defined by",
    RDFS + "Datatype": "datatype", RDFS + "Class": "RDFS class",
    OWL + "Class": "OWL class", OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "data property", OWL + "AnnotationProperty": "annotation property",
    OWL + "NamedIndividual": "named individual", OWL + "Ontology": "ontology",
    OWL + "Restriction": "restriction", OWL + "Axiom": "axiom",
    OWL + "FunctionalProperty": "functional property",
    OWL + "SymmetricProperty": "symmetric property",
    OWL + "TransitiveProperty": "transitive property",
    OWL + "AllDisjointClasses": "pairwise disjoint classes", OWL + "AllDifferent": "all different",
    OWL + "equivalentClass": "equivalent to", OWL + "disjointWith": "disjoint with",
    OWL + "inverseOf": "inverse of", OWL + "propertyChainAxiom": "property chain",
    OWL + "versionIRI": "version IRI", OWL + "imports": "imports", OWL + "deprecated": "deprecated",
    OWL + "sameAs": "same as", OWL + "equivalentProperty": "equivalent property",
    OWL + "versionInfo": "version info", OWL + "Thing": "thing",
    OWL + "someValuesFrom": "some values from", OWL + "allValuesFrom": "all values from",
    OWL + "hasValue": "has value", OWL + "onProperty": "on property", OWL + "onClass": "on class",
    OWL + "intersectionOf": "intersection of", OWL + "unionOf": "union of",
    OWL + "complementOf": "complement of", OWL + "oneOf": "one of", OWL + "members": "members",
    OWL + "distinctMembers": "distinct members", OWL + "onDatatype": "on datatype",
    OWL + "withRestrictions": "with restrictions", OWL + "annotatedProperty": "annotated property",
    RDFS + "Literal": "literal", XSD + "decimal": "decimal", XSD + "integer": "integer",
    XSD + "string": "string", XSD + "boolean": "boolean", XSD + "date": "date",
}


@dataclass
class Ref:
    """A linked resource: label, CURIE, the URL of its page, and for mappings the source URL."""

    iri: str
    label: str
    href: str
    curie: str | None = None
    labelled: bool = True
    external: str | None = None


@dataclass
class Part:
    """One token of a class expression: ``kw`` (some, and …), ``ref``, ``text`` or ``punct``."""

    kind: str
    text: str = ""
    ref: Ref | None = None


@dataclass
class Value:
    """One object of a statement: a resource, a literal or a class expression."""

    ref: Ref | None = None
    text: str | None = None
    datatype: str | None = None
    lang: str | None = None
    expression: list[Part] | None = None
    inferred: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Property:
    """A predicate and its values on this resource."""

    predicate: Ref
    values: list[Value]


def base_iri() -> str:
    """The ``base_iri`` setting of the running app."""
    return get_service().settings.base_iri


def inferred_graph() -> str:
    """The IRI of the reasoner's named graph (minted under ``base_iri``, as a build does)."""
    return inferred_graph_iri(base=base_iri())


@lru_cache(maxsize=65536)
def curie_of(iri: str) -> str | None:
    """A CURIE for ``iri`` (case-file prefixes first, then the display prefixes)."""
    curie = compress_iri(iri)
    if curie:
        return curie
    for prefix, ns in DISPLAY_PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return None


def ref(iri: str, label: str | None = None) -> Ref:
    """A :class:`Ref` to ``iri``; without a label, a built-in one, else its CURIE, else the IRI."""
    curie = curie_of(iri)
    shown = label or BUILTIN_LABELS.get(iri)
    return Ref(iri=iri, label=shown or curie or iri, href=_href(iri, base_iri()),
               curie=curie, labelled=bool(shown))


@lru_cache(maxsize=65536)
def _href(iri: str, base: str) -> str:
    return href_for(iri, base)


def node_ref(node: Node, label: Node | None = None) -> Ref:
    """A :class:`Ref` for an IRI node and its (optional) label node."""
    return ref(node.value, label.value if label else None)


def short_datatype(datatype: str | None) -> str | None:
    """``decimal`` for ``xsd:decimal``; ``None`` for plain strings and language strings."""
    if not datatype or datatype in (XSD + "string", RDF + "langString"):
        return None
    return curie_of(datatype) or datatype


def literal(node: Node, *, inferred: bool = False) -> Value:
    """A literal as a :class:`Value`."""
    return Value(text=node.value, datatype=short_datatype(node.datatype), lang=node.lang,
                 inferred=inferred)


def first_labels(rows: list[dict[str, Node]], key: str, label: str) -> dict[str, str]:
    """``{iri: label}`` from rows holding an IRI under ``key`` and its label under ``label``;
    an English or untagged label wins over others."""
    out: dict[str, tuple[int, str]] = {}
    for row in rows:
        node, text = row.get(key), row.get(label)
        if node is None or text is None:
            continue
        rank = 0 if text.lang in (None, "", "en") else 1
        if node.value not in out or rank < out[node.value][0]:
            out[node.value] = (rank, text.value)
    return {k: v for k, (_, v) in out.items()}


def external_url(iri: str) -> str | None:
    """Where a mapping target lives outside the service (its own resolvable IRI)."""
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def to_json(obj: Any) -> Any:
    """A dataclass tree as JSON-ready data (for the ``.json`` twin of a page)."""
    if obj is None or isinstance(obj, str | int | float):
        return obj
    names = _FIELDS.get(type(obj))
    if names is None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELDS[type(obj)] = tuple(f.name for f in dataclasses.fields(obj)
                                           if not f.name.startswith("_"))
    if names is not None:
        return {name: to_json(getattr(obj, name)) for name in names}
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_json(v) for v in obj]
    return obj


_FIELDS: dict[type, tuple[str, ...]] = {}


__all__ = ["CURIE_PREFIXES", "Part", "Property", "Ref", "Value"]
