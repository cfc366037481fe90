"""The SPARQL workbench (YASGUI on /editor) in headless Chromium, on the real seed build:
completion by label from the keyboard, labels on hover, the syntax error mark, results that
sort and page, tabs kept across a reload, examples and shared links."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
YASQE = "document.getElementById('workbench').workbench.getTab().getYasqe()"


def no_problems(page: Page) -> None:
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.errors == [], problems.errors  # CSP refusals are console errors too
    assert problems.dialogs == [], problems.dialogs


def open_workbench(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#workbench .yasqe .CodeMirror").first).to_be_visible(timeout=TIMEOUT)


def set_query(page: Page, text: str) -> None:
    """Replace the active tab's query, and put the cursor at its end."""
    page.evaluate("([text]) => { const y = " + YASQE + "; y.setValue(text); y.focus();"
                  " y.getDoc().setCursor(y.lineCount(), 0); }", [text])


def query_text(page: Page) -> str:
    return page.evaluate(f"() => {YASQE}.getValue()")


def test_workbench_completes_a_term_by_its_label_and_shows_labels_on_hover(
        pages_server, page, shoot):
    open_workbench(page, pages_server.url + "/editor")
    expect(page.locator(".nojs")).to_be_hidden()  # the plain form is the no-JS fallback
    set_query(page, "PREFIX kg: <https://w3id.org/kgcase/>\n"
                    "SELECT ?exposure WHERE {\n  ?exposure kg:KGCASE_0001007 ")
    with page.expect_response(lambda r: "/api/complete?" in r.url and "q=tocili" in r.url):
        page.keyboard.type("tocili", delay=30)
        page.keyboard.press("Control+Space")
    first = page.locator(".CodeMirror-hints li").first
    expect(first).to_contain_text("kg:KGCASE_0000100", timeout=TIMEOUT)
    expect(first).to_contain_text("tocilizumab")
    shoot(page, "workbench-completion", docs=True)
    page.keyboard.press("Enter")
    expect(page.locator(".CodeMirror-hints")).to_have_count(0)
    assert "?exposure kg:KGCASE_0001007 kg:KGCASE_0000100" in query_text(page)

    # an undeclared prefix of the service's is declared when its term is picked
    set_query(page, "SELECT ?e WHERE {\n  ?e ?p ")
    page.keyboard.type("tocili", delay=30)
    page.keyboard.press("Control+Space")
    expect(page.locator(".CodeMirror-hints li").first).to_contain_text("kg:KGCASE_0000100",
                                                                       timeout=TIMEOUT)
    page.keyboard.press("Enter")
    text = query_text(page)
    assert text.startswith("PREFIX kg: <https://w3id.org/kgcase/>"), text
    assert "?e ?p kg:KGCASE_0000100" in text, text

    # hover a CURIE: its label
    set_query(page, "PREFIX kg: <https://w3id.org/kgcase/>\n"
                    "SELECT * WHERE { ?e kg:KGCASE_0001007 kg:KGCASE_0000100 }")
    box = page.evaluate("() => { const y = " + YASQE + ";"
                        " const c = y.charCoords({line: 1, ch: 42}, 'window');"
                        " return {x: c.left + 2, y: (c.top + c.bottom) / 2}; }")
    page.mouse.move(box["x"], box["y"])
    tip = page.locator(".kg-hover")
    expect(tip).to_be_visible(timeout=TIMEOUT)
    expect(tip).to_contain_text("tocilizumab")
    shoot(page, "workbench-hover", docs=True)
    no_problems(page)


def syntax_marks(page: Page) -> dict:
    """The lines marked in the gutter (1-based), the underlined text and the messages shown."""
    return page.evaluate("() => { const y = " + YASQE + "; const lines = [];"
                         " for (let i = 0; i < y.lineCount(); i++) {"
                         "   const m = (y.lineInfo(i).gutterMarkers || {}).gutterErrorBar;"
                         "   if (m) lines.push(i + 1); }"
                         " const shown = [...document.querySelectorAll('.kg-syntax-message')]"
                         "   .filter(e => !e.hidden && e.offsetParent).map(e => e.textContent);"
                         " const under = [...y.getWrapperElement()"
                         "   .querySelectorAll('.kg-syntax-error')].map(e => e.textContent);"
                         " return {lines, shown, under}; }")


