"""PDF through pdfplumber: ruled tables as tables, the rest of each page's text in reading
order, split as plain text is."""

from __future__ import annotations

import re
from pathlib import Path

from kgcase.draft.document import Document, TableData
from kgcase.draft.readers.errors import ReaderError
from kgcase.draft.readers.text import text_document

_CAPTION = re.compile(r"^\s*Table\s+\d+\b", re.IGNORECASE)


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return bool(obj.get("x0", -1) >= x0 and obj.get("x1", 1e9) <= x1
                and obj.get("top", -1) >= top and obj.get("bottom", 1e9) <= bottom)


def read_pdf(path: Path) -> Document:
    """Read a PDF with a text layer (scanned pages without one are refused)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            pages, grids = [], []
            for page in pdf.pages:
                found = page.find_tables()
                boxes = [t.bbox for t in found]
                grids += [t.extract() for t in found]
                outside = page.filter(lambda o, boxes=boxes: not any(_inside(o, b) for b in boxes))
                pages.append(outside.extract_text(layout=False) or "")
            meta = dict(pdf.metadata or {})
    except (PDFSyntaxError, PdfminerException) as exc:
        raise ReaderError(path, f"not a readable PDF ({type(exc).__name__})",
                          "check the file is a complete PDF") from None
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise ReaderError(path, "the PDF has no text layer (scanned pages?)",
                          "run OCR on it first, or give the report's text")
    doc = text_document(path, text)
    captions = [ln.strip() for ln in text.splitlines() if _CAPTION.match(ln)]
    for n, grid in enumerate(g for g in grids if len(g) >= 2 and len(g[0]) >= 2):
        cells = [[" ".join((c or "").split()) for c in row] for row in grid]
        caption = captions[n] if n < len(captions) else f"Table {n + 1}"
        doc.add_table(TableData(f"table{len(doc.tables) + 1}", caption, cells[0][1:],
                                [(r[0], r[1:]) for r in cells[1:] if r and r[0]]))
    title = str(meta.get("Title") or "").strip()
    if title:
        doc.citation.title = title
    author = str(meta.get("Author") or "").strip()
    if author:
        doc.citation.authors = [a.strip() for a in author.replace(";", ",").split(",") if a.strip()]
    return doc
