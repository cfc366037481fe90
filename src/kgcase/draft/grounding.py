"""From a matched entity to a term: pick the candidate whose kind the context asks for.

A candidate outside the kgcase ontology (an HPO term the ontology does not import) is never
written as a fact: the mention goes to the review list with its candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

from kgcase.draft.nlp import ID_SEPARATOR
from kgcase.draft.vocab import Term, Vocabulary

#: The order kinds are preferred in when a name is ambiguous (hepatitis: finding or disease).
PREFERENCE = ("drug", "test", "criteria", "phenotype", "disease")


@dataclass(frozen=True)
class Mention:
    """An entity in the document's offset space, with its candidates and ConText attributes."""

    start: int
    end: int
    text: str
    candidates: tuple[Term, ...]
    negated: bool
    historical: bool
    hypothetical: bool
    family: bool
    uncertain: bool
    cues: tuple[str, ...]  # "<category> '<cue text>'" for each ConText modifier

    @property
    def grounded(self) -> Term | None:
        """The best candidate in the ontology, by kind preference; None when there is none."""
        inside = [t for t in self.candidates if t.in_ontology]
        inside.sort(key=lambda t: PREFERENCE.index(t.kind))
        return inside[0] if inside else None

    def of_kind(self, *kinds: str) -> Term | None:
        for t in self.candidates:
            if t.in_ontology and t.kind in kinds:
                return t
        return None


def mention(ent: object, offset: int, vocab: Vocabulary) -> Mention:
    """Turn a spaCy entity (with medspaCy ConText attributes) into a :class:`Mention`."""
    ids = (ent.ent_id_ or ent.kb_id_).split(ID_SEPARATOR)  # type: ignore[attr-defined]
    terms = tuple(vocab.terms[i] for i in ids if i in vocab.terms)
    x = ent._  # type: ignore[attr-defined]
    doc = ent.doc  # type: ignore[attr-defined]
    cues = tuple(f"{m.category} '{doc[m.modifier_span[0]:m.modifier_span[1]].text}'"
                 for m in x.modifiers)
    return Mention(offset + ent.start_char, offset + ent.end_char, ent.text,  # type: ignore[attr-defined]
                   terms, x.is_negated, x.is_historical, x.is_hypothetical, x.is_family,
                   x.is_uncertain, cues)
