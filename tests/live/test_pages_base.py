"""A deployment's own base IRI (setting ``base_iri``): request paths map onto its IRIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from live.conftest import ROOT, LiveServer, build_release, run_server

pytestmark = pytest.mark.live
FIXTURE = ROOT / "tests" / "browser" / "data" / "hostile.trig"
BASE = "https://example.org/kg/"


@pytest.fixture(scope="module")
def based_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("based-data")
    build_release(data_dir, source=FIXTURE, release_id="based-1")
    with run_server(data_dir, tmp_path_factory.mktemp("based-logs"), "--base-iri", BASE,
                    queries_dir=ROOT / "queries") as server:
        yield server


def test_pages_base_iri_maps_paths_to_iris(based_server):
    r = requests.get(based_server.url + "/case/x/patient/p1.nt", timeout=30)
    assert r.status_code == 200
    assert f"<{BASE}case/x/patient/p1> <http://www.w3.org/2000/01/rdf-schema#label>" in r.text
    page = requests.get(based_server.url + "/case/x/patient/p1", timeout=30,
                        headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'href="/case/x/patient/p1/time/t0"' in page.text  # links stay on the service
    assert "&lt;iframe src=javascript:alert(7)&gt;" in page.text  # escaped, never markup
    # the same resource by its full IRI; an IRI of the default base is outside this one
    assert requests.get(based_server.url + "/resource.nt?iri=" + quote(BASE + "case/x",
                                                                       safe=""),
                        timeout=30).status_code == 200
    twin = requests.get(based_server.url + "/Hostile.json", timeout=30).json()
    assert twin["iri"] == BASE + "Hostile" and twin["label"] == "<script>alert(1)</script>"


def test_pages_base_iri_marks_its_own_inferred_graph(based_server):
    twin = requests.get(based_server.url + "/case/x/patient/p1.json", timeout=30).json()
    inferred = {v["ref"]["iri"]: v["inferred"] for v in twin["types"]}
    assert inferred[BASE + "Other"] is True
    assert inferred["https://w3id.org/kgcase/KGCASE_0000002"] is False


def test_pages_bad_base_iri_stops_start_up(tmp_path):
    from kgcase.config import ConfigError, load_settings
    from kgcase.web import create_app

    settings = load_settings({"base_iri": "example.org/no-scheme", "data_dir": str(tmp_path),
                              "queries_dir": str(ROOT / "queries")}, environ={})
    with pytest.raises(ConfigError, match="base_iri"):
        create_app(settings)
