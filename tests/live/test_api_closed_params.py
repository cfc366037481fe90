"""Closed parameters over real HTTP: enums, kinds, plain numbers, and the API console page."""

from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.live

DRUG = "KGCASE:0000020"


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=30)


def test_openapi_shows_the_direction_enum_and_the_kinds(seed_server):
    doc = get(seed_server, "/api/openapi.json").json()
    params = {p["name"]: p for p in
              doc["paths"]["/api/queries/drug_effect_summary"]["get"]["parameters"]}
    direction = params["direction"]
    assert "KGCASE:0000173" in direction["schema"]["enum"]
    assert "HP:0001882" not in direction["schema"]["enum"]
    assert "KGCASE:0000173 (decreased)" in direction["description"]
    drug = {p["name"]: p for p in
            doc["paths"]["/api/queries/effects_of_drug"]["get"]["parameters"]}["drug"]
    assert drug["schema"]["x-kgcase-kind"] == [DRUG]
    assert "a drug (KGCASE:0000020)" in drug["description"]


def test_a_value_outside_the_enum_is_400_naming_the_allowed_values(seed_server):
    r = get(seed_server, "/api/queries/drug_effect_summary", direction="HP:0001882")
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert "HP:0001882" in error and "allowed values" in error
    assert "KGCASE:0000172 (increased)" in error and "KGCASE:0000173 (decreased)" in error
    ok = get(seed_server, "/api/queries/drug_effect_summary", direction="KGCASE:0000172")
    assert ok.status_code == 200 and ok.json()["rows"]


def test_a_value_of_the_wrong_kind_is_400_naming_the_kind(seed_server):
    r = get(seed_server, "/api/queries/effects_of_drug", drug="HP:0100778")
    assert r.status_code == 400, r.text
    assert "HP:0100778" in r.json()["error"] and "a drug (KGCASE:0000020)" in r.json()["error"]
    # a value the graph does not hold is not of the kind either (not 0 rows, silently)
    absent = get(seed_server, "/api/queries/effects_of_drug", drug="KGCASE:9999999")
    assert absent.status_code == 400
    # a drug class and a drug both are
    for drug in ("KGCASE:0000100", "CHEBI:50858"):
        assert get(seed_server, "/api/queries/effects_of_drug", drug=drug).status_code == 200
    wrong = get(seed_server, "/queries/effects_of_drug", drug="HP:0100778", run="1")
    assert wrong.status_code == 400 and "a drug (KGCASE:0000020)" in wrong.text


def test_plain_json_numbers_are_numbers(seed_server):
    for name in ("drug_effect_summary", "effect_profile_of_drug"):
        rows = get(seed_server, f"/api/queries/{name}").json()["rows"]
        assert rows
        for row in rows:
            for column in ("patients", "cases", "effects"):
                assert isinstance(row[column], int), (name, row)


def test_search_filters_by_kind(seed_server):
    hits = get(seed_server, "/api/search", q="leuk", kind="KGCASE:0000301").json()["hits"]
    assert hits and all(h["curie"] != "KGCASE:0000100" for h in hits)
    drugs = get(seed_server, "/api/search", q="leuk", kind=DRUG).json()["hits"]
    assert "HP:0001882" not in {h["curie"] for h in drugs}
    toci = get(seed_server, "/api/search", q="tocil", kind=DRUG).json()["hits"]
    assert toci[0]["curie"] == "KGCASE:0000100"
    assert not get(seed_server, "/api/search", q="KGCASE:0000100",
                   kind="KGCASE:0000301").json()["hits"]
    bad = get(seed_server, "/api/search", q="x", kind="owl:Thing")
    assert bad.status_code == 400 and "KGCASE:0000020 (drug)" in bad.json()["error"]


def test_the_form_offers_the_enum_as_a_select_and_shows_plain_numbers(seed_server):
    page = get(seed_server, "/queries/drug_effect_summary", run="1",
               direction="KGCASE:0000172").text
    select = re.search(r'<select id="[^"]*" name="direction".*?</select>', page, re.S)
    assert select, page
    assert '<option value="KGCASE:0000173">decreased (KGCASE:0000173)</option>' in select[0]
    assert re.search(r'<option value="KGCASE:0000172" selected>increased', select[0])
    assert "HP:0001882" not in select[0]
    assert "<table" in page and "xsd:integer" not in page
    kinds = "KGCASE:0000301 KGCASE:0000024 KGCASE:0000025 KGCASE:0000300 KGCASE:0000020"
    assert f'data-kind="{kinds}"' in page


def test_the_api_console_page_and_the_header_link(seed_server):
    r = get(seed_server, "/api/docs")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    csp = r.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp and "script-src 'self';" in csp
    assert "swagger-ui-bundle.js" in r.text and "api-console.js" in r.text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', r.text):
        assert get(seed_server, asset).status_code == 200, asset
    home = get(seed_server, "/")
    assert "unsafe-inline" not in home.headers["Content-Security-Policy"]
    assert '<a href="/api/docs">API</a>' in home.text
