"""How verdicts look in real Chromium: no colour by direction, the reference-range course shown,
no "=" between unequal values."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
TIMEOUT = 15_000


def colours(page: Page, selector: str) -> set[str]:
    return set(page.locator(selector).evaluate_all(
        "els => els.map(e => getComputedStyle(e).color)"))


def test_a_falling_white_cell_count_is_not_coloured_as_good_news(pages_server, page, shoot):
    page.goto(pages_server.url + "/KGCASE_0000141")  # white cell count
    table = page.locator("table.effects-table")
    expect(table.first).to_be_visible(timeout=TIMEOUT)
    falling = table.locator("tbody tr").filter(has_text="Patient 1").filter(
        has=page.locator("a.dir", has_text="decreased"))
    expect(falling.first).to_be_visible()
    body = page.locator("body").evaluate("b => getComputedStyle(b).color")
    link = page.locator("a.dir").first.evaluate(
        "a => { const x = document.createElement('a'); x.href = '#';"
        " a.parentElement.appendChild(x); const c = getComputedStyle(x).color; x.remove();"
        " return c; }")
    # every direction is drawn like any other link: no green for a fall, no red for a rise
    assert colours(page, "a.dir") == {link}, (colours(page, "a.dir"), body)
    values = page.locator(".values").all_inner_texts()
    assert values and all("=" not in v for v in values), values
    falling.first.scroll_into_view_if_needed()
    shoot(page, "wcc-effects")


def test_a_rise_within_range_says_so_and_is_not_marked(pages_server, page, shoot):
    page.goto(pages_server.url + "/KGCASE_0000146")  # ALAT
    row = page.locator("table.effects-table tbody tr").filter(has_text="Patient 1").filter(
        has=page.locator(".values", has_text="13 → 25"))
    expect(row.first).to_be_visible(timeout=TIMEOUT)
    course = row.first.locator(".course")
    expect(course).to_have_text("changed within range")
    back = page.locator(".course", has_text="moved back into range").first
    outside = page.locator(".course", has_text="stayed outside range").first
    expect(back).to_be_visible()
    neutral = course.evaluate("e => getComputedStyle(e).color")
    assert back.evaluate("e => getComputedStyle(e).color") == neutral
    # only a later value outside the reference range is marked, as the charts mark it
    assert outside.evaluate("e => getComputedStyle(e).color") != neutral
    row.first.scroll_into_view_if_needed()
    shoot(page, "alat-effects")
