"""PubMed XML (efetch ``PubmedArticleSet``): one document per article, abstract and MeSH."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from kgcase.draft.document import Citation, Document
from kgcase.draft.readers.errors import ReaderError
from kgcase.draft.readers.xml import text_of


def pubmed_documents(path: Path, root: etree._Element) -> list[Document]:
    articles = root.xpath("./PubmedArticle") if root.tag == "PubmedArticleSet" else [root]
    if not articles:
        raise ReaderError(path, "PubMed set without any <PubmedArticle>",
                          "fetch the records again with rettype=xml")
    return [_article(path, a) for a in articles]


def _one(el: etree._Element, xpath: str) -> str:
    found = el.xpath(xpath)
    return text_of(found[0]) if found else ""


def _article(path: Path, el: etree._Element) -> Document:
    pmid = _one(el, "./MedlineCitation/PMID")
    art = el.xpath("./MedlineCitation/Article")
    if not pmid or not art:
        raise ReaderError(path, "a <PubmedArticle> without PMID or <Article>",
                          "give complete PubMed XML records")
    article = art[0]
    authors = []
    for a in article.xpath("./AuthorList/Author"):
        last, initials = _one(a, "./LastName"), _one(a, "./Initials")
        name = f"{last} {initials}".strip() or _one(a, "./CollectiveName")
        if name:
            authors.append(name)
    year = _one(article, "./Journal/JournalIssue/PubDate/Year")
    doi = (_one(article, "./ELocationID[@EIdType='doi']")
           or _one(el, "./PubmedData/ArticleIdList/ArticleId[@IdType='doi']"))
    citation = Citation(
        title=_one(article, "./ArticleTitle").rstrip("."),
        authors=authors,
        journal=_one(article, "./Journal/Title") or None,
        year=int(year) if year.isdigit() else None,
        volume=_one(article, "./Journal/JournalIssue/Volume") or None,
        article=_one(article, "./Pagination/MedlinePgn") or None,
        doi=doi or None,
        pmid=pmid,
        mesh=[text_of(d) for d in el.xpath(".//MeshHeadingList/MeshHeading/DescriptorName")],
    )
    doc = Document(path=path, key=pmid, citation=citation)
    doc.add(citation.title or f"PMID {pmid}", "", "title")
    for part in article.xpath("./Abstract/AbstractText"):
        doc.add(text_of(part), part.get("Label", "Abstract").capitalize(), "abstract")
    return doc
