"""Describe any resource: label, types, definition, synonyms, mappings, grouped properties,
incoming links with counts, the class view (parents, children, axioms, inferred) and evidence.

:func:`describe` runs two queries side by side for the statements, incoming links and use as a
predicate, and only when needed one for blank-node structure and axiom annotations, one for
class-expression usages and one for evidence. Everything it returns is a dataclass the template
renders or the JSON twin dumps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kgcase.vocab import IAO_DEFINITION, K
from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.evidence import Evidence, evidence, xref
from kgcase.web.pages.manchester import ExpressionRenderer, chain, is_expression_type
from kgcase.web.pages.model import (
    DCTERMS,
    OIO,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    Part,
    Property,
    Ref,
    Value,
    external_url,
    first_labels,
    inferred_graph,
    literal,
    ref,
)
from kgcase.web.pages.runner import Node, Row, iri, select_all, stored_counts
from kgcase.web.pages.units import time_key

MAPPINGS = [SKOS + m for m in ("exactMatch", "closeMatch", "narrowMatch", "broadMatch",
                               "relatedMatch")] + [OIO + "hasDbXref"]
CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty"}
CLAIM_LINKS = {str(K.claimSubject), str(K.claimObject), str(K.approvedDrug),
               str(K.approvedIndication), str(K.hypothesisConcerns)}
_SHOWN_APART = {RDF + "type", RDFS + "label", str(IAO_DEFINITION), RDFS + "comment",
                *Q.SYNONYM_SCOPES, *MAPPINGS}
_CLASS_AXIOMS = {RDFS + "subClassOf", OWL + "equivalentClass"}
_PROVENANCE = {str(K.describedIn), RDFS + "isDefinedBy"}


@dataclass
class Synonym:
    text: str
    scope: str
    notes: list[Ref] = field(default_factory=list)


@dataclass
class Incoming:
    predicate: Ref
    count: int
    subjects: list[Value]
    in_expressions: int = 0


@dataclass
class Usage:
    root: Ref
    relation: str
    expression: list[Part]


@dataclass
class ClassView:
    parents: list[Value]
    axioms: list[tuple[str, Value]]
    children: list[Value]
    instances: list[Value]
    instance_count: int


@dataclass
class Entity:
    iri: str
    label: str
    curie: str | None
    labelled: bool
    types: list[Value]
    definitions: list[Value]
    synonyms: list[Synonym]
    comments: list[Value]
    mappings: list[Property]
    groups: list[tuple[str, list[Property]]]
    incoming: list[Incoming]
    kinds: list[str]
    evidence: list[Evidence] = field(default_factory=list)
    usages: list[Usage] = field(default_factory=list)
    klass: ClassView | None = None
    inferred_count: int = 0
    usage_count: int = 0
    sections: dict[str, Any] = field(default_factory=dict)


def _group(predicate: str) -> str:
    if predicate.startswith(PROV) or predicate in _PROVENANCE:
        return "Provenance"
    if predicate.startswith(OWL) or predicate in (RDFS + "domain", RDFS + "range",
                                                  RDFS + "subPropertyOf"):
        return "Axioms"
    if predicate.startswith((DCTERMS, OIO, RDFS)) or predicate == OWL + "versionIRI":
        return "Annotations"
    return "Facts"


def _order(v: Value) -> tuple[bool, list[object], str]:
    """Asserted before inferred, then by label (numbers in natural order: M0, M6, M12); equal
    labels by IRI, not in the store's order (which differs between backends, and only the first
    dozen incoming links are shown)."""
    label = (v.ref.label if v.ref else v.text) or ""
    return v.inferred, time_key(label, fold=False), v.ref.iri if v.ref else ""


def _order_lower(v: Value) -> tuple[bool, list[object], str]:
    """:func:`_order` with labels compared case-insensitively."""
    return v.inferred, time_key(v.ref.label if v.ref else ""), v.ref.iri if v.ref else ""


class _Builder:
    """Turns the rows of one resource into an :class:`Entity`."""

    def __init__(self, subject: str, rows: list[Row]) -> None:
        self.subject = subject
        self.inferred = inferred_graph()
        self.out: dict[tuple[str, Node], set[str]] = defaultdict(set)
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, nb, asserted
        self.incoming: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.usage = 0
        for row in rows:
            if row["dir"].value == "used":
                self.usage = int(row["n"].value)
                continue
            p, g = row["p"].value, row["g"].value
            if row["dir"].value == "out":
                self.out[(p, row["o"])].add(g)
            elif row["dir"].value == "count":
                c = self.counts[p]
                c[0] += int(row["n"].value)
                c[1] += int(row["nb"].value)
                c[2] += int(row["n"].value) if g != self.inferred else 0
            else:
                self.incoming[p][row["o"].value].add(g)
        self.labels = first_labels(rows, "o", "ol") | first_labels(rows, "p", "pl")
        self.triples: dict[str, list[tuple[str, Node]]] = defaultdict(list)
        self.notes: dict[tuple[str, str], list[Ref]] = defaultdict(list)
        self.renderer = ExpressionRenderer(self.triples, self.ref)

    def ref(self, value: str) -> Ref:
        return ref(value, self.labels.get(value))

    def add_structure(self, rows: list[Row]) -> None:
        """Blank-node triples (expressions) and axiom annotations (notes on statements)."""
        self.labels |= first_labels(rows, "o", "ol")
        axioms: dict[str, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if row["part"].value == "expr":
                self.triples[row["b"].value].append((row["p"].value, row["o"]))
            else:
                axioms[row["b"].value][row["p"].value].append(row["o"])
        for axiom in axioms.values():
            prop, target = axiom.get(OWL + "annotatedProperty"), axiom.get(OWL + "annotatedTarget")
            if not prop or not target:
                continue
            for xref_node in axiom.get(OIO + "hasDbXref", []) + axiom.get(RDFS + "comment", []):
                self.notes[(prop[0].value, target[0].value)].append(xref(xref_node.value))

    def value(self, predicate: str, obj: Node, graphs: set[str]) -> Value:
        inferred = graphs == {self.inferred}
        notes = self.notes.get((predicate, obj.value), [])
        if obj.is_iri:
            return Value(ref=self.ref(obj.value), inferred=inferred, notes=notes)
        if obj.is_blank:
            parts = (chain(self.renderer, obj) if predicate == OWL + "propertyChainAxiom"
                     else self.renderer.render(obj))
            return Value(expression=parts, inferred=inferred, notes=notes)
        out = literal(obj, inferred=inferred)
        out.notes = notes
        return out

    def values(self, predicate: str) -> list[Value]:
        found = [self.value(p, o, g) for (p, o), g in self.out.items() if p == predicate]
        return sorted(found, key=_order)

    def entity(self) -> Entity:
        label_values = self.values(RDFS + "label") or self.values(DCTERMS + "title")
        label = next((v.text for v in label_values if v.lang in (None, "en")), None) or (
            label_values[0].text if label_values else None)
        me = ref(self.subject, label)
        types = [v for v in self.values(RDF + "type") if v.ref]
        type_iris = {v.ref.iri for v in types if v.ref}
        predicates = sorted({p for p, _ in self.out if p not in _SHOWN_APART},
                            key=lambda p: self.ref(p).label.lower())
        is_class = bool(type_iris & CLASS_TYPES)
        groups: dict[str, list[Property]] = defaultdict(list)
        for p in predicates:
            if is_class and p in _CLASS_AXIOMS:
                continue
            groups[_group(p)].append(Property(self.ref(p), self.values(p)))
        synonyms = [Synonym(v.text or "", scope, v.notes)
                    for p, scope in Q.SYNONYM_SCOPES.items() for v in self.values(p)]
        mappings = [Property(self.ref(p), self.mapping_values(p)) for p in MAPPINGS
                    if any(k == p for k, _ in self.out)]
        kinds = self.kinds(type_iris)
        return Entity(
            iri=self.subject, label=me.label, curie=me.curie, labelled=me.labelled,
            types=types, definitions=self.values(str(IAO_DEFINITION)), synonyms=synonyms,
            comments=self.values(RDFS + "comment"), mappings=mappings,
            groups=[(name, groups[name]) for name in ("Facts", "Annotations", "Axioms",
                                                     "Provenance") if groups.get(name)],
            incoming=self.incoming_links(), kinds=kinds,
            klass=self.class_view() if is_class else None,
            inferred_count=sum(1 for g in self.out.values() if g == {self.inferred}),
            usage_count=self.usage,
        )

    def mapping_values(self, predicate: str) -> list[Value]:
        out = []
        for value in self.values(predicate):
            if value.ref:
                value.ref.external = external_url(value.ref.iri)
            elif value.text:
                value.ref, value.text = xref(value.text), None
            out.append(value)
        return out

    def kinds(self, types: set[str]) -> list[str]:
        kinds = []
        parents = {o.value for (p, o) in self.out if p == RDFS + "subClassOf" and o.is_iri}
        if types & CLASS_TYPES:
            kinds.append("class")
        if types & PROPERTY_TYPES:
            kinds.append("property")
        if OWL + "Ontology" in types:
            kinds.append("ontology")
        if (str(K.Drug) in parents or self.subject == str(K.Drug)
                or self.counts.get(str(K.exposureDrug))):
            kinds.append("drug")
        if "drug" not in kinds and (self.counts.get(str(K.affects))
                                    or ("class" in kinds and self.counts.get(RDFS + "subClassOf"))):
            kinds.append("effect target")
        if str(K.Patient) in types:
            kinds.append("patient")
        if str(K.CaseReport) in types:
            kinds.append("case report")
        if CLAIM_LINKS & set(self.counts):
            kinds.append("claims")
        if any(p == PROV + "wasDerivedFrom" for p, _ in self.out):
            kinds.append("evidence")
        if any(self.counts[p][1] for p in self.counts):
            kinds.append("used in expressions")
        return kinds

    def incoming_links(self) -> list[Incoming]:
        out = []
        for p, (n, nb, _asserted) in sorted(self.counts.items(),
                                           key=lambda kv: self.ref(kv[0]).label.lower()):
            subjects = [Value(ref=self.ref(s), inferred=g == {self.inferred})
                        for s, g in self.incoming.get(p, {}).items()]
            subjects.sort(key=_order_lower)
            out.append(Incoming(self.ref(p), n, subjects, nb))
        return out

    def class_view(self) -> ClassView:
        parents = [v for v in self.values(RDFS + "subClassOf") if v.ref]
        axioms = [(self.ref(p).label, v) for p in sorted(_CLASS_AXIOMS, reverse=True)
                  for v in self.values(p) if v.expression or p == OWL + "equivalentClass"]
        children = [Value(ref=self.ref(s), inferred=g == {self.inferred})
                    for s, g in self.incoming.get(RDFS + "subClassOf", {}).items()]
        instances = [Value(ref=self.ref(s), inferred=g == {self.inferred})
                     for s, g in self.incoming.get(RDF + "type", {}).items()]
        for items in (children, instances):
            items.sort(key=_order_lower)
        return ClassView(parents, axioms, children, instances,
                         self.counts.get(RDF + "type", [0])[0])

    def usages(self, rows: list[Row]) -> list[Usage]:
        """Class expressions elsewhere that mention this resource, rendered whole."""
        self.labels |= first_labels(rows, "o", "ol") | first_labels(rows, "root", "rl")
        tops: dict[str, tuple[str, str, Node]] = {}
        for row in rows:
            self.triples[row["b"].value].append((row["p"].value, row["o"]))
            tops[row["top"].value] = (row["root"].value, row["rp"].value, row["top"])
        for triples in self.triples.values():  # the same triple came once per usage row
            triples[:] = list(dict.fromkeys(triples))
        out = [Usage(self.ref(root), self.ref(rp).label, self.renderer.render(top))
               for root, rp, top in tops.values() if root != self.subject]
        return sorted(out, key=lambda u: u.root.label.lower())


def describe(subject: str, more: Callable[[list[str]], dict[str, str]] = lambda _kinds: {}
             ) -> tuple[Entity, dict[str, list[Row]]] | None:
    """Everything the page of ``subject`` shows in general; ``None`` if the graph lacks it.

    Two parallel queries for its statements, incoming links and use as a predicate (one would
    crash Virtuoso 7.2.5: ``sparqltext.USED``), then one parallel batch: its blank-node
    structure, usages and evidence as needed, and the queries ``more(kinds)`` names (each bound
    to ``?s``), whose rows come back by name.
    """
    bound = iri(subject)
    counted = stored_counts(subject)  # by the build, for a much-linked resource
    resource = Q.RESOURCE if counted is None else Q.RESOURCE_UNCOUNTED
    rows = [row for part in select_all([(resource, {"s": bound}), (Q.USED, {"s": bound})])
            for row in part] + (counted or [])
    if not any(row["dir"].value != "used" or int(row["n"].value) for row in rows):
        return None
    builder = _Builder(subject, rows)
    types = {o.value for p, o in builder.out if p == RDF + "type"}
    kinds = builder.kinds(types)
    wanted: dict[str, str] = {}
    if any(o.is_blank for _, o in builder.out) or types & (CLASS_TYPES | PROPERTY_TYPES):
        wanted[" structure"] = Q.STRUCTURE
    if "used in expressions" in kinds:
        wanted[" usages"] = Q.USAGES
    if "evidence" in kinds:
        wanted[" evidence"] = Q.EVIDENCE
    wanted |= more(kinds)
    found = dict(zip(wanted, select_all([(text, {"s": bound}) for text in wanted.values()]),
                     strict=True))
    if " structure" in found:
        builder.add_structure(found[" structure"])
    entity = builder.entity()
    entity.types = [t for t in entity.types if not (t.ref and is_expression_type(t.ref.iri)
                                                   and "class" not in entity.kinds)]
    if " usages" in found:
        entity.usages = builder.usages(found[" usages"])
    if " evidence" in found:
        entity.evidence = evidence(found[" evidence"])
    return entity, {k: v for k, v in found.items() if not k.startswith(" ")}