def test_workbench_marks_a_syntax_error_at_its_token_with_one_message(pages_server, page, shoot):
    open_workbench(page, pages_server.url + "/editor")
    set_query(page, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}\n")
    message = page.locator(".kg-syntax-message:visible")
    expect(message).to_have_count(1, timeout=TIMEOUT)
    marks = syntax_marks(page)
    assert marks["lines"] == [3], marks
    assert marks["under"] == [")"], marks
    assert len(marks["shown"]) == 1, marks
    text = marks["shown"][0]
    assert text.startswith("Line 3, column 15: ')' cannot come here; expected "), text
    assert "a variable" in text and "a number" in text, text
    assert not any(word in text for word in ("VAR1", "PNAME_LN", "INTEGER")), text
    # YASQE's own icon and its list of grammar terminals are not shown beside it
    expect(page.locator(".parseErrorIcon")).to_have_count(0)
    shoot(page, "workbench-error", docs=True)

    # a typo of a keyword, on line 4: marked there, one message naming that place
    set_query(page, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT ?s WHERE {\n  ?s rdfs:label ?l .\n  FILTR(?l = \"x\")\n}\n")
    expect(message).to_contain_text("Line 4, column 3", timeout=TIMEOUT)
    marks = syntax_marks(page)
    assert marks["lines"] == [4] and len(marks["shown"]) == 1, marks
    assert marks["under"] and "FILTR".startswith(marks["under"][0][:1]), marks
    # fixed: no mark, no message
    set_query(page, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = 1)\n}\n")
    expect(message).to_have_count(0, timeout=TIMEOUT)
    assert syntax_marks(page) == {"lines": [], "shown": [], "under": []}
    no_problems(page)


def test_workbench_runs_a_query_and_sorts_filters_and_pages_the_table(
        pages_server, page, shoot):
    open_workbench(page, pages_server.url + "/editor")
    page.locator("#workbench .CodeMirror").first.click()
    page.keyboard.press("Control+Enter")  # the starting query: drugs, by their exposures
    expect(page.locator(".yasr table.dataTable tbody tr").first).to_contain_text(
        "kg:KGCASE_", timeout=TIMEOUT)
    shoot(page, "editor", docs=True, full_page=True)
    # SELECT *: the columns in the order the query names them (s before label)
    set_query(page, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "# every label\n"
                    "SELECT * WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 40\n")
    with page.expect_response(lambda r: r.url.endswith("/sparql")) as answer:
        page.keyboard.press("Control+Enter")
    assert answer.value.status == 200
    table = page.locator(".yasr table.dataTable")
    expect(table).to_be_visible(timeout=TIMEOUT)
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert [h for h in headers if h] == ["s", "label"], headers
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(40)
    page.locator(".yasr select.tableSizer").select_option("10")  # paged: 10 rows a page
    expect(rows).to_have_count(10)
    first = rows.first.inner_text()
    page.locator(".yasr .dt-paging-button.next, .yasr .paginate_button.next").first.click()
    expect(rows.first).not_to_have_text(first)
    # sorted by label, descending, on a click of its header
    label_header = table.locator("thead th").filter(has_text="label").first
    label_header.click()
    label_header.click()
    expect(label_header).to_have_attribute("aria-sort", "descending")
    shown = [t.strip() for t in table.locator("tbody tr td:last-child").all_inner_texts()]
    assert shown == sorted(shown, key=str.lower, reverse=True) or shown == sorted(
        shown, reverse=True), shown
    # filtered
    wanted = shown[2].split()[0]
    page.locator(".yasr .tableFilter").press_sequentially(wanted, delay=20)
    expect(rows.first).to_contain_text(wanted)
    expect(rows).not_to_have_count(10)
    for text in rows.all_inner_texts():
        assert wanted.lower() in text.lower()
    page.locator(".yasr .tableFilter").fill("")
    shoot(page, "workbench-results", docs=True, full_page=True)
    no_problems(page)


def test_workbench_keeps_tabs_across_reload_and_opens_examples_and_links(
        pages_server, page, shoot):
    open_workbench(page, pages_server.url + "/editor")
    page.locator(".yasgui .tabsList .addTab").click()
    expect(page.locator(".yasgui .tabsList .tab")).to_have_count(2)
    set_query(page, "# kept across a reload\nASK { ?s ?p ?o }\n")
    page.reload()  # YASGUI keeps a query when its editor loses focus, editor.js on leaving
    expect(page.locator(".yasgui .tabsList .tab")).to_have_count(2, timeout=TIMEOUT)
    expect(page.locator("#workbench .CodeMirror").first).to_be_visible()
    assert query_text(page).startswith("# kept across a reload")

    # an example opens in its own tab, without the named query's #+ header lines
    page.get_by_role("link", name="Who developed a finding").click()
    expect(page.locator(".yasgui .tabsList .tab.active")).to_contain_text(
        "Who developed a finding")
    text = query_text(page)
    assert "#+" not in text and re.search(r"VALUES \(\?phenotype\)", text), text

    # a shared link (?query=…) opens the query
    shared = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
    open_workbench(page, pages_server.url + "/editor?query=" + quote(shared))
    expect(page.locator(".yasgui .tabsList .tab")).to_have_count(4, timeout=TIMEOUT)
    assert query_text(page) == shared
    shoot(page, "workbench-tabs", docs=True)
    no_problems(page)


def test_workbench_page_alone_relaxes_its_style_policy(pages_server, page):
    editor = page.goto(pages_server.url + "/editor")
    home = page.goto(pages_server.url + "/")
    assert editor is not None and home is not None
    editor_csp = editor.headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in editor_csp
    assert re.search(r"script-src 'self';", editor_csp)  # never inline scripts
    assert "unsafe-inline" not in home.headers["content-security-policy"]
