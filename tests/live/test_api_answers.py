"""Named queries answered from the build's tables, over real HTTP: the same rows as /sparql."""

from __future__ import annotations

import json

import pytest
import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from kgcase.answers.plan import answer_plans
from kgcase.queries import load_catalogue
from kgcase.store.binding import bind_values

pytestmark = pytest.mark.live

SPARQL_JSON = "application/sparql-results+json"


def _canonical(concat: tuple[tuple[str, str], ...], row: dict) -> str:
    row = dict(row)
    for column, separator in concat:
        if column in row:
            row[column] = {**row[column],
                           "value": separator.join(sorted(row[column]["value"].split(separator)))}
    return json.dumps(row, sort_keys=True)


def test_materialised_answers_are_marked_and_equal_the_query_sent_to_sparql(seed_server):
    catalogue = load_catalogue(seed_server.queries_dir)
    plans = answer_plans(seed_server.queries_dir)
    assert plans
    client = SPARQLWrapper(seed_server.sparql)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    for plan in plans:
        named = catalogue[plan.name]
        r = requests.get(f"{seed_server.url}/api/queries/{plan.name}",
                         headers={"Accept": SPARQL_JSON}, timeout=30)
        assert r.status_code == 200, r.text
        assert r.headers["X-KGCase-Precomputed"] == "true", plan.name
        client.setQuery(bind_values(named.sparql, named.bind({})))
        want = client.queryAndConvert()
        got = r.json()
        assert got["head"]["vars"] == want["head"]["vars"]
        want_rows = want["results"]["bindings"][: seed_server.max_rows]
        got_rows = got["results"]["bindings"]
        if len(want["results"]["bindings"]) <= seed_server.max_rows:
            assert (sorted(_canonical(plan.concat, b) for b in got_rows)
                    == sorted(_canonical(plan.concat, b) for b in want_rows)), plan.name
        else:  # both cut at the row limit: the same count, and the same order values
            assert r.headers["X-KGCase-Truncated"] == "true"
            assert len(got_rows) == len(want_rows)
        columns = got["head"]["vars"]
        keys = [[json.dumps(b.get(v), sort_keys=True) for v, _ in plan.order if v in columns]
                for b in got_rows]
        assert keys == [[json.dumps(b.get(v), sort_keys=True) for v, _ in plan.order
                         if v in columns] for b in want_rows], plan.name


def test_the_same_text_sent_to_sparql_runs_on_the_store(seed_server):
    named = load_catalogue(seed_server.queries_dir)["drug_effect_summary"]
    r = requests.post(seed_server.sparql, data={"query": bind_values(named.sparql, named.bind({}))},
                      headers={"Accept": SPARQL_JSON}, timeout=30)
    assert r.status_code == 200 and r.json()["results"]["bindings"]
    assert "X-KGCase-Precomputed" not in r.headers


def test_a_precomputed_answer_keeps_its_etag_and_304(seed_server):
    url = f"{seed_server.url}/api/queries/patients_with_finding"
    first = requests.get(url, timeout=30)
    assert first.headers["X-KGCase-Precomputed"] == "true"
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304
