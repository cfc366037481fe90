"""Excerpts found in a report's text as the build checks them, and marked where printed."""

from __future__ import annotations

from pathlib import Path

from kgcase.web.pages.sourcetext import mark

TEXT = (Path(__file__).resolve().parents[2] / "cases" / "sources" / "cabrera-2016.txt"
        ).read_text(encoding="utf-8")


def _marked(quote: str) -> tuple[str, list[str]]:
    result = mark(TEXT, {"x": quote})
    paragraphs = result.found.get("x", [])
    marked = "".join(s.text for p in result.paragraphs for s in p.segments if "x" in s.marks)
    return marked, [str(i) for i in paragraphs]


def test_a_quote_is_marked_where_it_is_printed_across_line_breaks() -> None:
    marked, paragraphs = _marked("TCZ (8 mg/kg/4 weeks) was initiated and etanercept was "
                                 "discontinued.")
    assert marked == "TCZ (8 mg/kg/4 weeks) was initiated and etanercept was discontinued."
    assert len(paragraphs) == 1


def test_an_omission_marks_each_fragment_even_across_paragraphs() -> None:
    marked, paragraphs = _marked("the level of double- … stranded DNA (dsDNA) autoantibodies "
                                 "was raised (table 1).")
    assert marked.startswith("the level of double-") and marked.endswith("was raised (table 1).")
    assert len(paragraphs) == 2


def test_a_quote_not_in_the_text_is_reported_not_placed() -> None:
    result = mark(TEXT, {"x": "a sentence the report never printed"})
    assert result.missing == ["x"] and "x" not in result.found


def test_headings_stand_apart_from_paragraphs() -> None:
    headings = [p for p in mark(TEXT, {}).paragraphs if p.heading]
    names = ["".join(s.text for s in p.segments).strip() for p in headings]
    assert names[:4] == ["ABSTRACT", "INTRODUCTION", "CASE REPORTS", "DISCUSSION"]
