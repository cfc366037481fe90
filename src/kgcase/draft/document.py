"""The document every reader returns: passages in one offset space, tables, citation, mentions.

The shape follows BioC (collection → document → passages with offsets and annotations), so a
BioC input maps onto it directly. The full text is the passages joined by blank lines; it is
saved beside the draft, and every quote is a slice of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Passage:
    """A paragraph, title, caption or table rendering, at ``offset`` in the document's text."""

    offset: int
    text: str
    section: str  # the heading it sits under, as printed ("" when none)
    kind: str  # title | abstract | paragraph | caption | table | reference


@dataclass(frozen=True)
class TableData:
    """A table as printed: column headers and rows (label, cells)."""

    id: str
    caption: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Annotation:
    """A mention someone else found (e.g. a PubTator annotation): a candidate, not a fact."""

    offset: int
    length: int
    text: str
    type: str
    identifier: str


@dataclass
class Citation:
    """What the input says about its own publication; unknown fields stay ``None``."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    article: str | None = None
    doi: str | None = None
    pmid: str | None = None
    mesh: list[str] = field(default_factory=list)


@dataclass
class Document:
    """One report: its passages, tables, citation and pre-annotated mentions."""

    path: Path
    key: str  # distinguishes several documents in one input file (PMID, BioC id) or ""
    citation: Citation = field(default_factory=Citation)
    passages: list[Passage] = field(default_factory=list)
    tables: list[TableData] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    _length: int = 0

    def add(self, text: str, section: str = "", kind: str = "paragraph") -> Passage:
        """Append a passage after the previous one and a blank line; return it."""
        text = text.strip()
        offset = self._length + (len(SEPARATOR) if self.passages else 0)
        passage = Passage(offset, text, section, kind)
        self.passages.append(passage)
        self._length = offset + len(text)
        return passage

    def add_table(self, table: TableData, section: str = "") -> None:
        """Keep ``table`` and render it into the text (caption, header, one line per row)."""
        self.tables.append(table)
        self.add(table.caption, section, "caption")
        lines = [" | ".join(table.columns)]
        lines += [" | ".join([label, *cells]) for label, cells in table.rows]
        self.add("\n".join(lines), section, "table")

    @property
    def text(self) -> str:
        return SEPARATOR.join(p.text for p in self.passages) + "\n"

    def passage_at(self, offset: int) -> Passage:
        """The passage holding character ``offset``."""
        for p in reversed(self.passages):
            if p.offset <= offset:
                return p
        return self.passages[0]
