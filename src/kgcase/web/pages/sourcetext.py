"""A report's source text cut into paragraphs, with the excerpts found in it marked.

Quotes are matched as the build checks them (:func:`kgcase.model.load.normalise_text`:
ligatures, quotes, dashes, case and white space ignored; ``…`` an omission), on a copy of the
text that keeps, for each compared character, where it was in the original, so the marks fall on
the text as printed. A quote not found is reported as such, never placed by guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from kgcase.model.load import _ELLIPSIS, _LIGATURES

_DASHES = re.compile(r"[‐‑‒–—−]")
_QUOTES = {"’": "'", "‘": "'", "“": '"', "”": '"'}
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


@dataclass
class Segment:
    """A run of text; ``marks`` are the ids of the excerpts quoting it (empty: not quoted)."""

    text: str
    marks: tuple[str, ...] = ()


@dataclass
class Paragraph:
    index: int
    segments: list[Segment]
    heading: bool = False

    @property
    def marked(self) -> set[str]:
        return {m for s in self.segments for m in s.marks}


@dataclass
class Marked:
    """The text as paragraphs, and which excerpts were found and where."""

    paragraphs: list[Paragraph]
    found: dict[str, list[int]] = field(default_factory=dict)  # excerpt → paragraph indexes
    missing: list[str] = field(default_factory=list)


def _comparable(text: str) -> tuple[str, list[int]]:
    """``text`` as the build compares it, and for each character its offset in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        ch = _LIGATURES.get(ch, ch)
        ch = unicodedata.normalize("NFKC", ch)
        ch = _DASHES.sub("-", "".join(_QUOTES.get(c, c) for c in ch))
        for c in re.sub(r"\s+", "", ch).casefold():
            out.append(c)
            where.append(i)
    return "".join(out), where


def _spans(quote: str, comparable: str, where: list[int]) -> list[tuple[int, int]] | None:
    """Where each fragment of ``quote`` lies in the original text (in order), or ``None``."""
    spans, pos = [], 0
    for fragment in _ELLIPSIS.split(quote):
        frag, _ = _comparable(fragment)
        if not frag:
            continue
        found = comparable.find(frag, pos)
        if found < 0:
            return None
        pos = found + len(frag)
        spans.append((where[found], where[pos - 1] + 1))
    return spans


def _is_heading(text: str) -> bool:
    first = text.strip().split("\n", 1)[0]
    return first.isupper() and len(first) < 40


def mark(text: str, quotes: dict[str, str]) -> Marked:
    """``text`` cut into paragraphs (at blank lines), each excerpt of ``quotes`` (id → quote)
    marked where it is printed."""
    comparable, where = _comparable(text)
    cover: list[set[str]] = [set() for _ in text]
    found: dict[str, list[int]] = {}
    missing = []
    for key, quote in quotes.items():
        spans = _spans(quote, comparable, where)
        if spans is None:
            missing.append(key)
            continue
        for start, end in spans:
            for i in range(start, end):
                cover[i].add(key)
    bounds = [0, *(m.end() for m in _PARAGRAPH.finditer(text)), len(text)]
    paragraphs = []
    for start, end in pairwise(bounds):
        segments: list[Segment] = []
        for i in range(start, end):
            marks = tuple(sorted(cover[i]))
            if segments and segments[-1].marks == marks:
                segments[-1].text += text[i]
            else:
                segments.append(Segment(text[i], marks))
        if not "".join(s.text for s in segments).strip():
            continue
        para = Paragraph(len(paragraphs), segments, heading=_is_heading(text[start:end]))
        for key in para.marked:
            found.setdefault(key, []).append(para.index)
        paragraphs.append(para)
    return Marked(paragraphs, found, missing)


@lru_cache(maxsize=64)
def read_text(directory: str, case_id: str, mtime: float) -> str | None:
    """The source text ``<directory>/<case_id>.txt`` (``mtime`` keys the cache)."""
    path = Path(directory) / f"{case_id}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def source_text(directory: str, case_id: str) -> str | None:
    """The source text of report ``case_id``, or ``None`` when none is served."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", case_id) or case_id.startswith("."):
        return None
    path = Path(directory) / f"{case_id}.txt"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return read_text(directory, case_id, mtime)
