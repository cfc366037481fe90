"""The real seed graph over HTTP: the paper's answers reach a notebook user unchanged."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from terms import ANTI_DSDNA, CRYOGLOBULINEMIA, TOCILIZUMAB

pytestmark = pytest.mark.live


def test_seed_named_query_over_http(seed_server):
    r = requests.get(f"{seed_server.url}/api/queries/drugs_raising_lab_value",
                     params={"test": "KGCASE:0000149"}, timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] and {row["drug"] for row in body["rows"]} == {TOCILIZUMAB}
    pairs = {(row.get("valueBefore"), row.get("valueAfter")) for row in body["rows"]}
    assert ("85", ">97") in pairs


def test_seed_named_query_csv(seed_server):
    r = requests.get(f"{seed_server.url}/api/queries/patients_with_finding",
                     params={"phenotype": "HP:0100778"}, headers={"Accept": "text/csv"},
                     timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "Patient 1" in r.text and "Patient 2" not in r.text


def test_seed_sparql_with_sparqlwrapper(seed_server):
    client = SPARQLWrapper(seed_server.sparql)
    client.setQuery(f"""
        PREFIX kg: <https://w3id.org/kgcase/>
        SELECT ?patient (COUNT(?e) AS ?n) WHERE {{
          ?e kg:KGCASE_0001020 <{ANTI_DSDNA}> ; kg:KGCASE_0001022 kg:KGCASE_0000172 ;
             kg:KGCASE_0001021 ?patient .
        }} GROUP BY ?patient""")
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert len(rows) == 1 and rows[0]["patient"]["value"].endswith("/patient/p1")
    client.setReturnFormat(CSV)
    assert b"patient" in client.queryAndConvert()


def test_seed_inferred_types_visible_in_default_graph(seed_server):
    """The reasoner's graph joins the default (union) graph: cJADAS 20 is high activity."""
    client = SPARQLWrapper(seed_server.sparql)
    client.setQuery("""
        PREFIX kg: <https://w3id.org/kgcase/>
        SELECT ?value WHERE { ?m a kg:KGCASE_0000034 ; kg:KGCASE_0002001 ?value }""")
    client.setReturnFormat(JSON)
    values = {b["value"]["value"] for b in client.queryAndConvert()["results"]["bindings"]}
    assert values == {"20", "14"}


def test_seed_cryoglobulinaemia_finding_construct(seed_server):
    client = SPARQLWrapper(seed_server.sparql)
    client.setQuery(f"""
        PREFIX kg: <https://w3id.org/kgcase/>
        CONSTRUCT {{ ?f kg:KGCASE_0001018 <{CRYOGLOBULINEMIA}> }}
        WHERE {{ ?f kg:KGCASE_0001018 <{CRYOGLOBULINEMIA}> }}""")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert [str(s) for s in graph.subjects()] == [
        "https://w3id.org/kgcase/case/cabrera-2016/patient/p1/finding/cryo"]
