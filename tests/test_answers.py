"""Answers computed at build time equal the same named queries run on the built store.

The corpus is the seed case plus 60 synthetic reports, built with two workers (the path a large
build takes). For every materialised query and every parameter value it has rows for, plus its
example and a value with no rows, the answer read from ``answers.sqlite`` is compared with the
query run on the store with the value bound, as the query workers run both:
- the same columns, and the same rows (as a multiset);
- the same order, up to ties (rows with equal ORDER BY values may come in any order);
- GROUP_CONCAT values with the same parts (SPARQL leaves their order to the engine).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import CASES, ONTOLOGY, QUERIES, seed_and_synthetic
from kgcase.answers.plan import AnswerPlan, answer_plans, param_key
from kgcase.answers.table import ANSWERS_FILE, AnswerRequest, AnswerTables
from kgcase.build import BuildInputs, build
from kgcase.errors import QueryFileError
from kgcase.queries import load_catalogue
from kgcase.store import release_dir
from kgcase.web.api import render
from kgcase.web.negotiate import API_OFFERS, format_by_key
from kgcase.web.service import from_tables
from kgcase.web.worker import Job, execute

N = 60
ABSENT = "<https://w3id.org/kgcase/no-such-term>"
PLAIN = format_by_key("plain", API_OFFERS)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    corpus = seed_and_synthetic(tmp_path_factory.mktemp("answers-corpus"), N, 3)
    data_dir = tmp_path_factory.mktemp("answers-data")
    build(BuildInputs(cases_dir=corpus, ontology_dir=ONTOLOGY, data_dir=data_dir, progress=False,
                      jobs=2, queries_dir=QUERIES), log=lambda _m: None)
    return release_dir(data_dir)


CATALOGUE = load_catalogue(QUERIES)


def _job(release: Path, plan: AnswerPlan, key: str, **kw: Any) -> Job:
    """The query of ``plan`` with the parameter values of ``key`` (tab-separated IRIs) bound."""
    values = [ox.NamedNode(v[1:-1]) for v in key.split("\t")]
    return Job(release_path=str(release), sparql=CATALOGUE[plan.name].sparql, select_fmt="json",
               graph_fmt="json", max_rows=10**6, values_binding=True,
               bindings=tuple(zip(plan.params, values, strict=True)), **kw)


def _canonical(plan: AnswerPlan, row: dict[str, Any]) -> str:
    row = dict(row)
    for column, separator in plan.concat:
        if column in row:
            parts = sorted(row[column]["value"].split(separator))
            row[column] = {**row[column], "value": separator.join(parts)}
    return json.dumps(row, sort_keys=True)


def _order_values(plan: AnswerPlan, columns: list[str], rows: list[dict[str, Any]]) -> list:
    return [tuple(json.dumps(r.get(v), sort_keys=True) for v, _ in plan.order if v in columns)
            for r in rows]


def test_the_build_writes_a_table_for_every_materialised_query(release):
    plans = answer_plans(QUERIES)
    assert {p.name for p in plans} >= {"effects_of_drug", "patients_with_finding",
                                        "treatments_before_and_with"}
    manifest = json.loads((release / "release.json").read_text())
    assert set(manifest["answers"]) == {p.name for p in plans}
    assert all(rows > 0 for rows in manifest["answers"].values())
    assert not (release / (ANSWERS_FILE + ".staging")).exists()


def test_every_materialised_answer_equals_the_query_run_on_the_store(release):
    tables = AnswerTables.open(release)
    assert tables is not None
    store = ox.Store.read_only(str(release / "oxigraph"))
    compared = Counter()
    for plan in answer_plans(QUERIES):
        named = CATALOGUE[plan.name]
        example = param_key([p.to_term(p.example) for p in named.params])
        absent = "\t".join([ABSENT] * len(named.params))
        keys = {k.decode() for (k,) in tables.db.execute(
            "SELECT DISTINCT param FROM answers WHERE query = ?", (plan.name,))}
        assert keys and all(k.startswith("<") for k in keys)
        for key in sorted(keys | {example, absent}):
            live = execute(store, _job(release, plan, key))
            table = from_tables(tables, _job(release, plan, key, answer=AnswerRequest(
                plan.name, plan.digest, key)))
            assert table is not None and table.precomputed and not live.precomputed
            # the plain JSON kept in the table is what the API makes of the SPARQL JSON
            assert (render(plan.name, table, PLAIN)
                    == render(plan.name, replace(table, plain=None), PLAIN))
            want, got = json.loads(live.body), json.loads(table.body)
            columns = want["head"]["vars"]
            assert got["head"]["vars"] == columns, plan.name
            want_rows, got_rows = want["results"]["bindings"], got["results"]["bindings"]
            assert (Counter(_canonical(plan, r) for r in got_rows)
                    == Counter(_canonical(plan, r) for r in want_rows)), (plan.name, key)
            assert (_order_values(plan, columns, got_rows)
                    == _order_values(plan, columns, want_rows)), (plan.name, key)
            compared[plan.name] += len(want_rows)
        assert compared[plan.name] > 0, plan.name
    assert sum(compared.values()) > 1000


def test_a_page_of_a_table_is_that_slice_of_the_whole_answer(release):
    tables = AnswerTables.open(release)
    assert tables is not None
    plan = next(p for p in answer_plans(QUERIES) if p.name == "effects_of_drug")
    key = "<https://w3id.org/kgcase/KGCASE_0000100>"  # tocilizumab
    base = _job(release, plan, key)
    whole = json.loads(from_tables(tables, replace(base, answer=AnswerRequest(
        plan.name, plan.digest, key))).body)["results"]["bindings"]
    assert len(whole) > 20
    page = from_tables(tables, replace(base, max_rows=5, answer=AnswerRequest(
        plan.name, plan.digest, key, offset=7)))
    assert page is not None and page.truncated and page.count == 5
    assert json.loads(page.body)["results"]["bindings"] == whole[7:12]


def test_a_query_edited_since_the_build_runs_on_the_store(release):
    tables = AnswerTables.open(release)
    assert tables is not None
    plan = next(p for p in answer_plans(QUERIES) if p.name == "effects_of_drug")
    key = "<https://w3id.org/kgcase/KGCASE_0000100>"
    store = ox.Store.read_only(str(release / "oxigraph"))
    job = _job(release, plan, key, answer=AnswerRequest(plan.name, "0" * 64, key))
    assert from_tables(tables, job) is None
    outcome = execute(store, job)
    assert not outcome.precomputed and outcome.count > 0


def test_a_build_without_queries_writes_no_table(built_data_dir, tmp_path):
    # the session's seed build has the tables; a build without a queries directory has none
    assert (release_dir(built_data_dir) / ANSWERS_FILE).is_file()
    assert AnswerTables.open(tmp_path) is None


def test_a_query_the_ontology_alone_answers_is_refused_and_the_build_changes_nothing(
        built_data_dir, tmp_path):
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "labels.rq").write_text(
        "#+ title: Labels\n#+ materialise: true\n#+ params:\n"
        "#+   - {name: term, type: curie, default: 'KGCASE:0000100'}\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?term ?label WHERE { ?term rdfs:label ?label } ORDER BY ?label\n")
    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir, data_dir, symlinks=True)
    before = release_dir(data_dir)
    with pytest.raises(QueryFileError, match="ontology alone gives it rows"):
        build(BuildInputs(cases_dir=CASES, ontology_dir=ONTOLOGY, data_dir=data_dir,
                          progress=False, reason=False, queries_dir=queries),
              log=lambda _m: None)
    assert release_dir(data_dir) == before
    assert sqlite3.connect(before / ANSWERS_FILE).execute(
        "SELECT count(*) FROM queries").fetchone()[0] > 0
