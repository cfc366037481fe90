"""Named queries under /api over real HTTP: tables, formats, typed parameters, OpenAPI."""

from __future__ import annotations

import csv
import io

import pytest
import requests

pytestmark = pytest.mark.live

KG = "https://w3id.org/kgcase/"
TOCILIZUMAB = "https://go.drugbank.com/drugs/DB06273"
ANTI_DSDNA = "KGCASE:0000149"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
QUERY_NAMES = ["drug_patients", "measurements_above", "patient_diagnoses"]


def api(server, path: str, **kwargs) -> requests.Response:
    return requests.get(f"{server.url}/api/{path}", timeout=10, **kwargs)


def assert_error(r: requests.Response, status: int, fragment: str) -> None:
    assert r.status_code == status
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body == {"ok": False, "error": body["error"], "status": status}
    assert fragment in body["error"]


def test_catalogue_lists_queries_with_params(live_server):
    body = api(live_server, "queries").json()
    assert body["ok"] is True
    assert [q["name"] for q in body["queries"]] == QUERY_NAMES
    above = body["queries"][1]
    assert [(p["name"], p["type"]) for p in above["params"]] == [
        ("test", "curie"), ("threshold", "decimal"), ("after", "date")]
    assert above["url"] == f"{live_server.url}/api/queries/measurements_above"


def test_named_query_plain_json(live_server):
    r = api(live_server, "queries/measurements_above", params={"threshold": "50"})
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["query"] == "measurements_above"
    assert body["columns"][:3] == ["measurement", "value", "date"]
    assert [(row["value"], row["date"]) for row in body["rows"]] == [
        (97, "2013-09-01"), (64.5, "2015-02-10")]
    assert body["rows"][0]["measurement"] == KG + "case/cabrera-2016/measurement/p1-dsdna-2"
    assert body["truncated"] is False


def test_named_query_typed_params(live_server):
    rows = api(live_server, "queries/measurements_above",
               params={"test": ANTI_DSDNA, "after": "2014-01-01"}).json()["rows"]
    assert [row["value"] for row in rows] == [12, 64.5]
    drug = api(live_server, "queries/drug_patients",
               params={"label": "tocilizumab", "min_patients": "2"}).json()["rows"]
    assert drug == [{"drug": TOCILIZUMAB, "label": "tocilizumab", "min_patients": 2,
                     "patients": 2}]


def test_named_query_sparql_json_csv_tsv(live_server):
    path = "queries/patient_diagnoses"
    srj = api(live_server, path, headers={"Accept": "application/sparql-results+json"})
    assert srj.headers["Content-Type"].startswith("application/sparql-results+json")
    assert len(srj.json()["results"]["bindings"]) == 3
    as_csv = api(live_server, path, headers={"Accept": "text/csv"})
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {r["label"] for r in rows} == {"mixed connective tissue disease",
                                          "polyarticular juvenile idiopathic arthritis"}
    tsv = api(live_server, path, params={"_format": "tsv"})
    assert tsv.text.splitlines()[0] == "case\tpatient\tdiagnosis\tlabel"


def test_named_query_etag(live_server):
    first = api(live_server, "queries/patient_diagnoses")
    again = api(live_server, "queries/patient_diagnoses",
                headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("path", "params", "status", "fragment"), [
    ("queries/nope", {}, 404, "drug_patients"),
    ("queries/drug_patients", {}, 400, "required"),
    ("queries/measurements_above", {"threshold": "abc"}, 400, "not a number"),
    ("queries/measurements_above", {"after": "yesterday"}, 400, "YYYY-MM-DD"),
    ("queries/measurements_above", {"test": "NOPE:1"}, 400, "MONDO"),
    ("queries/measurements_above", {"colour": "red"}, 400, "unknown parameter"),
    ("queries/measurements_above", [("threshold", "1"), ("threshold", "2")], 400, "more than once"),
    ("queries/patient_diagnoses", {"_format": "png"}, 406, "text/csv"),
])
def test_named_query_errors_have_one_shape(live_server, path, params, status, fragment):
    assert_error(api(live_server, path, params=params), status, fragment)


def test_method_not_allowed_has_the_json_shape(live_server):
    assert_error(requests.post(f"{live_server.url}/api/queries", timeout=10), 405, "method")


INJECTIONS = [
    '"',
    "tocilizumab\" } ; DROP ALL ; SELECT * { ?s ?p ?o",
    "x> } ; DROP ALL #",
    "} ; DROP ALL",
    "{ ?s ?p ?o }",
    "tocilizumab' || true || '",
    "\\\"",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_through_a_string_param_finds_nothing(live_server, payload):
    r = api(live_server, "queries/drug_patients", params={"label": payload})
    assert r.status_code == 200
    assert r.json()["rows"] == []


@pytest.mark.parametrize(("name", "param"), [
    ("patient_diagnoses", "case"), ("measurements_above", "test"),
    ("measurements_above", "threshold"), ("measurements_above", "after"),
    ("drug_patients", "min_patients"),
])
@pytest.mark.parametrize("payload", [*INJECTIONS[1:], "http://x/> } ; DROP ALL #"])
def test_injection_through_a_typed_param_is_400(live_server, name, param, payload):
    params = {param: payload} if name != "drug_patients" else {"label": "x", param: payload}
    assert_error(api(live_server, f"queries/{name}", params=params), 400, param)


def test_fifteen_kilobyte_string_is_400_and_nothing_changed(live_server):
    r = api(live_server, "queries/drug_patients", params={"label": "x" * 15_000})
    assert_error(r, 400, "longer than")
    count = requests.get(live_server.sparql, params={"query": COUNT + " # after injections"},
                         timeout=10)
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "77"


def test_openapi_document_describes_every_query(live_server):
    doc = api(live_server, "openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/sparql", "/api/queries", "/api/health"} <= set(doc["paths"])
    for name in QUERY_NAMES:
        assert f"/api/queries/{name}" in doc["paths"]
    get = doc["paths"]["/api/queries/measurements_above"]["get"]
    params = {p["name"]: p for p in get["parameters"]}
    assert params["threshold"]["schema"]["type"] == "number"
    assert params["after"]["schema"]["format"] == "date"
    label = {p["name"]: p for p in doc["paths"]["/api/queries/drug_patients"]["get"]["parameters"]}
    assert label["label"]["required"] is True
    assert "415" in doc["paths"]["/sparql"]["post"]["responses"]
