"""Answer-first entity pages over real HTTP: the summary counted in patients and reports, the
row per patient, the section downloads, and the class count of what points at a class.

The seed build's counts come from the build (``page_counts.sqlite``); a second server on a copy
of the same release without that file counts them on each request, and both must agree with
each other and with a SPARQL aggregate over the raw graph.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from kgcase.pagecounts import COUNTS_FILE
from live.conftest import LiveServer, run_server
from terms import ALAT, ANTI_DSDNA, POLYARTHRITIS, RAYNAUD, TOCILIZUMAB

pytestmark = pytest.mark.live
IL6_PATHWAY_INHIBITOR = "https://w3id.org/kgcase/KGCASE_0000040"

#: Patients and reports per (target, direction) of the effects under a drug or its subclasses,
#: straight from the raw effects (the page's numbers must equal these).
RAW = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kg: <https://w3id.org/kgcase/>
SELECT ?t ?dir (COUNT(DISTINCT ?patient) AS ?np) (COUNT(DISTINCT ?case) AS ?nc) WHERE {
  ?d rdfs:subClassOf* <%s> . ?exposure kg:KGCASE_0001007 ?d .
  ?effect kg:KGCASE_0001019 ?exposure ; kg:KGCASE_0001020 ?t ; kg:KGCASE_0001022 ?dir ;
          kg:KGCASE_0001021 ?patient .
  FILTER(NOT EXISTS { ?effect a <https://w3id.org/kgcase/KGCASE_0000009> }
         || EXISTS { ?effect a <https://w3id.org/kgcase/KGCASE_0000069> })  # observations only
  OPTIONAL { ?patient kg:KGCASE_0001040 ?case }
} GROUP BY ?t ?dir"""


