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


def open_group(page: Page, row) -> None:
    """Open the collapsed evidence group that holds ``row``, as a reader does: by its summary."""
    group = page.locator("details.group-details").filter(has=row).first
    expect(group).to_have_count(1, timeout=TIMEOUT)
    expect(row).not_to_be_visible()  # the evidence is collapsed under the summary
    group.locator(":scope > summary").click()
    expect(group).to_have_attribute("open", "")


def test_a_falling_white_cell_count_is_not_coloured_as_good_news(pages_server, page, shoot):
    page.goto(pages_server.url + "/KGCASE_0000141")  # white cell count
    table = page.locator("table.effects-table")
    falling = table.locator("tbody tr").filter(has_text="Patient 1").filter(
        has=page.locator("a.dir", has_text="decreased"))
    open_group(page, falling.first)
    expect(falling.first).to_be_visible(timeout=TIMEOUT)
    body = page.locator("body").evaluate("b => getComputedStyle(b).color")
    link = page.locator("a.dir").first.evaluate(
        "a => { const x = document.createElement('a'); x.href = '#';"
        " a.parentElement.appendChild(x); const c = getComputedStyle(x).color; x.remove();"
        " return c; }")
    # every direction is drawn alike, in the text's or a link's colour: no green for a fall,
    # no red for a rise
    drawn = colours(page, "a.dir")
    assert len(drawn) == 1 and drawn <= {link, body}, (drawn, link, body)
    values = page.locator(".values").all_inner_texts()
    assert values and all("=" not in v for v in values), values
    falling.first.scroll_into_view_if_needed()
    shoot(page, "wcc-effects")


def test_a_rise_within_range_says_so_and_is_not_marked(pages_server, page, shoot):
    page.goto(pages_server.url + "/KGCASE_0000146")  # ALAT
    row = page.locator("table.effects-table tbody tr").filter(has_text="Patient 1").filter(
        has=page.locator(".values", has_text="13 → 25"))
    open_group(page, row.first)
    expect(row.first).to_be_visible(timeout=TIMEOUT)
    course = row.first.locator(".course")
    expect(course).to_have_text("changed within range")
    back = page.locator(".course", has_text="moved back into range").first
    outside = page.locator(".course", has_text="stayed outside range").first
    for other in (back, outside):  # each in its group, which may be another one
        if not other.is_visible():
            open_group(page, other)
    expect(back).to_be_visible()
    neutral = course.evaluate("e => getComputedStyle(e).color")
    assert back.evaluate("e => getComputedStyle(e).color") == neutral
    # only a later value outside the reference range is marked, as the charts mark it
    assert outside.evaluate("e => getComputedStyle(e).color") != neutral
    row.first.scroll_into_view_if_needed()
    shoot(page, "alat-effects")
