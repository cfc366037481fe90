"""The plan of a materialised query: what it accepts, and that its sort key orders as
pyoxigraph's ORDER BY does; the answer table's writer and reader."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgcase.answers.plan import answer_plans, natural_parts, plan_for, sort_key
from kgcase.answers.table import AnswerTables, AnswerWriter
from kgcase.errors import QueryFileError
from kgcase.queries import parse_query_file

ROOT = Path(__file__).resolve().parents[2]
XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER = ("#+ title: T\n#+ materialise: true\n#+ params:\n"
          "#+   - {name: x, type: curie, default: 'KGCASE:0000100'}\n")


def _lit(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype) if datatype else None)


STRINGS = [_lit(s) for s in ("", "a", "A", "ab", "a\x00", "a b", "Z", "é", "ä", "日本",
                             "a\U0001F600", "b", "ba", "10", "9")]
NUMBERS = [_lit("1", "integer"), _lit("-3", "integer"), _lit("2.5", "decimal"),
           _lit("-0.5", "decimal"), _lit("10", "integer"), _lit("1e3", "double"),
           _lit("-2E-2", "double"), _lit("0", "integer"), _lit("7.25", "decimal")]
IRIS = [ox.NamedNode(i) for i in ("urn:a", "urn:B", "urn:a:b", "http://x/y", "http://x/ya")]


def _engine_order(rows: list[tuple], order: list[tuple[str, bool]] | None,
                  names: list[str] | None = None) -> list[tuple]:
    """``rows`` as pyoxigraph orders them (``order`` None: as it reads them, in input order)."""
    names = names or [name for name, _ in order or ()]
    values = " ".join("(" + " ".join("UNDEF" if v is None else str(v) for v in row) + ")"
                      for row in rows)
    clause = " ".join(f"DESC(?{n})" if desc else f"?{n}" for n, desc in order or ())
    query = (f"SELECT * WHERE {{ VALUES ({' '.join('?' + n for n in names)}) {{ {values} }} }} "
             + (f"ORDER BY {clause}" if order else ""))
    return [tuple(s[n] for n in names) for s in ox.Store().query(query)]


@pytest.mark.parametrize("kind", [STRINGS, NUMBERS, IRIS], ids=["strings", "numbers", "iris"])
@pytest.mark.parametrize("descending", [False, True])
def test_the_sort_key_orders_one_kind_of_value_as_pyoxigraph_does(kind, descending):
    rows = _engine_order([(v,) for v in [*kind, None]], None, ["a"])  # as the engine reads them
    random.Random(1).shuffle(rows)
    order = [("a", descending)]
    ours = sorted(rows, key=lambda r: sort_key(r, order))
    assert ours == _engine_order(rows, order)


def test_the_sort_key_orders_several_conditions_as_pyoxigraph_does():
    labels = [_lit(s) for s in ("x", "xy", "y")]
    months = [_lit(m, "integer") for m in ("1", "12", "3")] + [None]
    rows = list(itertools.product(labels, labels, months))
    random.Random(2).shuffle(rows)
    for order in ([("a", False), ("b", True), ("c", False)],
                  [("a", True), ("b", False), ("c", True)]):
        assert sorted(rows, key=lambda r: sort_key(r, order)) == _engine_order(rows, order)


def test_group_concat_parts_are_put_in_natural_order():
    assert natural_parts("10, 5, 4", ", ") == "4, 5, 10"
    assert natural_parts('b: "x" | a: "y"', " | ") == 'a: "y" | b: "x"'
    assert natural_parts("Table 1, row 10 | Table 1, row 9", " | ") == (
        "Table 1, row 9 | Table 1, row 10")


def _query(tmp_path: Path, body: str, header: str = HEADER):
    path = tmp_path / "q.rq"
    path.write_text(header + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + body)
    return parse_query_file(path)


@pytest.mark.parametrize(("body", "message"), [
    ("SELECT ?x ?l WHERE { ?x rdfs:label ?l }\n", "needs an ORDER BY"),
    ("SELECT ?x ?l WHERE { ?x rdfs:label ?l } ORDER BY ?l LIMIT 5\n", "its own LIMIT"),
    ("SELECT ?x ?l WHERE { ?x rdfs:label ?l } ORDER BY STR(?l)\n", "only variables"),
    ("SELECT DISTINCT ?x WHERE { ?x rdfs:label ?l } ORDER BY ?l\n", "must SELECT what it orders"),
    ("ASK { ?x rdfs:label ?l }\n", "needs a SELECT"),
])
def test_a_query_a_table_cannot_answer_exactly_is_refused_with_the_reason(tmp_path, body,
                                                                          message):
    with pytest.raises(QueryFileError, match=message):
        plan_for(_query(tmp_path, body))


def test_a_literal_parameter_is_refused(tmp_path):
    header = ("#+ title: T\n#+ materialise: true\n#+ params:\n"
              "#+   - {name: x, type: string, default: 'a'}\n")
    with pytest.raises(QueryFileError, match="needs IRI parameters"):
        plan_for(_query(tmp_path, "SELECT ?x WHERE { ?s rdfs:label ?x } ORDER BY ?x\n", header))


def test_materialise_must_be_a_known_scope(tmp_path):
    header = HEADER.replace("materialise: true", "materialise: yes please")
    with pytest.raises(QueryFileError, match="true \\(per-report\\), whole-graph or false"):
        _query(tmp_path, "SELECT ?x WHERE { ?x rdfs:label ?l } ORDER BY ?l\n", header)


@pytest.mark.parametrize(("given", "scope"), [("true", "per-report"), ("per-report", "per-report"),
                                             ("whole-graph", "whole-graph")])
def test_materialise_names_where_the_build_answers_the_query(tmp_path, given, scope):
    header = HEADER.replace("materialise: true", f"materialise: {given}")
    plan = plan_for(_query(tmp_path, "SELECT ?x WHERE { ?x rdfs:label ?l } ORDER BY ?l\n", header))
    assert plan.scope == scope


def test_order_variables_the_query_does_not_project_are_added_to_the_build_form(tmp_path):
    plan = plan_for(_query(tmp_path, "SELECT ?x WHERE { ?x rdfs:label ?l } ORDER BY DESC(?l)\n"))
    assert plan.columns == ("x",) and plan.order == (("l", True),)
    assert [v.value for v in ox.Store().query(plan.sparql).variables] == ["l", "x"]
    shipped = {p.name: p for p in answer_plans(ROOT / "queries")}
    assert shipped["effects_of_drug"].concat == (("source", " | "),)
    assert "fromMonths" not in shipped["effects_of_drug"].columns


def test_the_table_keeps_answer_order_then_arrival_and_one_of_each_distinct_row(tmp_path):
    plans = [plan_for(_query(tmp_path, "SELECT ?x ?l WHERE { ?x rdfs:label ?l } ORDER BY ?l\n"))]
    writer = AnswerWriter(tmp_path / "answers.sqlite", plans)
    q = plans[0].name
    rows = [("<urn:p>", b"b", 1, None), ("<urn:p>", b"a", 2, None), ("<urn:p>", b"b", 3, None),
            ("<urn:o>", b"a", 4, None), ("<urn:p>", b"c", 5, b"h"), ("<urn:p>", b"c", 5, b"h")]
    writer.add([(q, param, key, f'{{"n":{n}}}', str(n), digest)
                for param, key, n, digest in rows])
    assert writer.close() == {q: 5}
    tables = AnswerTables.open(tmp_path)
    assert tables is not None
    page = tables.page(q, plans[0].digest, "<urn:p>", 0, 100)
    assert page is not None and page.columns == ["x", "l"]
    assert page.rows == [b'{"n":2}', b'{"n":1}', b'{"n":3}', b'{"n":5}']
    assert page.plain == [b"2", b"1", b"3", b"5"]
    assert tables.page(q, plans[0].digest, "<urn:p>", 1, 2).rows == [b'{"n":1}', b'{"n":3}']
    assert tables.page(q, plans[0].digest, "<urn:none>", 0, 10).rows == []
    assert tables.page(q, "another text", "<urn:p>", 0, 10) is None
    assert tables.page("another query", plans[0].digest, "<urn:p>", 0, 10) is None
    assert not (tmp_path / "answers.sqlite.staging").exists()
