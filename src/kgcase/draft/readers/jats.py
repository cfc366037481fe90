"""JATS (PMC open-access full text): front matter, abstract, sections, tables, references."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from kgcase.draft.document import Citation, Document, TableData
from kgcase.draft.readers.errors import ReaderError
from kgcase.draft.readers.xml import text_of


def _find(el: etree._Element, path: str) -> etree._Element | None:
    found = el.xpath(path)
    return found[0] if found else None


def jats_document(path: Path, root: etree._Element) -> Document:
    """One JATS ``<article>``."""
    meta = _find(root, "./front/article-meta")
    if meta is None:
        raise ReaderError(path, "JATS article without <front>/<article-meta>",
                          "give the full JATS XML of the article")
    doc = Document(path=path, key="", citation=_citation(root, meta))
    if not doc.citation.title:
        raise ReaderError(path, "JATS article without <article-title>", "give the full JATS XML")
    doc.add(doc.citation.title, "", "title")
    for abstract in meta.xpath("./abstract"):
        for sec in abstract.xpath("./sec") or [abstract]:
            heading = text_of(_find(sec, "./title")) or "Abstract"
            for p in sec.xpath("./p"):
                doc.add(text_of(p), heading, "abstract")
    for sec in root.xpath("./body/sec"):
        _section(doc, sec, "")
    for p in root.xpath("./body/p"):
        doc.add(text_of(p), "", "paragraph")
    for n, ref in enumerate(root.xpath("./back/ref-list/ref"), start=1):
        label = text_of(_find(ref, "./label")) or str(n)
        cited = text_of(_find(ref, "./*[contains(name(), 'citation')]"))
        doc.add(f"{label}. {cited}", "References", "reference")
    return doc


def _section(doc: Document, sec: etree._Element, parent: str) -> None:
    heading = text_of(_find(sec, "./title")) or parent
    for child in sec:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name == "p":
            text = text_of(child)
            if text:
                doc.add(text, heading, "paragraph")
            for wrap in child.xpath(".//table-wrap"):
                _table(doc, wrap, heading)
        elif name == "sec":
            _section(doc, child, heading)
        elif name == "table-wrap":
            _table(doc, child, heading)


def _table(doc: Document, wrap: etree._Element, section: str) -> None:
    label = text_of(_find(wrap, "./label"))
    caption = " ".join(x for x in (label, text_of(_find(wrap, "./caption"))) if x)
    head = wrap.xpath(".//thead/tr")
    columns = [text_of(c) for c in head[-1].xpath("./th|./td")] if head else []
    rows = []
    body = wrap.xpath(".//tbody/tr") or wrap.xpath(".//tr")[1 if head else 0:]
    for tr in body:
        cells = [text_of(c) for c in tr.xpath("./th|./td")]
        if cells:
            rows.append((cells[0], cells[1:]))
    if rows:
        table_id = f"table{len(doc.tables) + 1}"
        doc.add_table(TableData(table_id, caption or table_id, columns[1:], rows), section)


def _citation(root: etree._Element, meta: etree._Element) -> Citation:
    authors = []
    for name in meta.xpath("./contrib-group/contrib[@contrib-type='author']/name"):
        surname = text_of(_find(name, "./surname"))
        initials = "".join(w[0] for w in text_of(_find(name, "./given-names")).split() if w)
        authors.append(f"{surname} {initials}".strip())
    year = text_of(_find(meta, "./pub-date/year"))
    return Citation(
        title=text_of(_find(meta, "./title-group/article-title")),
        authors=authors,
        journal=text_of(_find(root, "./front/journal-meta//journal-title")) or None,
        year=int(year) if year.isdigit() else None,
        volume=text_of(_find(meta, "./volume")) or None,
        article=text_of(_find(meta, "./elocation-id")) or text_of(_find(meta, "./fpage")) or None,
        doi=text_of(_find(meta, "./article-id[@pub-id-type='doi']")) or None,
        pmid=text_of(_find(meta, "./article-id[@pub-id-type='pmid']")) or None,
    )
