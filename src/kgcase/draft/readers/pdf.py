"""PDF through pdfplumber: the text of each page in reading order, then the text reader's split."""

from __future__ import annotations

from pathlib import Path

from kgcase.draft.document import Document
from kgcase.draft.readers.errors import ReaderError
from kgcase.draft.readers.text import text_document


def read_pdf(path: Path) -> Document:
    """Read a PDF with a text layer (scanned pages without one are refused)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            pages = [page.extract_text(layout=False) or "" for page in pdf.pages]
            meta = dict(pdf.metadata or {})
    except (PDFSyntaxError, PdfminerException) as exc:
        raise ReaderError(path, f"not a readable PDF ({type(exc).__name__})",
                          "check the file is a complete PDF") from None
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise ReaderError(path, "the PDF has no text layer (scanned pages?)",
                          "run OCR on it first, or give the report's text")
    doc = text_document(path, text)
    title = str(meta.get("Title") or "").strip()
    if title:
        doc.citation.title = title
    author = str(meta.get("Author") or "").strip()
    if author:
        doc.citation.authors = [a.strip() for a in author.replace(";", ",").split(",") if a.strip()]
    return doc
