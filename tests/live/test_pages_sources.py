"""Sources in context, over HTTP on the real seed build: tables drawn as printed, excerpts inside
their paragraph, the reading view, ambiguities beside the facts they concern."""

from __future__ import annotations

import re
from html import unescape

import pytest
import requests

from live.conftest import LiveServer

HTML = {"Accept": "text/html"}
CASE = "/case/cabrera-2016"
TABLE = CASE + "/table/table1"
P2_AGE_M0 = CASE + "/patient/p2/measurement/age/M0"


def page(server: LiveServer, path: str, status: int = 200) -> str:
    response = requests.get(server.url + path, headers=HTML, timeout=60)
    assert response.status_code == status, (path, response.status_code, response.text[:300])
    return response.text


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def sparql(server: LiveServer, query: str) -> list[dict]:
    response = requests.post(server.sparql, data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_a_table_is_dereferenceable_and_drawn_as_printed(seed_server: LiveServer) -> None:
    html = page(seed_server, TABLE)
    assert '<table class="source-table">' in html
    assert "Table 1. Clinical and laboratory features of patients before and after TCZ" in \
        text_of(html)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headers[:3] == ["Patient 1, M0 (previous treatment)", "Patient 1, TCZ treatment M6",
                           "Patient 1, TCZ treatment M12"]
    rows = re.findall(r'<th scope="row"[^>]*>(?:<a [^>]*>)?([^<]+)', html)
    assert rows.index("Age (years)") < rows.index("Hb (g/L)") < rows.index("Cryoglobulinaemia")
    # patient 2's M0 age, as printed, in its row and column, marked as cited
    age_row = re.search(r"Age \(years\)</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="([^"]*)">(?:<a href="#([^"]+)"[^>]*>)?([^<]*)', age_row)
    assert [c[2] for c in cells] == ["15", "16", "17", "15", "15", "16"]
    assert all("cited" in c[0] for c in cells)
    # each cited cell links to its entry, which links to the facts that cite it
    entry = re.search(rf'<dt id="{cells[3][1]}"[^>]*>(.*?)</dd>', html, re.S).group(1)
    assert f'href="{P2_AGE_M0}"' in entry


def test_a_tables_json_twin_lists_cells_and_their_facts(seed_server: LiveServer) -> None:
    data = requests.get(seed_server.url + TABLE + ".json", timeout=60).json()
    assert data["rows"][2] == "Age (years)"
    cell = next(c for c in data["cells"] if c["row"] == 3 and c["column"] == 4)
    assert cell["printed"] == "15"
    assert any(f["iri"].endswith("/patient/p2/measurement/age/M0") for f in cell["facts"])


@pytest.mark.parametrize("path", [CASE + "/table/table9", "/case/no-such-report/table/table1",
                                  "/case/no-such-report/text"])
def test_an_unknown_table_or_report_is_a_clear_404(seed_server: LiveServer, path: str) -> None:
    response = requests.get(seed_server.url + path, headers=HTML, timeout=60)
    assert response.status_code == 404
    assert "Traceback" not in response.text


def test_a_cells_page_shows_its_table_with_the_cell_marked(seed_server: LiveServer) -> None:
    html = page(seed_server, TABLE + "/r3c4")
    assert '<table class="source-table">' in html
    here = re.findall(r'<td class="cited here"><a [^>]*aria-current="true">([^<]+)</a>', html)
    assert here == ["15"]


def _excerpt(server: LiveServer, needle: str) -> tuple[str, str]:
    rows = sparql(server, "SELECT ?e ?q WHERE { ?e <https://w3id.org/kgcase/KGCASE_0002033> ?q "
                          f'FILTER(CONTAINS(?q, "{needle}")) }}')
    assert rows, needle
    iri = rows[0]["e"]["value"]
    return iri.removeprefix("https://w3id.org/kgcase"), rows[0]["q"]["value"]


def test_an_excerpt_is_shown_once_inside_its_paragraph(seed_server: LiveServer) -> None:
    path, quote = _excerpt(seed_server, "together with MTX was initiated")
    html = page(seed_server, path)
    context = re.search(r'<blockquote class="paragraph"><p>(.*?)</p></blockquote>', html, re.S)
    assert context, "no paragraph shown"
    marked = "".join(re.findall(r'<mark class="cited">(.*?)</mark>', context.group(1), re.S))
    assert unescape(marked) == quote
    around = text_of(context.group(1))
    assert "Several drug regimens were subsequently" in around  # the sentence before it
    # the quote itself appears once in the page body (the title abbreviates it)
    body = text_of(html.split("</h1>", 1)[1])
    assert body.count("at the age of 17 years") == 1


def test_the_reading_view_marks_every_cited_sentence(seed_server: LiveServer) -> None:
    html = page(seed_server, CASE + "/text")
    excerpts = {r["e"]["value"].removeprefix("https://w3id.org/kgcase") for r in sparql(
        seed_server, "SELECT DISTINCT ?e WHERE { ?e a <https://w3id.org/kgcase/KGCASE_0000012> ; "
                     "<http://www.w3.org/ns/prov#wasQuotedFrom> "
                     "<https://w3id.org/kgcase/case/cabrera-2016> }")}
    linked = set(re.findall(r'<a class="mark-link" href="([^"]+)"', html))
    assert excerpts and excerpts <= linked
    assert "could not be found" not in html
    assert "CASE REPORTS" in html


def test_patient_2s_page_says_why_age_17_and_15_differ(seed_server: LiveServer) -> None:
    html = page(seed_server, CASE + "/patient/p2")
    section = re.search(r'<section class="unclear".*?</section>', html, re.S)
    assert section, "no ambiguity on the patient's page"
    text = text_of(section.group(0))
    assert "whose text says tocilizumab started at 17" in text
    assert "The cells are kept as printed and marked uncertain" in text
    assert f'href="{P2_AGE_M0}"' in section.group(0)
    # facts listed in natural order of their time points
    ages = re.findall(r"age observation at (M\d+)", text)
    assert ages == ["M0", "M6", "M12"]
    assert 'id="note-age-row"' in section.group(0)
    # and beside the facts themselves: the age readings and the tocilizumab exposure
    timeline = re.search(r'<ol class="timeline">.*?</ol>', html, re.S).group(0)
    tcz = re.search(r'<li class="ev[^"]*">(?:(?!</li>).)*?/exposure/tcz".*?</li>', timeline, re.S)
    # the exposure carries its own note (its interval); the age note sits on the age readings,
    # which are what it concerns (an exposure it concerned would have to be as uncertain as it)
    assert tcz and 'href="#note-p2-tcz-interval">' in tcz.group(0)
    age_rows = re.findall(r'/measurement/age/M\d+">[^<]+</a>.*?</tr>', html, re.S)
    assert len(age_rows) == 3
    assert all('href="#note-age-row">unclear: why</a>' in row for row in age_rows)


def test_a_fact_page_shows_the_ambiguity_that_concerns_it(seed_server: LiveServer) -> None:
    html = page(seed_server, P2_AGE_M0)
    assert "whose text says tocilizumab started at 17" in text_of(html)


def test_the_report_page_leads_to_its_text_and_tables(seed_server: LiveServer) -> None:
    html = page(seed_server, CASE)
    section = re.search(r'<section class="report-sources".*?</section>', html, re.S).group(0)
    assert f'href="{CASE}/text"' in section and f'href="{TABLE}"' in section
