"""BioC XML and JSON (e.g. PubTator exports): passages, and annotations kept as candidates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kgcase.draft.document import Annotation, Citation, Document
from kgcase.draft.readers.errors import ReaderError


def read_bioc_xml(path: Path) -> list[Document]:
    from bioc import biocxml

    try:
        with path.open("rb") as fh:
            collection = biocxml.load(fh)
    except Exception as exc:  # the bioc package raises bare exceptions on bad structure
        raise ReaderError(path, f"not a BioC collection ({exc})",
                          "check it against the BioC DTD") from None
    return _documents(path, collection)


def read_bioc_json(path: Path) -> list[Document]:
    from bioc.biocjson.decoder import parse_collection

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReaderError(path, f"not JSON ({exc})", "repair the JSON or export it again") from None
    if not isinstance(raw, dict) or "documents" not in raw:
        raise ReaderError(path, "JSON without a BioC 'documents' list",
                          "give a BioC JSON collection (source, date, key, documents)")
    try:
        collection = parse_collection(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReaderError(path, f"BioC JSON with a missing or bad field ({exc!r})",
                          "each passage needs offset and text; each annotation locations") from None
    return _documents(path, collection)


def _documents(path: Path, collection: Any) -> list[Document]:
    if not collection.documents:
        raise ReaderError(path, "BioC collection without documents", "give at least one document")
    return [_document(path, d) for d in collection.documents]


def _document(path: Path, d: Any) -> Document:
    doc = Document(path=path, key=str(d.id or ""))
    section = ""
    for n, passage in enumerate(d.passages):
        infons = passage.infons or {}
        kind = infons.get("type", "paragraph")
        text = passage.text or ""
        if not text.strip():
            continue
        if kind.startswith("title") and n > 0:
            section = text.strip()
            continue
        if n == 0 or kind == "front":
            doc.citation = _citation(infons, text)
            ours = doc.add(doc.citation.title, "", "title")
        else:
            section = infons.get("section_type", "").capitalize() or section
            ours = doc.add(text, section, "abstract" if kind == "abstract" else "paragraph")
        shift = len(text) - len(text.lstrip())
        for ann in passage.annotations:
            for loc in ann.locations:
                start = loc.offset - passage.offset - shift + ours.offset
                doc.annotations.append(Annotation(
                    start, loc.length, ann.text or "", ann.infons.get("type", ""),
                    ann.infons.get("identifier", "") or ann.infons.get("Identifier", "")))
    return doc


def _citation(infons: dict[str, str], title: str) -> Citation:
    authors = []
    for key in sorted(k for k in infons if k.startswith("name_")):
        parts = dict(p.split(":", 1) for p in infons[key].split(";") if ":" in p)
        initials = "".join(w[0] for w in parts.get("given-names", "").split() if w)
        authors.append(f"{parts.get('surname', '')} {initials}".strip())
    year = infons.get("year", "")
    return Citation(title=title.strip(), authors=authors, journal=infons.get("source") or None,
                    year=int(year) if year.isdigit() else None, volume=infons.get("volume"),
                    doi=infons.get("article-id_doi"), pmid=infons.get("article-id_pmid"))
