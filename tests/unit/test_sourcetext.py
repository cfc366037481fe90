"""Excerpts found in a report's text as the build checks them, and marked where printed."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgcase.web.gate import check_query
from kgcase.web.pages import sources, tree
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


@pytest.mark.parametrize(("text", "bindings"), [
    (sources.TABLE_CELLS, {"case": ox.NamedNode("urn:c"), "prefix": ox.Literal("urn:c/t/r")}),
    (sources.EXCERPTS, {"case": ox.NamedNode("urn:c")}),
    (sources.NOTES, {"case": ox.NamedNode("urn:c")}),
    (tree.ANCESTRY, {"s": ox.NamedNode("urn:x")}),
    (tree.CHILDREN_OF, {"s": ox.NamedNode("urn:x")}),
    (tree.TOP_CLASSES, {}),
])
def test_the_source_and_tree_queries_pass_the_gate_and_bind(text: str, bindings: dict) -> None:
    checked = check_query(text, frozenset())
    assert checked.services == () and not checked.has_dataset and checked.form == "select"
    # pyoxigraph binds only variables the query projects: this fails if one is not
    ox.Store().query(text, substitutions={ox.Variable(k): v for k, v in bindings.items()} or None)
