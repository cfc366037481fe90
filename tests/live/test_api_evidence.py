"""A summary row links to the detail question that lists what it counts (header ``evidence``)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

pytestmark = pytest.mark.live

ANTI_DSDNA, INCREASED = "KGCASE:0000149", "KGCASE:0000172"


def get(url: str, **params) -> requests.Response:
    return requests.get(url, params=params, timeout=30)


def counted(detail_rows: list[dict], row: dict) -> set[str]:
    """The detail's observations of the summary row's kind (``match``): its level "patient"
    rows, one per patient and exposure; the pairwise windows are detail, not counted."""
    return {d["effect"] for d in detail_rows
            if d["kind"] == row["kind"] and d["level"] == "patient"}


def exact(detail_rows: list[dict], row: dict) -> None:
    """Every detail row has the summary row's drug, target and direction: nothing else."""
    assert detail_rows
    assert {(d["drug"], d["target"], d["direction"]) for d in detail_rows} == {
        (row["drug"], row["target"], row["direction"])}, detail_rows


def test_api_rows_link_to_the_effects_they_count(seed_server):
    r = get(seed_server.url + "/api/queries/drug_effect_summary", target=ANTI_DSDNA,
            direction=INCREASED)
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert rows
    for row in rows:
        url = row["evidence"]
        assert url.startswith(seed_server.url + "/api/queries/effects_of_drug_on_target?"), url
        assert parse_qs(urlsplit(url).query) == {
            "drug": ["KGCASE:0000100"], "target": [ANTI_DSDNA], "direction": [INCREASED]}
        detail = get(url)
        assert detail.status_code == 200, detail.text
        exact(detail.json()["rows"], row)
        # the summary counts observations: as many patient-level effects as its count
        assert len(counted(detail.json()["rows"], row)) == row["effects"], row
    # CSV keeps the query's columns only
    csv = get(seed_server.url + "/api/queries/drug_effect_summary", _format="csv").text
    assert "evidence" not in csv.splitlines()[0]
    doc = get(seed_server.url + "/api/openapi.json").json()
    assert "evidence" in doc["components"]["schemas"]["Table"]["properties"]["rows"]["items"][
        "properties"]


def test_form_rows_link_to_the_detail_form(seed_server):
    page = get(seed_server.url + "/queries/drug_effect_summary", run="1", target=ANTI_DSDNA,
               direction=INCREASED).text
    links = [html.unescape(h) for h in re.findall(r'<a class="evidence" href="([^"]+)"', page)]
    rows = get(seed_server.url + "/api/queries/drug_effect_summary", target=ANTI_DSDNA,
               direction=INCREASED).json()["rows"]
    assert len(links) == len(rows) > 0
    for link, row in zip(links, rows, strict=True):
        assert link.startswith("/queries/effects_of_drug_on_target?"), link
        assert parse_qs(urlsplit(link).query) == {
            "drug": ["KGCASE:0000100"], "target": [ANTI_DSDNA], "direction": [INCREASED],
            "run": ["1"]}
        detail = get(seed_server.url + link)
        assert detail.status_code == 200 and "<table" in detail.text
        effects = get(seed_server.url + "/api/queries/effects_of_drug_on_target",
                      **{k: v[0] for k, v in parse_qs(urlsplit(link).query).items()
                         if k != "run"})
        exact(effects.json()["rows"], row)
        assert len(counted(effects.json()["rows"], row)) == row["effects"]


def test_every_profile_row_links_to_exactly_its_effects(seed_server):
    """Each row of a drug's profile (one target and direction each) opens those effects only,
    as many as it counts, never the drug's effects on other targets or in other directions."""
    rows = get(seed_server.url + "/api/queries/effect_profile_of_drug",
               drug="KGCASE:0000100").json()["rows"]
    assert len({(r["target"], r["direction"]) for r in rows}) > 3
    for row in rows:
        detail = get(row["evidence"])
        assert detail.status_code == 200, detail.text
        exact(detail.json()["rows"], row)
        assert len(counted(detail.json()["rows"], row)) == row["effects"], row


def test_every_target_of_a_profile_is_a_valid_summary_target(seed_server):
    """What a drug's profile lists as changed (a co-medication tapered too) is a value the
    summary question takes for its target, never refused as of the wrong kind."""
    rows = get(seed_server.url + "/api/queries/effect_profile_of_drug",
               drug="KGCASE:0000100").json()["rows"]
    for target, direction in {(r["target"], r["direction"]) for r in rows}:
        r = get(seed_server.url + "/api/queries/drug_effect_summary", target=target,
                direction=direction)
        assert r.status_code == 200, (target, r.text)
        assert r.json()["rows"], target
