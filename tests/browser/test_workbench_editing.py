"""Writing a query in the workbench, in headless Chromium on the real seed build: prefixes
completed from the Bioregistry's map as well as the service's, by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser.test_workbench import TIMEOUT, no_problems, open_workbench, query_text, set_query

pytestmark = pytest.mark.browser
MONDO = "http://purl.obolibrary.org/obo/MONDO_"


def test_prefix_completion_offers_bioregistry_prefixes_by_keyboard(pages_server, page, shoot):
    with page.expect_response(lambda r: r.url.endswith("/vendor/prefixes.json")) as got:
        open_workbench(page, pages_server.url + "/editor")  # loaded once, served from here
    assert got.value.status == 200
    set_query(page, "")
    page.keyboard.type("PREFIX mon", delay=30)
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    expect(hints.filter(has_text="mondo:")).to_have_count(1, timeout=TIMEOUT)
    texts = hints.all_inner_texts()
    assert all(t.startswith("mon") for t in texts), texts
    wanted = next(i for i, t in enumerate(texts) if t.startswith("mondo:"))
    assert f"<{MONDO}>" in texts[wanted]
    for _ in range(wanted):
        page.keyboard.press("ArrowDown")
    expect(page.locator(".CodeMirror-hint-active")).to_contain_text("mondo:")
    shoot(page, "workbench-prefixes", docs=True)
    page.keyboard.press("Enter")
    assert query_text(page).strip() == f"PREFIX mondo: <{MONDO}>"

    # the service's own prefixes are still offered, and first for their names
    set_query(page, "")
    page.keyboard.type("PREFIX kg", delay=30)
    page.keyboard.press("Control+Space")
    expect(hints.filter(has_text="kg: <https://w3id.org/kgcase/>")).to_have_count(
        1, timeout=TIMEOUT)
    page.keyboard.press("Escape")
    # a Bioregistry prefix used undeclared gets its PREFIX line
    set_query(page, "SELECT * WHERE { ?s ?p ")
    page.keyboard.type("hp:", delay=30)
    page.wait_for_function("() => document.getElementById('workbench').workbench.getTab()"
                           ".getYasqe().getValue().includes('PREFIX hp:')", timeout=TIMEOUT)
    assert "PREFIX hp: <http://purl.obolibrary.org/obo/HP_>" in query_text(page)
    no_problems(page)
