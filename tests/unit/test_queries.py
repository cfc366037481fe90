"""The named-query catalogue: headers, typed parameters, and refusal of bad values."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import QUERIES
from kgcase.errors import QueryFileError, QueryParameterError
from kgcase.queries import load_catalogue, parse_query_file

GOOD = """#+ title: Effects on a test
#+ description: demo
#+ params:
#+   - name: test
#+     type: curie
#+     default: KGCASE:0000149
#+   - name: limit
#+     type: integer
#+     example: "5"
SELECT ?e ?test ?limit WHERE { ?e <https://w3id.org/kgcase/KGCASE_0001020> ?test } LIMIT 10
"""


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_queries_catalogue_loads_every_file():
    catalogue = load_catalogue(QUERIES)
    assert len(catalogue) == len(list(QUERIES.glob("*.rq")))
    for nq in catalogue.values():
        assert nq.title and nq.description, nq.name
        assert all(p.example for p in nq.params), f"{nq.name}: give every parameter an example"


def test_queries_bind_types(tmp_path):
    nq = parse_query_file(write(tmp_path, GOOD))
    bound = nq.bind({"limit": "3"})
    assert bound["test"] == ox.NamedNode("https://w3id.org/kgcase/KGCASE_0000149")
    assert bound["limit"].value == "3"
    assert nq.bind({"test": "https://example.org/x"})["test"].value == "https://example.org/x"


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"test": "NOPE:1"}, "valid prefixes"),
        ({"test": "<http://x> } ; DROP ALL"}, "cannot expand"),
        ({"test": 'http://x" } DROP ALL { "'}, "not a valid IRI"),
        ({"test": "http://x>"}, "not a valid IRI"),
        ({"limit": "3; DROP ALL"}, "not an integer"),
        ({"limit": "1" * 40}, "not an integer"),
        ({"other": "1"}, "unknown parameter"),
    ],
)
def test_queries_refuse_bad_parameters(tmp_path, params, words):
    nq = parse_query_file(write(tmp_path, GOOD))
    with pytest.raises(QueryParameterError, match=words):
        nq.bind(params)


def test_queries_refuse_long_strings(tmp_path):
    text = GOOD.replace("type: integer", "type: string")
    nq = parse_query_file(write(tmp_path, text))
    assert nq.bind({"limit": "x" * 1000})["limit"].value == "x" * 1000
    with pytest.raises(QueryParameterError, match="longer than"):
        nq.bind({"limit": "x" * 15000})


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("#+ title: Effects on a test\n", ""), "title"),
        (("type: curie", "type: uri"), "not one of"),
        (("name: limit", "name: Limit"), "snake_case"),
        (("?test", "?tst"), "not a variable"),
        (("SELECT ?e ?test ?limit WHERE", "SELEKT ?e ?test ?limit WHERE"), "syntax error"),
        (("#+ description: demo", "#+ description: [demo"), "not valid YAML"),
        (("default: KGCASE:0000149", "default: NOPE:1"), "valid prefixes"),
    ],
)
def test_queries_refuse_broken_files(tmp_path, edit, words):
    path = write(tmp_path, GOOD.replace(*edit))
    with pytest.raises(QueryFileError, match=words) as info:
        parse_query_file(path)
    assert str(path) in str(info.value)


DETAIL = """#+ title: Effects of a test, one by one
#+ description: demo detail
#+ params:
#+   - name: test
#+     type: curie
#+     example: KGCASE:0000149
SELECT ?e ?test ?kind WHERE { ?e <https://w3id.org/kgcase/KGCASE_0001020> ?test ;
  <https://w3id.org/kgcase/KGCASE_0002038> ?kind } ORDER BY ?e
"""
EVIDENCE = """#+ evidence:
#+   query: detail
#+   params: {test: test}
#+   match: {kind: e}
#+   label: the effects counted
"""


def test_evidence_links_a_summary_to_its_detail(tmp_path):
    write(tmp_path, DETAIL, "detail.rq")
    write(tmp_path, EVIDENCE + GOOD, "summary.rq")
    summary = load_catalogue(tmp_path)["summary"]
    assert summary.evidence is not None
    assert summary.evidence.params == (("test", "test"),)
    assert summary.evidence.match == (("kind", "e"),)
    assert summary.columns == ("e", "test", "limit")


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("query: detail", "query: nowhere"), "no named query 'nowhere'"),
        (("{test: test}", "{tests: test}"), "detail has no parameter 'tests'"),
        (("{test: test}", "{test: drug}"), "'drug' is not a column or parameter"),
        (("{kind: e}", "{kinds: e}"), "detail has no column 'kinds'"),
        (("{kind: e}", "{kind: limit2}"), "'limit2' is not a column"),
        (("label:", "lable:"), "unknown keys lable"),
        (("#+ evidence:", "#+ evidences:"), "unknown header keys evidences"),
    ],
)
def test_a_bad_evidence_is_a_load_error_naming_the_file(tmp_path, edit, words):
    write(tmp_path, DETAIL, "detail.rq")
    path = write(tmp_path, (EVIDENCE + GOOD).replace(*edit), "summary.rq")
    with pytest.raises(QueryFileError, match=words) as info:
        load_catalogue(tmp_path)
    assert str(path) in str(info.value)
