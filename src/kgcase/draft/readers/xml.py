"""XML inputs: the root element says which format (JATS article, PubMed set, BioC collection)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from kgcase.draft.document import Document
from kgcase.draft.readers.errors import ReaderError

#: No DTD loading, entity expansion or network access: inputs are untrusted files.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(path: Path) -> etree._Element:
    """The root element of ``path``, or a ReaderError naming the line of the first XML error."""
    try:
        return etree.parse(str(path), PARSER).getroot()
    except etree.XMLSyntaxError as exc:
        line = f"line {exc.lineno}: " if exc.lineno else ""
        raise ReaderError(path, f"not well-formed XML ({line}{exc.msg})",
                          "repair the XML or export the file again") from None


def read_xml(path: Path) -> list[Document]:
    root = parse(path)
    tag = etree.QName(root).localname
    if tag == "article":
        from kgcase.draft.readers.jats import jats_document
        return [jats_document(path, root)]
    if tag in ("PubmedArticleSet", "PubmedArticle"):
        from kgcase.draft.readers.pubmed import pubmed_documents
        return pubmed_documents(path, root)
    if tag == "collection":
        from kgcase.draft.readers.bioc import read_bioc_xml
        return read_bioc_xml(path)
    raise ReaderError(path, f"unknown XML document <{tag}>",
                      "give JATS (<article>), PubMed (<PubmedArticleSet>) or BioC (<collection>)")


def text_of(el: etree._Element | None) -> str:
    """All text inside ``el`` with whitespace collapsed; citations (xref bibr) in brackets."""
    if el is None:
        return ""
    parts: list[str] = []
    _collect(el, parts, top=True)
    return " ".join("".join(parts).split())


def _collect(el: etree._Element, parts: list[str], top: bool = False) -> None:
    name = etree.QName(el).localname if isinstance(el.tag, str) else ""
    if not top and name in ("table-wrap", "fig", "sec", "title"):
        if el.tail:
            parts.append(el.tail)
        return
    cite = name == "xref" and el.get("ref-type") == "bibr"
    if cite:
        parts.append("[")
    if el.text:
        parts.append(el.text)
    for child in el:
        _collect(child, parts)
    if cite:
        parts.append("]")
    if not top and el.tail:
        parts.append(el.tail)
