"""The search page in headless Chromium on the real seed build: the true total, type facets as
links, paging, and the home page's autocomplete on the same index."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from terms import TOCILIZUMAB

pytestmark = pytest.mark.browser
TIMEOUT = 15_000


def test_search_page_facets_and_paging(pages_server, page, shoot):
    page.goto(pages_server.url + "/search?q=tocilizumab")
    total = page.locator("#search-total")
    expect(total).to_contain_text(re.compile(r"^\d+ resources match"), timeout=TIMEOUT)
    count = int(total.inner_text().split()[0])
    assert count > 50  # every match counted, not the first 50
    expect(page.locator("ol.hits > li")).to_have_count(20)
    first = page.locator("ol.hits > li a").first
    expect(first).to_have_attribute("href", "/KGCASE_0000100")
    expect(page.locator("ol.hits > li").first.locator(".badge")).to_have_text("class")
    shoot(page, "search-facets", docs=True, full_page=True)

    facet = page.get_by_role("navigation", name="Types of the matches").get_by_role(
        "link", name="drug exposure", exact=True)
    expect(facet).to_be_visible()
    facet.click()
    expect(total).to_contain_text("of type drug exposure")
    badges = page.locator("ol.hits > li .badge").all_inner_texts()
    assert badges and set(badges) == {"drug exposure"}
    expect(page.get_by_role("navigation", name="Types of the matches").locator(
        "[aria-current=true]")).to_have_text("drug exposure")

    page.goto(pages_server.url + "/search?q=tocilizumab")
    page.get_by_role("link", name=re.compile(r"^next 20")).click()
    expect(total).to_contain_text("21–40 shown")
    expect(page.locator("ol.hits")).to_have_attribute("start", "21")
    shoot(page, "search-page-2", full_page=True)
    page.get_by_role("link", name=re.compile(r"previous 20")).click()
    expect(total).to_contain_text("1–20 shown")


def test_search_autocomplete_finds_a_brand_name(pages_server, page, shoot):
    page.goto(pages_server.url + "/")
    search = page.locator("#home-search")
    search.click()
    search.press_sequentially("Actemra", delay=40)
    option = page.locator("#home-search-list [role=option]").first
    expect(option).to_contain_text("tocilizumab", timeout=TIMEOUT)
    expect(option).to_contain_text("synonym: Actemra")
    shoot(page, "search-autocomplete-brand")
    option.click()
    page.wait_for_url(re.compile(r"/KGCASE_0000100$"))
    assert TOCILIZUMAB.endswith(page.url.rsplit("/", 1)[-1])
