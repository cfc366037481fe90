"""A dictionary phrase matcher for vocabularies of tens of thousands of names (all of HPO).

spaCy's PhraseMatcher needs every name tokenised into a Doc first: for HPO's ~38 000 names
that took 20–30 s per process on the development machine, longer than drafting a thousand
abstracts. This component keys names by their lower-cased word tokens instead (built in well
under a second) and marks the longest match at each position as an entity where the term
rulers left the text free. It runs inside the spaCy pipeline, so ConText sees its entities.
(No ``from __future__ import annotations``: spaCy reads the factory's signature at run time.)
"""


import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

_TOKEN = re.compile(r"\w+|[^\w\s]")


def keys(text: str) -> tuple[str, ...]:
    return tuple(t.casefold() for t in _TOKEN.findall(text))


class DictionaryMatcher:
    """Longest-match lookup of word-token tuples; the match's id lists the candidate CURIEs."""

    def __init__(self, names: dict[str, list[str]], label: str, separator: str) -> None:
        self.table = {keys(n): separator.join(ids) for n, ids in names.items()}
        lengths: dict[str, set[int]] = {}
        for k in self.table:
            if k:
                lengths.setdefault(k[0], set()).add(len(k))
        #: first token → the name lengths (in tokens) that start with it, longest first
        self.starts = {t: sorted(n, reverse=True) for t, n in lengths.items()}
        self.label = label

    def __call__(self, doc: Doc) -> Doc:
        tokens = [(m.start(), m.end(), m.group().casefold()) for m in _TOKEN.finditer(doc.text)]
        found = []
        i = 0
        while i < len(tokens):
            for n in self.starts.get(tokens[i][2], ()):
                if i + n > len(tokens):
                    continue
                ident = self.table.get(tuple(t[2] for t in tokens[i:i + n]))
                if ident is not None:
                    span = doc.char_span(tokens[i][0], tokens[i + n - 1][1], label=self.label,
                                         kb_id=ident, alignment_mode="expand")
                    if span is not None:
                        found.append(span)
                    i += n - 1
                    break
            i += 1
        taken = {t.i for e in doc.ents for t in e}
        free = [s for s in found if not any(t.i in taken for t in s)]
        doc.ents = filter_spans([*doc.ents, *free])
        return doc


@Language.factory("kgcase_dictionary", default_config={"label": "TERM", "separator": "|"})
def make_dictionary(nlp: Language, name: str, label: str, separator: str) -> Any:
    """Registered so the pipeline is assembled by name; ``build_nlp`` sets its table."""
    return DictionaryMatcher({}, label, separator)
