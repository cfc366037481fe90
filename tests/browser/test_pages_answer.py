"""Answer-first entity pages in headless Chromium: the observed effects in the first screen at
desktop and phone sizes, a page far shorter than the one that opened with OWL axioms, and a
table of contents that stays in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
#: The tocilizumab page's height before it opened with its answer (1280 px wide), measured here.
HEIGHT_BEFORE = 13_925
SIZES = {"desktop": (1280, 800), "phone": (375, 812)}


def open_page(browser: Browser, url: str, size: str) -> Page:
    width, height = SIZES[size]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(url)
    return page


@pytest.mark.parametrize("size", sorted(SIZES))
def test_answer_of_tocilizumab_is_in_the_first_screen(pages_server, browser, shoot, size):
    page = open_page(browser, pages_server.url + "/KGCASE_0000100", size)
    try:
        height = SIZES[size][1]
        heading = page.locator("#h-answer").bounding_box()
        lead = page.locator("section.answer p.lead").bounding_box()
        first = page.locator("section.answer .answer-lines li").first.bounding_box()
        assert heading and lead and first
        assert heading["y"] < lead["y"] < first["y"]
        assert first["y"] + first["height"] <= height, (size, first)  # seen without scrolling
        expect(page.locator("section.answer p.lead")).to_contain_text(
            "in 2 patients from 1 case report")
        # the axioms and the empty instance list no longer lead the page
        assert page.locator("#h-class").bounding_box()["y"] > 2 * height
        shoot(page, f"drug-answer-{size}", docs=True)
    finally:
        page.context.close()


def test_tocilizumab_page_is_far_shorter(pages_server, browser):
    page = open_page(browser, pages_server.url + "/KGCASE_0000100", "desktop")
    try:
        total = page.evaluate("document.documentElement.scrollHeight")
        tallest = page.evaluate("""[...document.querySelectorAll('main section, main > *')]
            .map(s => [s.id || s.className || s.tagName, Math.round(s.offsetHeight)])
            .sort((a, b) => b[1] - a[1]).slice(0, 8)""")
        assert total < HEIGHT_BEFORE / 2, (total, tallest)
    finally:
        page.context.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_table_of_contents_stays_in_view(pages_server, browser, shoot, size):
    page = open_page(browser, pages_server.url + "/KGCASE_0000100", size)
    try:
        toc = page.locator("nav.toc")
        expect(toc.get_by_role("link", name="Summary")).to_be_visible()
        page.locator("#h-incoming").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, 400)")
        box = toc.bounding_box()
        assert box and 0 <= box["y"] < 40, box  # stuck to the top, not scrolled away
        evidence = toc.get_by_role("link", name="Evidence")
        expect(evidence).to_be_visible()
        evidence.click()
        heading = page.locator("#h-effects").bounding_box()
        assert heading and 0 <= heading["y"] < SIZES[size][1] / 2, heading
        shoot(page, f"drug-toc-{size}", docs=True)
    finally:
        page.context.close()


def test_test_page_counts_measurements_and_draws_each_patients_series(pages_server, browser,
                                                                    shoot):
    page = open_page(browser, pages_server.url + "/KGCASE_0000149", "desktop")
    try:
        uses = page.locator("section.answer p.uses")
        expect(uses).to_contain_text("6 measurements in 2 patients, 1 report")
        assert uses.bounding_box()["y"] < SIZES["desktop"][1]
        expect(page.get_by_text("Instances 0")).to_have_count(0)
        rows = page.locator("table.patients-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first.locator("svg.spark circle")).to_have_count(3)
        expect(rows.first.locator("svg.spark circle.censored")).to_have_count(1)  # >97
        expect(rows.first.locator(".spark-span")).to_have_text("30 → >97")
        shoot(page, "test-answer", docs=True)
    finally:
        page.context.close()


def test_phone_answer_has_no_horizontal_overflow(pages_server, browser, shoot):
    page = open_page(browser, pages_server.url + "/KGCASE_0000149", "phone")
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, overflow
        shoot(page, "test-answer-phone", docs=True)
    finally:
        page.context.close()
