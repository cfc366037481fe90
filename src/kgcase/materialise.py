"""Rule-based materialisation of the ABox: what HermiT infers about case individuals, at scale.

HermiT classifies the ontology once; one HermiT run per case costs a JVM start and a TBox
classification (about 1–3 s), which a 100 000-report build cannot afford. The case data only
uses a small, fixed part of OWL, so its consequences are computed here by rules compiled
from the ontology and HermiT's classification of it:

* class membership is closed under (asserted and inferred) named superclasses;
* ``rdfs:domain`` / ``rdfs:range`` (named classes) type subjects and IRI objects;
* symmetric, inverse and sub-properties add the implied property assertions;
* defined classes ``C ≡ A ⊓ (d some datatype[facets])`` (the cJADAS activity categories) are
  recognised from the data value, and ``C ⊑ (p value v)`` adds ``p v``.

The tests show the rules give HermiT's answers on the seed and on synthetic cases, plus the
sub-property entailments (``prov:wasQuotedFrom`` ⊑ ``prov:wasDerivedFrom``) that HermiT's
command line does not print. Only triples about the case's own individuals are produced.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kgcase.vocab import OWL, RDF, RDFS, XSD  # each term looked up once (hot loops)

Triple = tuple[Node, Node, Node]
_BUILTIN = {OWL.Thing, OWL.NamedIndividual, OWL.Class, RDFS.Resource}
_FACETS: dict[URIRef, Callable[[Decimal, Decimal], bool]] = {
    XSD.minInclusive: operator.ge, XSD.minExclusive: operator.gt,
    XSD.maxInclusive: operator.le, XSD.maxExclusive: operator.lt,
}


@dataclass(frozen=True)
class DefinedClass:
    """``cls ≡ base ⊓ (prop some datatype[facets])``: a class recognised from a data value."""

    cls: URIRef
    base: frozenset[URIRef]
    prop: URIRef
    facets: tuple[tuple[Callable[[Decimal, Decimal], bool], Decimal], ...]

    def admits(self, value: Literal) -> bool:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return False
        return all(test(number, bound) for test, bound in self.facets)


@dataclass
class Rules:
    """The compiled rules; :meth:`apply` is pure and works on plain triples."""

    supers: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    domain: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    range: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    implied: dict[URIRef, set[tuple[URIRef, bool]]] = field(
        default_factory=lambda: defaultdict(set))  # p -> {(q, inverse?)}
    defined: list[DefinedClass] = field(default_factory=list)
    has_value: dict[URIRef, set[tuple[URIRef, Node]]] = field(
        default_factory=lambda: defaultdict(set))

    def closure(self, classes: Iterable[URIRef]) -> set[URIRef]:
        out: set[URIRef] = set()
        for c in classes:
            out.add(c)
            out |= self.supers.get(c, frozenset())
        return out - _BUILTIN

    def apply(self, triples: Iterable[Triple]) -> list[Triple]:
        """The triples the rules add to ``triples`` (nothing already asserted), sorted."""
        asserted = set(triples)
        types: dict[Node, set[URIRef]] = defaultdict(set)
        values: dict[tuple[Node, URIRef], list[Node]] = defaultdict(list)
        facts: set[Triple] = set()
        for s, p, o in asserted:
            if p == RDF.type:
                if isinstance(o, URIRef):
                    types[s].add(o)
                continue
            values[(s, p)].append(o)  # type: ignore[index]
            for d in self.domain.get(p, ()):  # type: ignore[arg-type]
                types[s].add(d)
            if isinstance(o, URIRef):
                for r in self.range.get(p, ()):  # type: ignore[arg-type]
                    types[o].add(r)
            for q, inverse in self.implied.get(p, ()):  # type: ignore[arg-type]
                facts.add((o, q, s) if inverse else (s, q, o))
        for _ in range(2):  # defined classes may feed one another once
            for node, classes in types.items():
                closed = self.closure(classes)
                for dc in self.defined:
                    if dc.cls not in closed and dc.base <= closed and any(
                        isinstance(v, Literal) and dc.admits(v)
                        for v in values.get((node, dc.prop), ())
                    ):
                        classes.add(dc.cls)
        out: set[Triple] = set()
        subjects = {s for s, _, _ in asserted}
        for node, classes in types.items():
            if isinstance(node, BNode) or node not in subjects:
                continue  # only the case's own individuals (not ontology terms it points to)
            for cls in self.closure(classes):
                out.add((node, RDF.type, cls))
                for prop, value in self.has_value.get(cls, ()):
                    out.add((node, prop, value))
        out |= facts
        return sorted(out - asserted, key=lambda t: tuple(map(str, t)))


def compile_rules(ontology: Graph, inferred_tbox: Graph | None = None) -> Rules:
    """Compile the rules from the ontology and HermiT's classification of it."""
    rules = Rules()
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for graph in (ontology, inferred_tbox or Graph()):
        for s, o in graph.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                parents[s].add(o)
    for s, o in ontology.subject_objects(OWL.equivalentClass):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            parents[s].add(o)
            parents[o].add(s)
    for cls in list(parents):
        seen: set[URIRef] = set()
        stack = list(parents[cls])
        while stack:
            c = stack.pop()
            if c not in seen:
                seen.add(c)
                stack.extend(parents.get(c, ()))
        rules.supers[cls] = frozenset(seen - {cls})
    for prop, target in ((RDFS.domain, rules.domain), (RDFS.range, rules.range)):
        for p, c in ontology.subject_objects(prop):
            datatype = str(c).startswith(str(XSD)) or c == RDFS.Literal
            if isinstance(p, URIRef) and isinstance(c, URIRef) and not datatype:
                target[p].add(c)
    for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
        rules.implied[p].add((p, True))  # type: ignore[index]
    for p, q in ontology.subject_objects(OWL.inverseOf):
        rules.implied[p].add((q, True))  # type: ignore[index]
        rules.implied[q].add((p, True))  # type: ignore[index]
    for p, q in ontology.subject_objects(RDFS.subPropertyOf):
        if isinstance(p, URIRef) and isinstance(q, URIRef):
            rules.implied[p].add((q, False))
    _compile_defined(ontology, rules)
    return rules


