"""The entity pages in headless Chromium, on the real seed build: search, a drug's evidence,
a patient's charts, the class hierarchy, a named-query form and the SPARQL editor."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from terms import TOCILIZUMAB

pytestmark = pytest.mark.browser
TIMEOUT = 15_000


def no_problems(page: Page) -> None:
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.errors == [], problems.errors
    assert problems.dialogs == [], problems.dialogs


def test_pages_home_search_pick_drug_and_read_its_effects(pages_server, page, shoot):
    page.goto(pages_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("knowledge graph")
    shoot(page, "home", docs=True)
    search = page.locator("#home-search")
    search.click()
    with page.expect_response(lambda r: "q=tociliz" in r.url):
        search.press_sequentially("tociliz", delay=40)
    option = page.locator("#home-search-list [role=option]").first
    expect(option).to_contain_text("tocilizumab", timeout=TIMEOUT)
    shoot(page, "home-autocomplete", docs=True)
    search.press("ArrowDown")  # keyboard only: the first suggestion, then Enter
    expect(search).to_have_attribute("aria-activedescendant", re.compile(r"-opt-0$"))
    search.press("Enter")
    page.wait_for_url(re.compile(r"/KGCASE_0000100$"), timeout=TIMEOUT)
    expect(page.locator("h1")).to_have_text("tocilizumab")
    expect(page.locator("#iri")).to_have_text(TOCILIZUMAB)

    # the observed-effects table: anti-dsDNA increased in patient 1, with its table cells;
    # its group opens from the summary's link to its evidence
    page.locator("section.answer li", has_text="anti-dsDNA antibody test").get_by_role(
        "link", name=re.compile("evidence")).click()
    group = page.locator("details.group-details", has=page.locator(
        "h4.group", has_text="anti-dsDNA antibody test"))
    expect(group).to_have_attribute("open", "")
    table = group.locator(".table-wrap table.effects-table")
    rows = table.locator("tbody tr").filter(has_text="Patient 1").filter(
        has=page.locator("a.dir", has_text="increased")).filter(
        has=page.locator("a.cell", has_text="dsDNA Ab RIA (Farr assay >7 UI/mL)"))
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3  # M0→M6, M6→M12, M0→M12, each derived from two cells
    first = rows.filter(has=page.locator("a.cell", has_text=">97")).first
    expect(first.locator(".badge.derived")).to_have_text("derived")
    expect(first.locator(".values")).to_contain_text(">97")
    stated = table.locator("tbody tr").filter(
        has=page.locator("blockquote.quote", has_text="dsDNA"))
    expect(stated.first).to_be_visible()
    # literature claims stand apart from the observations
    expect(page.locator("section.claims h2")).to_have_text("Literature claims and hypotheses")
    group.evaluate("heading => heading.scrollIntoView()")
    shoot(page, "drug-effects", docs=True)
    page.locator("details.tallies-details > summary").click()
    page.locator("#h-effects").evaluate("heading => heading.scrollIntoView()")
    shoot(page, "drug-tallies", docs=True)
    no_problems(page)


def test_pages_patient_timeline_and_lab_charts(pages_server, page, shoot):
    page.goto(pages_server.url + "/case/cabrera-2016/patient/p1")
    expect(page.locator("h1")).to_have_text("Patient 1 (cabrera-2016)")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("tocilizumab")
    expect(timeline).to_contain_text("rheumatoid factor-negative juvenile idiopathic arthritis")
    expect(page.locator("svg.gantt a.bar")).to_have_count(7)
    dsdna = page.locator("figure.chart").filter(has_text="anti-dsDNA antibody test")
    expect(dsdna.locator("svg.series")).to_be_visible()
    above = dsdna.locator("a.mark[data-censored=up]")
    expect(above).to_have_count(1)
    expect(above.locator("text.value")).to_have_text(">97")
    expect(dsdna.locator("rect.band")).to_have_count(1)
    expect(dsdna.locator("line.seg.dashed")).to_have_count(1)  # 85 → >97: the course is unknown
    crp = page.locator("figure.chart").filter(has_text="C-reactive protein test")
    below = crp.locator("a.mark[data-censored=down]")
    expect(below).to_have_count(2)
    expect(below.first.locator("text.value")).to_have_text("<0.2")
    page.locator("#h-labs").evaluate("heading => heading.scrollIntoView()")
    shoot(page, "patient", docs=True)
    page.locator("#h-timeline").evaluate("heading => heading.scrollIntoView()")
    shoot(page, "patient-timeline", docs=True)
    no_problems(page)


def test_pages_class_axioms_and_walk_to_parent(pages_server, page, shoot):
    page.goto(pages_server.url + "/KGCASE_0000100")
    axioms = page.locator("section.class-view ul.axioms")
    expect(axioms).to_contain_text(
        "subclass of molecularly interacts with some soluble interleukin-6 receptor")
    inferred = page.locator("ul.parents li").filter(has_text="IL-6 pathway inhibitor")
    expect(inferred.locator(".badge.inferred")).to_have_text("inferred")
    page.locator("#h-class").evaluate("heading => heading.scrollIntoView()")
    shoot(page, "class", docs=True)
    page.locator("ul.parents a", has_text="humanised monoclonal antibody drug").click()
    page.wait_for_url(re.compile(r"/KGCASE_0000046$"), timeout=TIMEOUT)
    expect(page.locator("h1")).to_have_text("humanised monoclonal antibody drug")
    expect(page.locator("ul.children")).to_contain_text("tocilizumab")
    page.locator("ul.parents a").first.click()
    page.wait_for_url(re.compile(r"/KGCASE_0000045$"), timeout=TIMEOUT)
    expect(page.locator("h1")).to_have_text("monoclonal antibody drug")
    no_problems(page)


def test_pages_named_query_form_with_autocomplete(pages_server, page, shoot):
    page.goto(pages_server.url + "/")
    form = page.locator("form#q-patients_with_finding")
    field = form.locator("#q-patients_with_finding-phenotype")
    field.fill("")
    with page.expect_response(lambda r: "q=cryoglob" in r.url):
        field.press_sequentially("cryoglob", delay=40)
    option = form.locator("[role=option]").filter(has_text="HP:0100778").first
    expect(option).to_contain_text("Cryoglobulinemia", timeout=TIMEOUT)
    expect(option).to_be_visible(timeout=TIMEOUT)
    option.click()
    expect(field).to_have_value("Cryoglobulinemia")  # the label shows, the CURIE is sent
    expect(form.locator("input[type=hidden][name=phenotype]")).to_have_value("HP:0100778")
    expect(form.locator(".chosen")).to_contain_text("Cryoglobulinemia")
    form.get_by_role("button", name="Run").click()
    page.wait_for_url(re.compile(r"/queries/patients_with_finding\?"), timeout=TIMEOUT)
    table = page.locator("table.results")
    expect(table).to_contain_text("Patient 1")
    expect(table).not_to_contain_text("Patient 2")
    csv = page.locator("a", has_text="CSV").get_attribute("href")
    r = requests.get(pages_server.url + csv, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    shoot(page, "named-query", docs=True)
    no_problems(page)


def test_pages_editor_without_javascript_runs_a_query(pages_server, browser, shoot):
    """The workbench needs JavaScript (test_workbench.py); without it the page is a form whose
    query runs on the server, with the results as a table and the examples as links."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                       "height": 900})
    page = context.new_page()
    try:
        page.goto(pages_server.url + "/editor")
        expect(page.locator("#workbench")).to_be_hidden()
        editor = page.locator("#sparql-text")
        editor.fill("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT DISTINCT ?drug ?label WHERE {\n"
                    "  ?e <https://w3id.org/kgcase/KGCASE_0001007> ?drug .\n"
                    "  ?drug rdfs:label ?label\n} ORDER BY ?label LIMIT 3")
        page.get_by_role("button", name="Run query").click()
        page.wait_for_url(re.compile(r"/editor\?query="), timeout=TIMEOUT)
        rows = page.locator("table.results tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.first).to_contain_text("adalimumab")
        expect(page.locator("a", has_text="CSV")).to_have_attribute("href",
                                                                    re.compile("^/sparql"))
        shoot(page, "editor-nojs")
        # a named query as an example, loaded into the form without its #+ header lines
        page.get_by_role("link", name="Who developed a finding").click()
        expect(editor).to_have_value(re.compile(r"VALUES \(\?phenotype\)"))
        assert "#+" not in editor.input_value()
    finally:
        context.close()


def test_pages_case_report_lists_what_was_extracted(pages_server, page, shoot):
    page.goto(pages_server.url + "/case/cabrera-2016")
    section = page.locator("section.case-report")
    expect(section.locator("a[href='https://doi.org/10.1136/rmdopen-2016-000271']")).to_be_visible()
    expect(section.locator("table")).to_contain_text("derived effect")
    expect(section.locator("ol.notes-list > li")).to_have_count(12)
    shoot(page, "case-report", docs=True)
    no_problems(page)


def test_pages_fit_a_narrow_screen(pages_server, browser, shoot):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        for path in ("/", "/KGCASE_0000100", "/case/cabrera-2016/patient/p1", "/editor"):
            page.goto(pages_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, (path, overflow)
        shoot(page, "narrow-editor")
    finally:
        context.close()


def test_pages_copy_iri_button(pages_server, browser):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"],
                              origin=pages_server.url)
    page = context.new_page()
    try:
        page.goto(pages_server.url + "/KGCASE_0000100")
        page.get_by_role("button", name="Copy IRI").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".copied")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == TOCILIZUMAB
    finally:
        context.close()
