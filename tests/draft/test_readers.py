"""Every input format is read into one offset space with its citation; bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from draft.support import DATA, make_pdf
from kgcase.draft.readers import ReaderError, read


def test_text_sections_tables_and_citation():
    (doc,) = read(DATA / "negation-report.txt")
    assert doc.citation.title.startswith("Refractory polyarthritis")
    assert doc.citation.doi == "10.5555/kgcase.test.2025.1"
    sections = {p.section for p in doc.passages}
    assert {"INTRODUCTION", "CASE REPORT", "DISCUSSION"} <= sections
    (table,) = doc.tables
    assert table.columns == ["Baseline", "M6", "M12"]
    assert table.rows[0] == ("CRP (<5 mg/L)", ["42", "3", "<0.5"])
    for p in doc.passages:  # one offset space: each passage is the slice at its offset
        assert doc.text[p.offset:p.offset + len(p.text)] == p.text


def test_pdf_text_layer(tmp_path):
    pdf = make_pdf(tmp_path / "report.pdf", [
        "Tocilizumab in a girl with arthritis", "", "CASE REPORT",
        "A 6-year-old girl was diagnosed with juvenile idiopathic arthritis.",
        "There was no fever."])
    (doc,) = read(pdf)
    assert "juvenile idiopathic arthritis" in doc.text
    assert any(p.section == "CASE REPORT" for p in doc.passages)


def test_jats_front_matter_tables_and_references():
    (doc,) = read(DATA / "jats-article.xml")
    c = doc.citation
    assert (c.doi, c.pmid, c.year, c.volume, c.article) == (
        "10.5555/kgcase.jats.1", "99000001", 2024, "7", "e101")
    assert c.authors == ["Martin AC", "Okafor B"]
    assert c.journal == "Journal of Test Rheumatology"
    (table,) = doc.tables
    assert table.caption == "Table 1 Course of laboratory tests"
    assert table.rows[1] == ("ANA", ["negative", "positive"])
    assert "antinuclear antibodies [1]." in doc.text  # citations kept, bracketed
    assert any(p.kind == "reference" for p in doc.passages)


def test_pubmed_set_gives_one_document_per_article():
    docs = read(DATA / "pubmed-set.xml")
    assert [d.citation.pmid for d in docs] == ["99000011", "99000012"]
    first = docs[0].citation
    assert first.doi == "10.5555/kgcase.pubmed.11"
    assert first.mesh == ["Arthritis, Juvenile"]
    assert docs[1].citation.doi is None
    assert [p.section for p in docs[0].passages if p.kind == "abstract"] == ["Background", "Case"]


@pytest.mark.parametrize("name", ["bioc-collection.xml", "bioc-collection.json"])
def test_bioc_annotations_keep_their_offsets(name):
    (doc,) = read(DATA / name)
    assert doc.citation.doi and doc.citation.doi.startswith("10.5555/kgcase.bioc")
    assert doc.annotations
    for ann in doc.annotations:
        assert doc.text[ann.offset:ann.offset + ann.length] == ann.text


@pytest.mark.parametrize(("name", "content", "message"), [
    ("broken.xml", "<article><front></article>", "not well-formed XML (line 1"),
    ("other.xml", "<html><body/></html>", "unknown XML document <html>"),
    ("empty.txt", "   \n", "holds no text"),
    ("notbioc.json", '{"hello": 1}', "without a BioC 'documents' list"),
    ("broken.json", '{"documents": [', "not JSON"),
    ("bad.pdf", "%PDF-1.4 this is not a pdf", "PDF"),
    ("report.docx", "x", "unknown input format '.docx'"),
    ("set.xml", "<PubmedArticleSet></PubmedArticleSet>", "without any <PubmedArticle>"),
    ("nometa.xml", "<article><body/></article>", "without <front>/<article-meta>"),
])
def test_malformed_input_names_file_and_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReaderError) as err:
        read(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert "(fix: " in str(err.value)


def test_binary_text_is_refused(tmp_path: Path):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(ReaderError, match=r"not UTF-8|binary"):
        read(path)


def test_xml_entities_are_not_expanded(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>&x;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>", encoding="utf-8")
    docs = read(path)
    assert "TOP-SECRET" not in docs[0].text


def test_pdf_ruled_tables_become_tables(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kgcase.draft.run import draft_document

    fig = plt.figure(figsize=(8.27, 11.69))
    for n, line in enumerate(["Tocilizumab in a girl", "CASE REPORT",
                              "A 6-year-old girl was diagnosed with juvenile idiopathic arthritis.",
                              "Table 1 Laboratory values"]):
        fig.text(0.05, 0.95 - n * 0.03, line, fontsize=9)
    ax = fig.add_axes((0.05, 0.6, 0.9, 0.2))
    ax.axis("off")
    ax.table(cellText=[["Test", "Baseline", "M6"], ["CRP (<5 mg/L)", "40", "3"],
                       ["ANA", "1/640", "1/640"]], loc="center")
    fig.savefig(tmp_path / "t.pdf")
    plt.close(fig)
    (doc,) = read(tmp_path / "t.pdf")
    (table,) = doc.tables
    assert (table.caption, table.columns) == ("Table 1 Laboratory values", ["Baseline", "M6"])
    assert table.rows == [("CRP (<5 mg/L)", ["40", "3"]), ("ANA", ["1/640", "1/640"])]
    from draft.support import ONTOLOGY

    case = draft_document(doc, ONTOLOGY).to_dict()
    crp = next(m for p in case["patients"] for m in p.get("measurements", [])
               if m["test"] == "KGCASE:0000144")
    assert crp["values"] == {"M0": "40", "M6": "3"}
