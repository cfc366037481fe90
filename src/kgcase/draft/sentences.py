"""Sentence breaks spaCy's sentencizer misses in extracted text: after a citation number glued
to the full stop ("…inhibitors.12 For patient 2…") or a bracketed one ("…antibodies.[1] We
describe…"), the next capitalised word starts a sentence.
(No ``from __future__ import annotations``: spaCy reads the component's signature.)"""

import re

from spacy.language import Language
from spacy.tokens import Doc

_GLUED_OPEN = re.compile(r"\.\[\d{1,3}(?:[,–-]\d{1,3})*$")
_GLUED = re.compile(r"[a-z)\]]\.\d{1,3}(?:[–-]\d{1,3})?$")


def _after_bracketed_citation(doc: Doc, i: int) -> bool:
    """True after ``.[3]`` or ``.[4,5]``: a bracketed citation that follows a full stop."""
    if doc[i - 1].text != "]":
        return False
    if i > 1 and _GLUED_OPEN.search(doc[i - 2].text):  # tokenised as "antibodies.[1", "]"
        return True
    j = i - 2
    while j > 0 and i - j < 8 and doc[j].text != "[":
        if not (doc[j].like_num or doc[j].text in {",", "-", "–"}):
            return False
        j -= 1
    return j > 0 and doc[j].text == "[" and doc[j - 1].text.endswith(".")


@Language.component("kgcase_citation_breaks")
def citation_breaks(doc: Doc) -> Doc:
    for i in range(1, len(doc)):
        prev, tok = doc[i - 1], doc[i]
        if tok.text[:1].isupper() and (_GLUED.search(prev.text) or (
                prev.like_num and i > 1 and doc[i - 2].text == "." and len(prev.text) <= 3)
                or _after_bracketed_citation(doc, i)):
            tok.is_sent_start = True
    return doc
