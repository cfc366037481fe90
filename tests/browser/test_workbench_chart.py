"""The workbench's chart view, in headless Chromium on the real seed build: offered for a
numeric series (Patient 1's anti-dsDNA by months from the index date), drawn with neutral
colours, the value the report gives only as a bound (>97) left out and named; not offered
for an answer without numbers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from browser.test_workbench import TIMEOUT, no_problems, open_workbench, set_query

pytestmark = pytest.mark.browser

SERIES = """PREFIX kg: <https://w3id.org/kgcase/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
# Patient 1: anti-dsDNA (Farr assay) by months from the index date
SELECT ?months ?value ?reported ?patient WHERE {
  ?patient rdfs:label ?name ; kg:KGCASE_0001012 ?m .
  FILTER(STRSTARTS(?name, "Patient 1"))
  ?m kg:KGCASE_0001013 kg:KGCASE_0000149 ; kg:KGCASE_0001014 ?tp ;
     kg:KGCASE_0002003 ?reported .
  ?tp kg:KGCASE_0002007 ?months .
  OPTIONAL { ?m kg:KGCASE_0002001 ?number }
  # a value reported as a bound (">97") stays as the report gives it: no number to draw
  BIND(IF(REGEX(?reported, "^[0-9.]+$"), ?number, ?reported) AS ?value)
} ORDER BY ?months
"""


def run(page: Page) -> None:
    with page.expect_response(lambda r: r.url.endswith("/sparql")) as answer:
        page.keyboard.press("Control+Enter")
    assert answer.value.status == 200


def neutral(colour: str) -> bool:
    """A grey or slate: its red, green and blue within 40 of each other (no hue to read as
    good or bad)."""
    found = re.fullmatch(r"#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", colour.lower())
    if found is None:
        found = re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", colour)
        rgb = [int(v) for v in found.groups()] if found else None
    else:
        rgb = [int(v, 16) for v in found.groups()]
    return rgb is not None and max(rgb) - min(rgb) <= 40


def test_chart_view_draws_a_numeric_series_in_neutral_colours(pages_server, page, shoot):
    open_workbench(page, pages_server.url + "/editor")
    set_query(page, SERIES)
    run(page)
    rows = page.locator(".yasr table.dataTable tbody tr")
    expect(rows.first).to_be_visible(timeout=TIMEOUT)  # the table stays the default view
    values = [t.strip() for t in page.locator(
        ".yasr table.dataTable tbody tr td:nth-child(3)").all_inner_texts()]
    reported = [t.strip() for t in page.locator(
        ".yasr table.dataTable tbody tr td:nth-child(4)").all_inner_texts()]
    numbers = [v for v in values if not v.startswith(">")]
    bounds = [v for v in values if v.startswith(">")]
    assert len(numbers) >= 2 and bounds and any(r.startswith(">") for r in reported), values

    chart_button = page.locator(".yasr .select_chart")
    expect(chart_button).not_to_have_class(re.compile("disabled"))
    chart_button.click()
    figure = page.locator(".yasr .kg-chart-figure")
    expect(figure).to_be_visible(timeout=TIMEOUT)
    points = figure.locator(".kg-chart-point")
    expect(points).to_have_count(len(numbers))
    titles = sorted(float(t.split(": ")[1].split(" ")[0]) for t in
                    figure.locator(".kg-chart-point title").all_text_contents())
    assert titles == sorted(float(v) for v in numbers)
    caption = figure.locator("figcaption")
    expect(caption).to_contain_text("value against months")
    skipped = len(bounds)
    expect(caption).to_contain_text(f"{skipped} value{'s' if skipped > 1 else ''} not drawn")
    for bound in bounds:  # named as the report gives it
        expect(caption).to_contain_text(f"\u201c{bound}\u201d")
    colours = page.evaluate("() => [...document.querySelectorAll('.kg-chart [fill], .kg-chart "
                            "[stroke]')].flatMap(e => [e.getAttribute('fill'), "
                            "e.getAttribute('stroke')]).filter(c => c && c !== 'none')")
    assert colours and all(neutral(c) for c in colours), colours
    shoot(page, "workbench-chart", docs=True, full_page=True)

    # an answer without numbers: the chart is not offered
    set_query(page, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 5\n")
    run(page)
    expect(page.locator(".yasr .select_chart")).to_have_class(re.compile("disabled"),
                                                               timeout=TIMEOUT)
    no_problems(page)
