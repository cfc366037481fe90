"""Readers, one module per input format; :func:`read` picks one by the file's suffix and content."""

from __future__ import annotations

from pathlib import Path

from kgcase.draft.document import Document
from kgcase.draft.readers.errors import ReaderError

__all__ = ["FORMATS", "ReaderError", "read"]

#: The formats and the suffixes that name them (XML is told apart by its root element).
FORMATS = {".txt": "text", ".text": "text", ".pdf": "pdf", ".xml": "xml", ".nxml": "jats",
           ".json": "bioc-json"}


def read(path: Path) -> list[Document]:
    """The documents in ``path`` (a PubMed or BioC file may hold several); raise ReaderError."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ReaderError(path, f"unknown input format {path.suffix or '(no suffix)'!r}",
                          f"give one of: {', '.join(sorted(FORMATS))}")
    if not path.is_file():
        raise ReaderError(path, "no such file", "check the path")
    if kind == "text":
        from kgcase.draft.readers.text import read_text
        return [read_text(path)]
    if kind == "pdf":
        from kgcase.draft.readers.pdf import read_pdf
        return [read_pdf(path)]
    if kind == "bioc-json":
        from kgcase.draft.readers.bioc import read_bioc_json
        return read_bioc_json(path)
    from kgcase.draft.readers.xml import read_xml
    return read_xml(path)