@pytest.fixture(scope="module")
def counting_server(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[LiveServer]:
    """The seed release without the build's page counts: the pages count for themselves."""
    copy = tmp_path_factory.mktemp("uncounted") / "data"
    shutil.copytree(built_data_dir, copy, symlinks=True)
    current = (copy / "current").resolve()
    if not current.is_relative_to(copy):  # an absolute link: point it into the copy
        (copy / "current").unlink()
        (copy / "current").symlink_to(copy / current.relative_to(built_data_dir.resolve()))
    removed = (copy / "current").resolve() / COUNTS_FILE
    assert removed.is_file(), "the build wrote no page counts"
    removed.unlink()
    with run_server(copy, tmp_path_factory.mktemp("uncounted-logs")) as server:
        yield server


def page_data(server: LiveServer, iri: str) -> dict:
    path = iri.removeprefix("https://w3id.org/kgcase/")
    r = requests.get(f"{server.url}/{path}.json", timeout=60)
    assert r.status_code == 200, r.text[:300]
    return r.json()


def lines_of(answer: dict) -> dict[str, dict]:
    return {line["other"]["iri"]: line for line in answer["lines"]}


def test_answer_counts_tocilizumab_in_patients_and_reports(seed_server):
    answer = page_data(seed_server, TOCILIZUMAB)["sections"]["answer"]
    assert (answer["role"], answer["patients"], answer["reports"]) == ("drug", 2, 1)
    assert answer["stored"] is True  # the build's counts, not a scan per request
    lines = lines_of(answer)
    arthritis = {d["direction"]["label"]: d["patients"] for d in lines[POLYARTHRITIS]["directions"]}
    assert lines[POLYARTHRITIS]["patients"] == 2
    assert arthritis == {"improved": 1, "resolved": 1}
    dsdna = {d["direction"]["label"]: d["patients"] for d in lines[ANTI_DSDNA]["directions"]}
    assert dsdna["increased"] == 1 and lines[ANTI_DSDNA]["patients"] == 2
    assert lines[RAYNAUD]["reports"] == 1
    # what the authors stated (arthritis) leads; what was derived from values (ALT) follows
    order = [line["other"]["iri"] for line in answer["lines"]]
    assert order.index(POLYARTHRITIS) < order.index(ALAT)


@pytest.mark.parametrize("drug", [TOCILIZUMAB, IL6_PATHWAY_INHIBITOR])
def test_answer_equals_a_sparql_aggregate_over_the_raw_effects(seed_server, drug):
    r = requests.get(seed_server.sparql, params={"query": RAW % drug},
                     headers={"Accept": "application/sparql-results+json"}, timeout=60)
    raw = {(b["t"]["value"], b["dir"]["value"]): (int(b["np"]["value"]), int(b["nc"]["value"]))
           for b in r.json()["results"]["bindings"]}
    assert raw
    answer = page_data(seed_server, drug)["sections"]["answer"]
    shown = {(line["other"]["iri"], d["direction"]["iri"]): d["patients"]
             for line in answer["lines"] for d in line["directions"]}
    assert shown == {key: patients for key, (patients, _reports) in raw.items()}


@pytest.mark.parametrize("iri", [TOCILIZUMAB, ANTI_DSDNA, IL6_PATHWAY_INHIBITOR])
def test_answer_counted_per_request_equals_the_builds(seed_server, counting_server, iri):
    stored = page_data(seed_server, iri)["sections"]["answer"]
    counted = page_data(counting_server, iri)["sections"]["answer"]
    assert stored.pop("stored") is True and counted.pop("stored") is False
    assert counted == stored


def test_answer_leads_the_drug_page(seed_server):
    html = requests.get(f"{seed_server.url}/KGCASE_0000100", timeout=60).text
    order = [html.index(f'id="{anchor}"') for anchor in
             ("h-answer", "h-patients", "h-effects", "h-class", "h-incoming")]
    assert order == sorted(order)
    assert "Observed effects under <strong>tocilizumab</strong>" in html
    assert 'class="toc"' in html and '<a href="#h-answer">Summary</a>' in html


def test_class_page_counts_the_measurements_that_point_at_it(seed_server):
    html = requests.get(f"{seed_server.url}/KGCASE_0000149", timeout=60).text
    assert "<strong>6 measurements</strong> in 2 patients, 1 report" in html
    assert "Instances <span" not in html  # no "Instances 0 — none" on a class the data names
    assert html.index('id="h-answer"') < html.index('id="h-class"')
    uses = page_data(seed_server, ANTI_DSDNA)["sections"]["answer"]["uses"]
    assert [(u["noun"], u["things"], u["patients"], u["reports"]) for u in uses] == [
        ("measurement", 6, 2, 1)]


def test_patient_rows_of_a_test_have_a_small_series(seed_server):
    rows = page_data(seed_server, ANTI_DSDNA)["sections"]["patients"]["rows"]
    assert [r["patient"]["label"] for r in rows] == ["Patient 1 (cabrera-2016)",
                                                     "Patient 2 (cabrera-2016)"]
    first = rows[0]["chart"]
    assert first["span"] == "30 → >97"
    assert [d["censored"] for d in first["dots"]] == [False, False, True]  # >97 is open-ended
    assert first["segments"][-1][-1] is True  # the line into >97 is dashed


def download(server: LiveServer, name: str, fmt: str, iri: str) -> requests.Response:
    return requests.get(f"{server.url}/api/sections/{name}.{fmt}?iri={quote(iri, safe='')}",
                        timeout=60)


@pytest.mark.parametrize("name", ["answer", "patients", "effects"])
def test_section_downloads_as_csv_and_json_agree(seed_server, name):
    as_json = download(seed_server, name, "json", TOCILIZUMAB)
    as_csv = download(seed_server, name, "csv", TOCILIZUMAB)
    assert as_json.status_code == as_csv.status_code == 200
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_csv.headers["Content-Disposition"] == \
        f'attachment; filename="KGCASE_0000100-{name}.csv"'
    rows = as_json.json()["rows"]
    parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(parsed) == len(rows) > 0
    assert list(parsed[0]) == list(rows[0])


def test_section_download_matches_the_page(seed_server):
    rows = download(seed_server, "answer", "json", TOCILIZUMAB).json()["rows"]
    assert (rows[0]["patients"], rows[0]["reports"]) == (2, 1)
    arthritis = [r for r in rows if r["finding_or_test_iri"] == POLYARTHRITIS]
    assert {(r["direction"], r["patients"], r["of_patients"]) for r in arthritis} == {
        ("", 2, 2), ("improved", 1, 2), ("resolved", 1, 2)}
    effects = download(seed_server, "effects", "json", TOCILIZUMAB).json()["rows"]
    listed = page_data(seed_server, TOCILIZUMAB)["sections"]["effects"]["rows"]
    assert {r["effect_iri"] for r in effects} == {e["effect"]["iri"] for e in listed}
    html = requests.get(f"{seed_server.url}/KGCASE_0000100", timeout=60).text
    assert f'href="/api/sections/answer.csv?iri={TOCILIZUMAB}"' in html


@pytest.mark.parametrize(("path", "status", "says"), [
    ("/api/sections/answer.csv", 400, "give exactly one 'iri' parameter"),
    ("/api/sections/answer.csv?iri=not%20an%20iri", 400, "is not an IRI"),
    ("/api/sections/bogus.csv?iri=" + quote(TOCILIZUMAB), 404, "no section 'bogus'"),
    ("/api/sections/answer.xml?iri=" + quote(TOCILIZUMAB), 404, "use .csv or .json"),
    ("/api/sections/answer.json?iri=" + quote("https://w3id.org/kgcase/nothing-here"), 404,
     "has no resource"),
    ("/api/sections/patients.json?iri=" + quote("https://w3id.org/kgcase/case/cabrera-2016"),
     404, "has no patients section"),
])
def test_section_download_bad_input_is_a_clear_4xx(seed_server, path, status, says):
    r = requests.get(seed_server.url + path, timeout=60)
    assert r.status_code == status, r.text[:300]
    body = r.json()
    assert body["ok"] is False and says in body["error"]
