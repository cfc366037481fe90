"""Search text folding, the same for what the build indexes and what a reader types.

Folding lower-cases, drops accents and apostrophes (``Raynaud’s`` → ``raynaud``), turns every
other mark into a space (``IL-6`` → ``il 6``, ``HP:0100778`` → ``hp 0100778``) and writes
British spellings the American way (``leucopenia`` → ``leukopenia``, ``anaemia`` → ``anemia``,
``signalling`` → ``signaling``), so that either spelling finds both.
"""

from __future__ import annotations

import re
import unicodedata

#: British → American spelling rules, applied to folded words in this order. Both the index
#: and the query go through them, so a rule that also rewrites an unrelated word (``ae`` in
#: ``aerobic``) only makes two spellings of that word meet.
SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"leuc", "leuk"),          # leucocyte, leucopenia
        (r"ae", "e"),               # anaemia, haemoglobin, paediatric, cryoglobulinaemia
        (r"oe", "e"),               # oedema, oesophagus, diarrhoea
        (r"our\b", "or"),           # tumour, colour, behaviour
        (r"is(ed|ing|ation|e)\b", r"iz\1"),  # humanised, organisation
        (r"yse\b", "yze"),          # analyse
        (r"tre\b", "ter"),          # titre, centre
        (r"lling\b", "ling"),       # signalling, labelling
        (r"lled\b", "led"),         # labelled
        (r"ogue\b", "og"),          # analogue
    ))
_APOSTROPHE_S = re.compile(r"['’]s\b")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``text`` folded for matching (see the module docstring).

    >>> fold("Raynaud’s phenomenon")
    'raynaud phenomenon'
    >>> fold("Leucopenia") == fold("leukopenia")
    True
    >>> fold("anti-dsDNA (IL-6)")
    'anti dsdna il 6'
    """
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHE_S.sub("", text).replace("'", "").replace("’", "")
    text = _NON_WORD.sub(" ", text).strip()
    for pattern, replacement in SPELLINGS:
        text = pattern.sub(replacement, text)
    return text


def words(folded: str) -> list[str]:
    """The words of folded text, in order, repeats removed."""
    return list(dict.fromkeys(folded.split()))
