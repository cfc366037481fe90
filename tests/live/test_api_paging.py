"""Paging a named query with ``_limit`` / ``_offset`` over real HTTP: the pages add up."""

from __future__ import annotations

import csv
import io

import pytest
import requests

pytestmark = pytest.mark.live

TOCILIZUMAB = "KGCASE:0000100"


def get(server, name: str, **params: str) -> requests.Response:
    return requests.get(f"{server.url}/api/queries/{name}", params=params, timeout=30)


def test_pages_followed_by_their_links_give_the_whole_answer_once(seed_server):
    """Past the server's row limit too (50 here): the first 50 rows are the unpaged answer's."""
    whole = get(seed_server, "effects_of_drug", drug=TOCILIZUMAB).json()
    limit = seed_server.max_rows
    assert whole["truncated"] is True and len(whole["rows"]) == limit
    rows: list[dict] = []
    url: str | None = f"{seed_server.url}/api/queries/effects_of_drug"
    params: dict[str, str] | None = {"drug": TOCILIZUMAB, "_limit": "20"}
    pages = 0
    while url:
        r = requests.get(url, params=params, timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["limit"], body["offset"]) == (20, 20 * pages)
        assert body["columns"] == whole["columns"] and body["truncated"] is False
        assert "X-KGCase-Truncated" not in r.headers
        assert len(body["rows"]) == 20 or body["next"] is None
        if body["next"]:
            assert r.headers["Link"] == f'<{body["next"]}>; rel="next"'
        else:
            assert "Link" not in r.headers
        rows += body["rows"]
        url, params, pages = body["next"], None, pages + 1
    assert rows[:limit] == whole["rows"] and len(rows) > limit
    assert len({row["effect"] for row in rows}) == len(rows)  # no row on two pages
    assert pages == -(-len(rows) // 20)


def test_a_page_past_the_end_is_empty_and_csv_pages_link_too(seed_server):
    empty = get(seed_server, "effects_of_drug", drug=TOCILIZUMAB, _offset="100000").json()
    assert empty["rows"] == [] and empty["next"] is None and empty["offset"] == 100000
    r = get(seed_server, "effects_of_drug", drug=TOCILIZUMAB, _limit="2", _format="csv")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(r.text)))) == 1 + 2  # header and two rows
    assert "_offset=2" in r.headers["Link"] and "_format=csv" in r.headers["Link"]


@pytest.mark.parametrize(("params", "fragment"), [
    ({"_limit": "0"}, "_limit='0': give a whole number from 1 to"),
    ({"_limit": "ten"}, "_limit='ten'"),
    ({"_limit": "-1"}, "_limit='-1'"),
    ({"_offset": "1.5"}, "_offset='1.5': give a whole number from 0"),
    ({"_limit": "51"}, "_limit='51': give a whole number from 1 to 50"),
])
def test_bad_page_parameters_are_refused_with_the_range(seed_server, params, fragment):
    r = get(seed_server, "effects_of_drug", drug=TOCILIZUMAB, **params)
    assert r.status_code == 400
    assert fragment in r.json()["error"]


def test_a_query_without_order_by_is_not_paged(live_server):
    r = get(live_server, "drug_patients", label="tocilizumab", _limit="1")
    assert r.status_code == 400
    assert "drug_patients cannot be paged: only a SELECT with ORDER BY" in r.json()["error"]
    described = requests.get(f"{live_server.url}/api/openapi.json", timeout=10).json()
    names = {p: [q["name"] for q in d["get"]["parameters"]]
             for p, d in described["paths"].items() if p.startswith("/api/queries/")}
    assert "_limit" not in names["/api/queries/drug_patients"]
    assert {"_limit", "_offset"} <= set(names["/api/queries/measurements_above"])
