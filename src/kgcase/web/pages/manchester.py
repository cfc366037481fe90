"""OWL class expressions (blank-node structures) as readable Manchester-like token lists.

``[ owl:onProperty RO:0002436 ; owl:someValuesFrom KGCASE:0000113 ]`` becomes
``molecularly interacts with some soluble interleukin-6 receptor``: a list of :class:`Part`
tokens whose named terms are links. Pure: the triples and labels come from the caller.
"""

from __future__ import annotations

from collections.abc import Callable

from kgcase.web.pages.model import OWL, RDF, RDFS, XSD, Part, Ref
from kgcase.web.pages.runner import Node

Triples = dict[str, list[tuple[str, Node]]]

_QUANTIFIERS = {OWL + "someValuesFrom": "some", OWL + "allValuesFrom": "only"}
_CARDINALITIES = {
    OWL + "qualifiedCardinality": "exactly", OWL + "minQualifiedCardinality": "min",
    OWL + "maxQualifiedCardinality": "max", OWL + "cardinality": "exactly",
    OWL + "minCardinality": "min", OWL + "maxCardinality": "max",
}
_FACETS = {XSD + "minInclusive": ">=", XSD + "minExclusive": ">", XSD + "maxInclusive": "<=",
           XSD + "maxExclusive": "<", XSD + "pattern": "pattern", XSD + "length": "length",
           XSD + "minLength": "minLength", XSD + "maxLength": "maxLength"}
_MAX_DEPTH = 12


class ExpressionRenderer:
    """Render blank-node class expressions from ``triples`` (bnode id -> (predicate, object))."""

    def __init__(self, triples: Triples, make_ref: Callable[[str], Ref]) -> None:
        self.triples = triples
        self.make_ref = make_ref

    def _get(self, node: Node, predicate: str) -> Node | None:
        for p, o in self.triples.get(node.value, ()):
            if p == predicate:
                return o
        return None

    def items(self, node: Node | None) -> list[Node]:
        """The members of an RDF list."""
        out: list[Node] = []
        while node is not None and node.is_blank and len(out) < 200:
            first = self._get(node, RDF + "first")
            if first is None:
                break
            out.append(first)
            node = self._get(node, RDF + "rest")
        return out

    def render(self, node: Node, depth: int = 0) -> list[Part]:
        """The tokens of ``node`` (a named term, a literal or a blank-node expression)."""
        if node.is_iri:
            return [Part("ref", ref=self.make_ref(node.value))]
        if node.kind == "literal":
            return [Part("text", text=node.value)]
        if depth > _MAX_DEPTH or node.value not in self.triples:
            return [Part("text", text="…")]
        for method in (self._restriction, self._boolean, self._datatype, self._inverse):
            parts = method(node, depth)
            if parts is not None:
                return parts
        first = self._get(node, RDF + "first")
        if first is not None:
            return self.join(self.items(node), ",", depth, brackets=("(", ")"))
        return [Part("text", text="anonymous expression")]

    def nested(self, node: Node, depth: int) -> list[Part]:
        """Tokens of a sub-expression, in parentheses unless it is a single term."""
        parts = self.render(node, depth + 1)
        if len(parts) > 1 and parts[0].text not in ("{", "(") and parts[1].text != "[":
            return [Part("punct", text="("), *parts, Part("punct", text=")")]
        return parts

    def join(self, members: list[Node], word: str, depth: int,
             brackets: tuple[str, str] | None = None) -> list[Part]:
        """Members joined by ``word`` (a keyword such as ``and`` or a separator)."""
        out: list[Part] = [Part("punct", text=brackets[0])] if brackets else []
        for i, member in enumerate(members):
            if i:
                out.append(Part("punct" if word in (",", "o") else "kw", text=word))
            out.extend(self.nested(member, depth))
        if brackets:
            out.append(Part("punct", text=brackets[1]))
        return out

    def _restriction(self, node: Node, depth: int) -> list[Part] | None:
        prop = self._get(node, OWL + "onProperty")
        if prop is None:
            return None
        head = self.nested(prop, depth)
        for predicate, word in _QUANTIFIERS.items():
            filler = self._get(node, predicate)
            if filler is not None:
                return [*head, Part("kw", text=word), *self.nested(filler, depth)]
        value = self._get(node, OWL + "hasValue")
        if value is not None:
            return [*head, Part("kw", text="value"), *self.render(value, depth + 1)]
        for predicate, word in _CARDINALITIES.items():
            count = self._get(node, predicate)
            if count is not None:
                filler = self._get(node, OWL + "onClass") or self._get(node, OWL + "onDataRange")
                tail = self.nested(filler, depth) if filler is not None else []
                return [*head, Part("kw", text=word), Part("text", text=count.value), *tail]
        if self._get(node, OWL + "hasSelf") is not None:
            return [*head, Part("kw", text="Self")]
        return [*head, Part("text", text="(restriction)")]

    def _boolean(self, node: Node, depth: int) -> list[Part] | None:
        for predicate, word in ((OWL + "intersectionOf", "and"), (OWL + "unionOf", "or")):
            members = self._get(node, predicate)
            if members is not None:
                return self.join(self.items(members), word, depth)
        complement = self._get(node, OWL + "complementOf")
        if complement is not None:
            return [Part("kw", text="not"), *self.nested(complement, depth)]
        one_of = self._get(node, OWL + "oneOf")
        if one_of is not None:
            return self.join(self.items(one_of), ",", depth, brackets=("{", "}"))
        return None

    def _datatype(self, node: Node, depth: int) -> list[Part] | None:
        base = self._get(node, OWL + "onDatatype")
        if base is None:
            return None
        parts = [*self.render(base, depth + 1), Part("punct", text="[")]
        for i, facet in enumerate(self.items(self._get(node, OWL + "withRestrictions"))):
            for predicate, value in self.triples.get(facet.value, ()):
                if i:
                    parts.append(Part("punct", text=","))
                parts += [Part("kw", text=_FACETS.get(predicate, predicate)),
                          Part("text", text=value.value)]
        return [*parts, Part("punct", text="]")]

    def _inverse(self, node: Node, depth: int) -> list[Part] | None:
        inverse = self._get(node, OWL + "inverseOf")
        if inverse is None:
            return None
        return [Part("kw", text="inverse"), *self.nested(inverse, depth)]


def chain(renderer: ExpressionRenderer, node: Node) -> list[Part]:
    """A property chain (``owl:propertyChainAxiom`` list) as ``p o q``."""
    return renderer.join(renderer.items(node), "o", 0)


def is_expression_type(iri: str) -> bool:
    """Types that only mark blank-node structure (not shown as statements)."""
    return iri in (OWL + "Restriction", OWL + "Class", RDFS + "Datatype")
