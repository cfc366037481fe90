"""Sentence breaks spaCy's sentencizer misses in extracted text: after a citation number glued
to the full stop ("…inhibitors.12 For patient 2…"), the next capitalised word starts a sentence.
(No ``from __future__ import annotations``: spaCy reads the component's signature.)"""

import re

from spacy.language import Language
from spacy.tokens import Doc

_GLUED = re.compile(r"[a-z)\]]\.\d{1,3}(?:[–-]\d{1,3})?$")


@Language.component("kgcase_citation_breaks")
def citation_breaks(doc: Doc) -> Doc:
    for i in range(1, len(doc)):
        prev, tok = doc[i - 1], doc[i]
        if tok.text[:1].isupper() and (_GLUED.search(prev.text) or (
                prev.like_num and i > 1 and doc[i - 2].text == "." and len(prev.text) <= 3)):
            tok.is_sent_start = True
    return doc
