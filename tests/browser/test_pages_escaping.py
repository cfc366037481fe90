"""Labels, values and IRIs that are markup or script render as text, and no script runs.

The release (``data/hostile.trig``) is served under its own base IRI (``--base-iri``), so the
request paths here also check that a deployment's IRIs map onto the service.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
PAYLOAD = "<script>alert(1)</script>"


def assert_inert(page: Page, *, error_page: bool = False) -> None:
    """No dialog opened, no error, only our own scripts, no injected elements or js: links.

    On an error page, the browser logs the document's own status; nothing else may be logged.
    """
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.dialogs == [], problems.dialogs
    errors = [e for e in problems.errors
              if not (error_page and e.startswith("Failed to load resource: the server responded"))]
    assert errors == [], problems.errors
    sources = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
    assert sources and all(s and s.startswith("/static/") for s in sources), sources
    assert page.locator("img, iframe, b, u, svg[onload]").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], hrefs


def test_pages_hostile_class_renders_as_text(hostile_server, page, shoot):
    page.goto(hostile_server.url + "/Hostile")
    expect(page.locator("h1")).to_have_text(PAYLOAD)
    assert page.title().startswith(PAYLOAD)
    expect(page.locator(".definition")).to_contain_text("<img src=x onerror=alert(2)>")
    expect(page.locator(".synonyms")).to_contain_text('"><script>alert(3)</script>')
    expect(page.locator("ul.axioms")).to_contain_text("rel</title><script>alert(5)</script> some")
    expect(page.locator("ul.parents")).to_contain_text("other <b>bold</b> & more")
    mapping = page.locator("section", has_text="Mappings").locator("dd")
    expect(mapping).to_contain_text("javascript:alert(4)")  # shown, never a js: link
    shoot(page, "hostile-class")
    assert_inert(page)


def test_pages_hostile_patient_chart_and_search(hostile_server, page, shoot):
    page.goto(hostile_server.url + "/case/x/patient/p1")
    expect(page.locator("h1")).to_have_text("Patient <iframe src=javascript:alert(7)>")
    expect(page.locator(".comment")).to_have_text("'; alert(8); '")
    chart = page.locator("figure.chart svg.series")
    expect(chart.locator("text.value").first).to_have_text("<script>alert(10)</script>")
    expect(chart.locator("a.mark[data-censored=up] text.value")).to_have_text(">9")
    expect(page.locator("svg.series title").first).to_have_text(PAYLOAD + " (<u>)")
    search = page.locator("#site-search")
    search.press_sequentially("alert(1)", delay=30)
    option = page.locator("#site-search-list [role=option]").first
    expect(option).to_contain_text(PAYLOAD, timeout=15_000)
    shoot(page, "hostile-patient")
    assert_inert(page)


@pytest.mark.parametrize("path", [
    "/",
    "/search?q=script",
    "/case/x",
    "/resource?iri=" + quote("javascript:alert(4)", safe=""),
    "/editor?query=" + quote("SELECT ?s ?label WHERE { ?s "
                             "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"),
    "/rel",
    "/nothing-here/<script>alert(11)</script>",
    "/resource?iri=" + quote("<script>alert(12)</script>", safe=""),
])
def test_pages_hostile_data_everywhere_stays_inert(hostile_server, page, path):
    response = page.goto(hostile_server.url + path)
    expect(page.locator("body")).to_be_visible()
    assert response is not None and response.status in (200, 400, 404)
    assert_inert(page, error_page=response.status >= 400)
