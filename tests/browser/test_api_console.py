"""The API console (/api/docs, Swagger UI) and the forms' closed parameters, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TIMEOUT = 20_000


def test_api_console_runs_a_named_query(pages_server, page, shoot):
    page.goto(pages_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API").click()
    page.wait_for_url(re.compile(r"/api/docs$"), timeout=TIMEOUT)
    operation = page.locator("#operations-default-query_effect_profile_of_drug")
    expect(operation).to_be_visible(timeout=TIMEOUT)
    operation.locator(".opblock-summary").first.click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda r: "/api/queries/effect_profile_of_drug" in r.url,
                              timeout=TIMEOUT) as answer:
        operation.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    assert answer.value.json()["rows"]
    responses = operation.locator(".responses-wrapper .live-responses-table")
    expect(responses).to_contain_text("200", timeout=TIMEOUT)
    expect(responses).to_contain_text("targetLabel", timeout=TIMEOUT)
    operation.locator(".live-responses-table").scroll_into_view_if_needed()
    shoot(page, "api-console", docs=True)
    problems = page.problems  # type: ignore[attr-defined]
    assert [e for e in problems.errors if "Content Security Policy" in e] == []


def test_form_offers_a_closed_parameter_as_a_select(pages_server, page, shoot):
    page.goto(pages_server.url + "/queries/drug_effect_summary")
    direction = page.locator("select[name=direction]")
    expect(direction).to_have_value("KGCASE:0000172")
    expect(direction.locator("option")).to_have_count(8)
    expect(direction.locator("option", has_text="decreased")).to_have_attribute(
        "value", "KGCASE:0000173")
    target = page.locator("#form-drug_effect_summary-target")
    expect(target).to_have_value(re.compile("anti-dsDNA", re.I))  # the label, not the CURIE
    expect(page.locator("input[type=hidden][name=target]")).to_have_value("KGCASE:0000149")
    direction.select_option("KGCASE:0000173")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url(re.compile(r"direction=KGCASE%3A0000173"), timeout=TIMEOUT)
    expect(page.locator("select[name=direction]")).to_have_value("KGCASE:0000173")
    expect(page.locator("table.results, p.meta").first).to_be_visible()
    assert "xsd:integer" not in page.locator("main").inner_text()
    shoot(page, "named-query-select", docs=True)
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.errors == [], problems.errors
