"""The workbench's results in headless Chromium, on the real seed build: each IRI's label
beside it, fetched in bounded batches and kept across paging and sorting, and numbers shown
as plain numbers and sorted as numbers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from browser.test_workbench import TIMEOUT, no_problems, open_workbench, set_query

pytestmark = pytest.mark.browser

LABELS_QUERY = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "# labelled terms\n"
                "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { ?s rdfs:label ?l FILTER(isIRI(?s)) }\n"
                "GROUP BY ?s ORDER BY ?s LIMIT 40\n")


def run(page: Page) -> None:
    with page.expect_response(lambda r: r.url.endswith("/sparql")) as answer:
        page.keyboard.press("Control+Enter")
    assert answer.value.status == 200


def labelled(page: Page) -> None:
    expect(page.locator(".yasr table.dataTable[data-labelled=true]")).to_have_count(
        1, timeout=TIMEOUT)


def test_results_show_each_iris_label_beside_it_across_pages_and_sorting(
        pages_server, page, shoot):
    asked: list[list[str]] = []
    page.on("request", lambda r: asked.append(parse_qs(urlsplit(r.url).query)["iri"])
            if "/api/labels?" in r.url else None)
    open_workbench(page, pages_server.url + "/editor")
    set_query(page, LABELS_QUERY)
    run(page)
    table = page.locator(".yasr table.dataTable")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(40, timeout=TIMEOUT)
    page.locator(".yasr select.tableSizer").select_option("10")  # paged: 10 rows a page
    expect(rows).to_have_count(10)
    labelled(page)

    def check_page() -> None:
        for row in rows.all():
            link = row.locator("td a.iri").first
            beside = row.locator("td .kg-label").first
            expect(beside).to_be_visible()
            # the label beside the IRI is one of its labels; the IRI itself stays a link
            assert link.get_attribute("href", timeout=TIMEOUT).startswith("http")
            assert beside.inner_text().strip()
        first = rows.first.locator("td").nth(1)
        assert first.locator("a.iri").inner_text() in first.inner_text()

    check_page()
    assert asked and all(len(batch) <= 100 for batch in asked), [len(b) for b in asked]
    assert sum(len(batch) for batch in asked) <= 40  # the rows on show (40, then 10 a page)
    page.locator(".yasr .dt-paging-button.next, .yasr .paginate_button.next").first.click()
    labelled(page)
    check_page()
    before = len(asked)
    page.locator(".yasr .dt-paging-button.previous, .yasr .paginate_button.previous").first.click()
    labelled(page)
    check_page()
    assert len(asked) == before, "labels already fetched are kept, not asked for again"
    # sorting redraws with labels too
    header = table.locator("thead th").filter(has_text="s").nth(0)
    header.click()
    header.click()
    labelled(page)
    check_page()
    # every IRI asked for at most once
    flat = [iri for batch in asked for iri in batch]
    assert len(flat) == len(set(flat))

    # a label shown for a known term: tocilizumab, in the starting query's drug column
    set_query(page, "PREFIX kg: <https://w3id.org/kgcase/>\n"
                    "SELECT ?drug (COUNT(?e) AS ?exposures) WHERE { ?e kg:KGCASE_0001007 ?drug }"
                    "\nGROUP BY ?drug ORDER BY DESC(?exposures)\n")
    run(page)
    labelled(page)
    cell = page.locator(".yasr tbody td").filter(has=page.locator("a[href$='KGCASE_0000100']"))
    expect(cell.locator(".kg-label")).to_have_text("tocilizumab", timeout=TIMEOUT)
    # a full IRI (no prefix declared for it): the label comes after its closing ">"
    full = page.locator(".yasr tbody td").filter(has=page.locator("a[href$='CHEBI_44185']"))
    expect(full.locator(".kg-label")).to_have_text("methotrexate", timeout=TIMEOUT)
    assert re.search(r">\s*methotrexate$", full.inner_text().strip()), full.inner_text()
    shoot(page, "workbench-labels", docs=True, full_page=True)
    no_problems(page)


def test_results_show_numbers_plainly_and_sort_them_as_numbers(pages_server, page):
    open_workbench(page, pages_server.url + "/editor")
    set_query(page, "SELECT ?n ?d ?t WHERE { VALUES (?n ?d ?t) {\n"
                    "  (9 2.5 \"9\") (10 0.75 \"10\") (100 -1.0 \"100\") (2 12.125 \"2\") } }\n")
    run(page)
    table = page.locator(".yasr table.dataTable")
    expect(table.locator("tbody tr")).to_have_count(4, timeout=TIMEOUT)
    text = table.locator("tbody").inner_text()
    assert "xsd:" not in text and "^^" not in text and "XMLSchema" not in text, text

    def column(n: int) -> list[str]:
        return [t.strip() for t in table.locator(f"tbody tr td:nth-child({n + 1})")
                .all_inner_texts()]

    assert column(1) == ["9", "10", "100", "2"]
    assert column(2) == ["2.5", "0.75", "-1", "12.125"]  # as the endpoint writes them
    table.locator("thead th").filter(has_text="n").first.click()
    expect(table.locator("thead th").filter(has_text="n").first).to_have_attribute(
        "aria-sort", "ascending")
    assert column(1) == ["2", "9", "10", "100"]  # by value, not as text
    table.locator("thead th").filter(has_text="d").first.click()
    assert column(2) == ["-1", "0.75", "2.5", "12.125"]
    assert sorted(column(3)) == ["10", "100", "2", "9"]  # a string is shown as it is
    no_problems(page)
