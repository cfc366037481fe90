"""Resolve what curators write (a CURIE, a label or a synonym) to an ontology IRI."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kgcase.iris import CurieError, compress_iri, expand_curie
from kgcase.vocab import OBOINOWL, K

_SYNONYMS = (
    OBOINOWL.hasExactSynonym,
    OBOINOWL.hasRelatedSynonym,
    OBOINOWL.hasNarrowSynonym,
    OBOINOWL.hasBroadSynonym,
)

#: What a field may refer to: the upper classes (or individual types) allowed.
ROLES: dict[str, tuple[URIRef, ...]] = {
    "drug": (K.Drug,),
    "test": (K.LaboratoryTest, K.ClinicalAssessment),
    "criteria": (K.DiagnosticCriteria,),
}


class TermError(ValueError):
    """A term reference that does not resolve, with suggestions."""


@dataclass
class TermIndex:
    """Labels, synonyms and declared IRIs of an ontology graph, plus its class hierarchy."""

    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    declared: set[str] = field(default_factory=set)
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, g: Graph) -> TermIndex:
        idx = cls()
        for kind in (OWL.Class, OWL.NamedIndividual, OWL.ObjectProperty, OWL.DatatypeProperty):
            idx.declared.update(str(s) for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef))
        for s, label in g.subject_objects(RDFS.label):
            if isinstance(s, URIRef):
                idx.by_name[str(label).casefold()].add(str(s))
                idx.labels.setdefault(str(s), str(label))
        for prop in _SYNONYMS:
            for s, syn in g.subject_objects(prop):
                if isinstance(s, URIRef):
                    idx.by_name[str(syn).casefold()].add(str(s))
        for s, o in g.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                idx.parents[str(s)].add(str(o))
        for s, o in g.subject_objects(RDF.type):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                idx.types[str(s)].add(str(o))
        return idx

    def ancestors(self, iri: str) -> set[str]:
        """All named superclasses of ``iri`` (reflexive)."""
        seen, todo = {iri}, [iri]
        while todo:
            for p in self.parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    def resolve(self, text: str, *, role: str | None = None) -> str:
        """Return the IRI ``text`` names, checked against ``role``; raise :class:`TermError`."""
        text = str(text).strip()
        if ":" in text and " " not in text:
            try:
                iri = text if text.startswith(("http://", "https://")) else expand_curie(text)
            except CurieError as exc:
                raise TermError(str(exc)) from None
            if iri not in self.declared:
                raise TermError(
                    f"{text!r} is not a term of the kgcase ontology or its imports"
                    f"{self._suggest(text)}"
                )
            candidates = {iri}
        else:
            candidates = set(self.by_name.get(text.casefold(), ()))
            if not candidates:
                raise TermError(f"no ontology term is labelled {text!r}{self._suggest(text)}")
        if role:
            allowed = ROLES.get(role)
            if allowed:
                candidates = {c for c in candidates if self._plays(c, allowed)}
                if not candidates:
                    names = ", ".join(self.labels.get(str(a), str(a)) for a in allowed)
                    raise TermError(f"{text!r} is not a {role} (not a kind of: {names})")
        if len(candidates) > 1:
            options = ", ".join(sorted(compress_iri(c) or c for c in candidates))
            raise TermError(f"{text!r} is ambiguous: it names {options}; write the CURIE")
        return candidates.pop()

    def _plays(self, iri: str, allowed: tuple[URIRef, ...]) -> bool:
        up = self.ancestors(iri)
        for t in self.types.get(iri, ()):
            up |= self.ancestors(t)
        return any(str(a) in up for a in allowed)

    def _suggest(self, text: str) -> str:
        close = difflib.get_close_matches(text.casefold(), list(self.by_name), n=3, cutoff=0.75)
        return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