def _compile_defined(g: Graph, rules: Rules) -> None:
    for cls, expr in g.subject_objects(OWL.equivalentClass):
        if not isinstance(cls, URIRef) or not isinstance(expr, BNode):
            continue
        members = g.value(expr, OWL.intersectionOf)
        if members is None:
            continue
        base: set[URIRef] = set()
        restriction = None
        for m in Collection(g, members):
            if isinstance(m, URIRef):
                base.add(m)
            elif g.value(m, OWL.onProperty) is not None:
                restriction = m
        if restriction is None:
            continue
        datatype = g.value(restriction, OWL.someValuesFrom)
        facets_list = g.value(datatype, OWL.withRestrictions) if datatype is not None else None
        if facets_list is None:
            continue
        facets = []
        for facet in Collection(g, facets_list):
            for kind, bound in g.predicate_objects(facet):
                if kind in _FACETS:
                    facets.append((_FACETS[kind], Decimal(str(bound))))  # type: ignore[index]
        prop = g.value(restriction, OWL.onProperty)
        rules.defined.append(DefinedClass(cls, frozenset(base), prop, tuple(facets)))  # type: ignore[arg-type]
    for cls, sup in g.subject_objects(RDFS.subClassOf):
        if isinstance(cls, URIRef) and isinstance(sup, BNode):
            prop, value = g.value(sup, OWL.onProperty), g.value(sup, OWL.hasValue)
            if prop is not None and value is not None:
                rules.has_value[cls].add((prop, value))  # type: ignore[arg-type]
