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
from pathlib import Path

from kgcase.model.load import _ELLIPSIS, _LIGATURES

_DASHES = re.compile(r"[‐‑‒–—−]")
_HEADING = re.compile(r"[A-Z][A-Z ]{3,38}")
_QUOTES = {"’": "'", "‘": "'", "“": '"', "”": '"'}


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


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    """Paragraphs of extracted text as (start, end, is_heading): a blank line ends one, so does
    a short line that ends a sentence (the last line of a printed paragraph); a short line in
    capitals is a heading."""
    lines, pos = [], 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, pos + len(line), line.strip()))
        pos += len(line)
    widths = sorted(len(t) for _, _, t in lines if t)
    typical = widths[len(widths) * 3 // 4] if widths else 0
    out: list[tuple[int, int, bool]] = []
    start = 0
    for begin, end, stripped in lines:
        heading = bool(_HEADING.fullmatch(stripped))
        if heading or not stripped:
            if begin > start:
                out.append((start, begin, False))
            if heading:
                out.append((begin, end, True))
            start = end
        elif stripped[-1] in ".:?" and len(stripped) < typical * 0.7:
            out.append((start, end, False))
            start = end
    if start < len(text):
        out.append((start, len(text), False))
    return out


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
    paragraphs = []
    for start, end, heading in _blocks(text):
        segments: list[Segment] = []
        for i in range(start, end):
            # shortest quote first: a quote printed inside a longer one keeps its own link
            marks = tuple(sorted(cover[i], key=lambda k: (len(quotes[k]), k)))
            ch = " " if text[i] == "\n" else text[i]
            if segments and segments[-1].marks == marks:
                segments[-1].text += ch
            else:
                segments.append(Segment(ch, marks))
        if not "".join(seg.text for seg in segments).strip():
            continue
        para = Paragraph(len(paragraphs), segments, heading=heading)
        for key in para.marked:
            found.setdefault(key, []).append(para.index)
        paragraphs.append(para)
    return Marked(paragraphs, found, missing)


@lru_cache(maxsize=32)
def mark_once(text: str, quotes: tuple[tuple[str, str], ...]) -> Marked:
    """:func:`mark`, remembered: a report's text and excerpts change only with a release.
    Callers must not change the result."""
    return mark(text, dict(quotes))


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
