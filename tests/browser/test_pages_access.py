"""Phones and accessibility in headless Chromium, on the real seed build: axe-core over every page
type, contrast of the focus ring and the active suggestion, effect cards on a phone, the class
tree opened on demand, and screenshots of each page type at desktop width and at 375 px."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from live.conftest import ROOT

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
AXE = ROOT / "src" / "kgcase" / "web" / "static" / "vendor" / "node_modules" / "axe-core" / \
    "axe.min.js"
MONDO_MCTD = "http://purl.obolibrary.org/obo/MONDO_0005854"

#: One page of each type (name → path).
PAGE_TYPES = {
    "home": "/",
    "drug": "/KGCASE_0000100",
    "test": "/KGCASE_0000149",
    "class": "/KGCASE_0000130",
    "imported-term": "/resource?iri=" + quote(MONDO_MCTD, safe=""),
    "property": "/KGCASE_0001007",
    "patient": "/case/cabrera-2016/patient/p2",
    "case-report": "/case/cabrera-2016",
    "fact": "/case/cabrera-2016/patient/p1/derived/dsdna/M0-M12",
    "table": "/case/cabrera-2016/table/table1",
    "table-cell": "/case/cabrera-2016/table/table1/r3c4",
    "reading-view": "/case/cabrera-2016/text",
    "ontology": "/kgcase.owl",
    "named-query": "/queries/effects_of_drug",
    "search": "/search?q=tocilizumab",
    "editor": "/editor",
    "api-console": "/api/docs",
}
#: Page types whose serious violations are inside third-party widgets (YASGUI's tab list and
#: unlabelled text areas; Swagger UI's nested buttons, colours and unlabelled server select).
THIRD_PARTY = {"editor", "api-console"}


def excerpt_path(page: Page, base: str) -> str:
    page.goto(base + "/case/cabrera-2016/text")
    return page.locator("a.mark-link").first.get_attribute("href") or ""


def run_axe(page: Page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver: not page script
    return page.evaluate("""axe.run(document, {resultTypes: ['violations']}).then(r =>
        r.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
            id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))""")


@pytest.mark.parametrize("kind", [
    pytest.param(k, marks=pytest.mark.xfail(strict=False, reason="violations inside the "
                                            "vendored widget, not in kgcase's markup; not "
                                            "strict: under load axe may run before it renders"))
    if k in THIRD_PARTY else k for k in [*PAGE_TYPES, "excerpt"]])
def test_axe_finds_no_serious_or_critical_violation(pages_server, page: Page, kind: str) -> None:
    assert AXE.exists(), "axe-core is missing: run `make vendor`"
    path = excerpt_path(page, pages_server.url) if kind == "excerpt" else PAGE_TYPES[kind]
    page.goto(pages_server.url + path, wait_until="networkidle")
    violations = run_axe(page)
    assert violations == [], violations


def _rgb(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", text)[:3])


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "rgb(255, 255, 255)") -> float:
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_focus_ring_stands_out_3_to_1_against_white(pages_server, page: Page) -> None:
    page.goto(pages_server.url + "/KGCASE_0000100")
    page.keyboard.press("Tab")  # the skip link, then the brand link
    page.keyboard.press("Tab")
    outline = page.evaluate("""(() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineColor, s.outlineWidth]; })()""")
    assert outline[0] != "none"
    assert contrast(outline[1]) >= 3, outline


def test_the_active_suggestion_stands_out_3_to_1_against_white(pages_server, page: Page) -> None:
    page.goto(pages_server.url + "/KGCASE_0000100")
    search = page.locator("#site-search")
    search.click()
    with page.expect_response(lambda r: "q=toc" in r.url):
        search.press_sequentially("toc", delay=40)
    expect(page.locator("#site-search-list [role=option]").first).to_be_visible(timeout=TIMEOUT)
    search.press("ArrowDown")
    active = page.locator("#site-search-list [aria-selected=true]")
    expect(active).to_have_count(1)
    background = active.evaluate("e => getComputedStyle(e).backgroundColor")
    colour = active.evaluate("e => getComputedStyle(e).color")
    assert contrast(background) >= 3, background
    assert contrast(colour, background) >= 4.5, (colour, background)


def test_sparql_comments_are_readable_4_5_to_1(pages_server, page: Page) -> None:
    query = quote("# which drugs?\nSELECT * WHERE { ?s ?p ?o }")
    page.goto(pages_server.url + "/editor?query=" + query, wait_until="networkidle")
    comment = page.locator(".CodeMirror .cm-comment").first
    expect(comment).to_be_visible(timeout=TIMEOUT)
    colour = comment.evaluate("e => getComputedStyle(e).color")
    background = comment.evaluate(
        "e => getComputedStyle(e.closest('.CodeMirror')).backgroundColor")
    assert contrast(colour, background) >= 4.5, (colour, background)


def test_effects_are_cards_with_their_evidence_on_a_phone(pages_server, browser: Browser,
                                                          shoot) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(pages_server.url + "/KGCASE_0000100")
        # the summary's evidence link opens the collapsed group it points to
        jump = page.locator(".answer a.jump").first
        target = jump.get_attribute("href")
        assert target and target.startswith("#effects-"), target
        row = page.locator(f"{target} table.effects-table tr.effect").first
        expect(row).to_be_hidden()
        jump.click()
        expect(page.locator(target)).to_have_attribute("open", "", timeout=15_000)
        expect(row).to_be_visible()
        row.scroll_into_view_if_needed()
        assert row.evaluate("e => getComputedStyle(e).display") == "block"
        evidence = row.locator("td.sources")
        expect(evidence).to_be_visible()
        box = evidence.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        label = evidence.evaluate("e => getComputedStyle(e, '::before').content")
        assert "evidence" in label
        shoot(page, "drug-effects-phone", docs=True)
    finally:
        context.close()


def test_the_class_tree_opens_a_node_on_demand(pages_server, page: Page, shoot) -> None:
    page.goto(pages_server.url + "/KGCASE_0000300")  # disease: its subclasses are listed
    node = page.locator("ul.tree li[data-iri='http://purl.obolibrary.org/obo/MONDO_0011429']")
    toggle = node.locator(":scope > button.twisty")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    with page.expect_response(lambda r: "/api/tree?iri=" in r.url):
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true", timeout=TIMEOUT)
    listed = node.locator(":scope > ul")
    expect(listed.locator("a").first).to_be_visible(timeout=TIMEOUT)
    assert "polyarticular juvenile idiopathic arthritis" in listed.inner_text()
    node.scroll_into_view_if_needed()
    shoot(page, "class-tree", docs=True)
    toggle.click()
    expect(listed).to_be_hidden()


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots_of_every_page_type(pages_server, browser: Browser, shoot,
                                        width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        paths = {**PAGE_TYPES, "excerpt": excerpt_path(page, pages_server.url)}
        for name, path in paths.items():
            page.goto(pages_server.url + path, wait_until="networkidle")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, (name, overflow)
            shot: Path = shoot(page, f"type-{name}-{width}", docs=True)
            assert shot.stat().st_size > 0
    finally:
        context.close()


def test_long_sections_can_be_skipped_from_the_keyboard(pages_server, page: Page) -> None:
    page.goto(pages_server.url + "/KGCASE_0000100")
    links = page.locator("#h-effects ~ * a, #h-effects ~ * button").count()
    assert links > 50  # what a keyboard user would otherwise tab through
    skip = page.locator("a.skip-section[href='#after-effects']")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "after-effects"
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('section.effects')")
    for anchor in ("after-incoming",):
        expect(page.locator(f"a.skip-section[href='#{anchor}']")).to_have_count(1)
