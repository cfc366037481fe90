"""`kgcase build`: the release it writes, and that a failed build changes nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import CASES, DATA, ONTOLOGY
from kgcase.build import BuildInputs, build
from kgcase.errors import CaseFileError
from kgcase.iris import case_graph_iri, inferred_graph_iri, ontology_graph_iri
from kgcase.store import EmbeddedStore


def test_build_writes_one_graph_per_case_and_inferred(store):
    graphs = set(store.graphs())
    assert {ontology_graph_iri(), case_graph_iri("cabrera-2016"), inferred_graph_iri()} <= graphs
    assert store.release is not None and store.release.triples == store.triple_count()
    assert store.release.graphs[inferred_graph_iri()] > 0


def test_build_every_curated_fact_has_a_source(store):
    rows = store.select("""
        PREFIX kg: <https://w3id.org/kgcase/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?fact WHERE {
          VALUES ?type { kg:KGCASE_0000003 kg:KGCASE_0000004 kg:KGCASE_0000006
                         kg:KGCASE_0000008 kg:KGCASE_0000010 kg:KGCASE_0000011 kg:KGCASE_0000017 }
          ?fact a ?type .
          FILTER NOT EXISTS { ?fact prov:wasDerivedFrom ?src .
                              ?src prov:wasQuotedFrom ?report }
        }""")
    assert rows == []


def test_build_is_deterministic(tmp_path, built_data_dir):
    """Rebuilding gives the same graphs (IRIs are minted from case-file ids)."""
    build(
        BuildInputs(cases_dir=CASES, ontology_dir=ONTOLOGY, data_dir=tmp_path, progress=False),
        log=lambda _m: None,
    )
    a = EmbeddedStore.open_current(built_data_dir)
    b = EmbeddedStore.open_current(tmp_path)
    assert a.graphs() == b.graphs()
    for graph in a.graphs():
        ga, gb = _graph(a, graph), _graph(b, graph)
        assert len(ga) == len(gb) and isomorphic(ga, gb), graph


def _graph(store: EmbeddedStore, iri: str) -> Graph:
    data = ox.serialize(
        (q.triple for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))),
        format=ox.RdfFormat.N_TRIPLES,
    )
    return Graph().parse(data=data, format="nt")


def test_failed_build_leaves_previous_release_serving(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(DATA / "cases", cases)
    shutil.copy(DATA / "minimal.txt", tmp_path / "minimal.txt")
    data_dir = tmp_path / "data"
    first = build(
        BuildInputs(cases_dir=cases, ontology_dir=ONTOLOGY, data_dir=data_dir, progress=False),
        log=lambda _m: None,
    )
    bad = cases / "minimal-2020.yaml"
    bad.write_text(bad.read_text().replace('M6: ">97"', 'M6: "abc"'))
    with pytest.raises(CaseFileError) as info:
        build(
            BuildInputs(cases_dir=cases, ontology_dir=ONTOLOGY, data_dir=data_dir, progress=False),
            log=lambda _m: None,
        )
    assert "values.M6" in str(info.value)
    served = EmbeddedStore.open_current(data_dir)
    assert served.release is not None and served.release.id == first.id
    assert served.triple_count() == first.triples
    assert [p.name for p in (data_dir / "stores").iterdir()] == [first.id]


def test_a_killed_build_never_costs_the_last_good_release(tmp_path):
    """``kill -9`` during a build leaves a release directory without its manifest and runs no
    clean-up; the next build must not keep it as "the previous release" in place of the last
    good one, and removes it."""
    inputs = BuildInputs(cases_dir=CASES, ontology_dir=ONTOLOGY, data_dir=tmp_path,
                         progress=False)
    first = build(inputs, log=lambda _m: None)
    killed = tmp_path / "stores" / (first.id[:8] + "T999999999999Z-killed")  # sorts after first
    (killed / "oxigraph").mkdir(parents=True)
    (killed / "graphs.nq").write_text("")
    (killed / ".building").write_text("")  # its lock file, no longer held by anyone
    time.sleep(0.05)  # the killed build is older than the next build's release
    second = build(inputs, log=lambda _m: None)
    assert sorted(p.name for p in (tmp_path / "stores").iterdir()) == [first.id, second.id]
    assert EmbeddedStore.open_current(tmp_path).release.id == second.id


def test_cli_build_reports_errors_and_exits_nonzero(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(DATA / "cases", cases)
    shutil.copy(DATA / "minimal.txt", tmp_path / "minimal.txt")
    bad = cases / "minimal-2020.yaml"
    bad.write_text(bad.read_text().replace("drug: tocilizumab", "drug: tocilizumabb"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kgcase.cli",
            "build",
            "--cases",
            str(cases),
            "--ontology",
            str(ONTOLOGY),
            "--data-dir",
            str(tmp_path / "data"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert f"{bad}:" in proc.stderr and "exposures[0].drug" in proc.stderr
    assert "did you mean 'tocilizumab'" in proc.stderr
    assert not (tmp_path / "data" / "current").exists()
