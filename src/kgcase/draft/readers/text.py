"""Plain text: paragraphs, section headings (from the rules' heading list) and tab tables."""

from __future__ import annotations

import re
from pathlib import Path

from kgcase.draft.document import Citation, Document, TableData
from kgcase.draft.readers.errors import ReaderError
from kgcase.draft.rules import load_rules

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)])")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_FRONT = re.compile(r"^\s*(?:doi:|https?://(?:dx\.)?doi\.org/)\S+(?:\s*\(\d{4}\))?\s*$",
                    re.IGNORECASE)
_TABLE_CAPTION = re.compile(r"^\s*Table\s+(\d+)\b", re.IGNORECASE)


def read_text(path: Path) -> Document:
    """Read a UTF-8 text report."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReaderError(path, f"not UTF-8 text (byte {exc.start} cannot be decoded)",
                          "save the report as UTF-8 plain text") from None
    return text_document(path, raw)


def text_document(path: Path, raw: str) -> Document:
    """Split ``raw`` into headed paragraphs and tables; read what citation it carries."""
    if not raw.strip():
        raise ReaderError(path, "the file holds no text", "give the report's text")
    if "\x00" in raw:
        raise ReaderError(path, "the file holds binary data, not text",
                          "give a .pdf suffix to a PDF, or extract its text first")
    headings = load_rules("sections")
    doc = Document(path=path, key="")
    section = ""
    blocks = _blocks(raw.replace("\r\n", "\n"), headings)
    first = blocks[0].strip().splitlines()[0]
    title = "" if _heading(first, headings) else first
    doc.citation = _citation(title, raw)
    doc.add(title or path.stem, "", "title")
    for n, block in enumerate(blocks):
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        if n == 0 and title:
            lines = lines[1:]
        while lines and _heading(lines[0], headings):
            section = lines.pop(0).strip().rstrip(":")
        if not lines:
            continue
        table = _table(lines, len(doc.tables) + 1)
        if n == 0 and all(_FRONT.match(ln) for ln in lines):  # doi:… (year) under the title
            doc.add("\n".join(lines), section, "front")
        elif table is not None:
            doc.add_table(table, section)
        else:
            doc.add("\n".join(lines), section, "abstract" if _is_abstract(section) else "paragraph")
    return doc


def _blocks(raw: str, headings: dict[str, object]) -> list[str]:
    """Paragraphs split at blank lines and around heading lines."""
    blocks: list[list[str]] = [[]]
    for line in raw.split("\n"):
        if not line.strip() or _heading(line, headings):
            blocks.append([line] if line.strip() else [])
            if line.strip():
                blocks.append([])
        else:
            blocks[-1].append(line)
    return ["\n".join(b) for b in blocks if any(x.strip() for x in b)]


def _heading(line: str, headings: dict[str, object]) -> bool:
    text = line.strip().rstrip(":").casefold()
    return text in headings["headings"]  # type: ignore[operator]


def _is_abstract(section: str) -> bool:
    return section.casefold() in load_rules("sections")["abstract"]  # type: ignore[operator]


def _table(lines: list[str], number: int) -> TableData | None:
    """A block whose lines after a ``Table N`` caption are tab-separated cells."""
    if len(lines) < 3 or not _TABLE_CAPTION.match(lines[0]) or "\t" not in lines[1]:
        return None
    header = [c.strip() for c in lines[1].split("\t")]
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in line.split("\t")]
        rows.append((cells[0], cells[1:]))
    return TableData(f"table{number}", lines[0].strip(), header[1:], rows)


def _citation(first_line: str, raw: str) -> Citation:
    head = raw[:3000]
    doi = _DOI.search(head)
    year = _YEAR.search(head) if doi else None
    return Citation(title=first_line.strip(), doi=doi[1] if doi else None,
                    year=int(year[1]) if year else None)
