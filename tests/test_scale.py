"""The scale path on a small synthetic corpus: it builds, reuses unchanged files, and the
materialised ABox inferences agree with HermiT. (Timings live in benchmarks/, not here.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDFS, Graph
from rdflib.namespace import PROV

from conftest import CASES, ONTOLOGY, QUERIES
from kgcase.build import BuildInputs, build
from kgcase.derive import derive_effects
from kgcase.iris import inferred_graph_iri
from kgcase.materialise import compile_rules
from kgcase.model.load import load_case
from kgcase.queries import load_catalogue
from kgcase.rdf.case_graph import case_to_graph
from kgcase.reason import reason
from kgcase.store import EmbeddedStore
from kgcase.synth import write_corpus
from test_summary import (
    RAW_AGGREGATE,
    RAW_CLASSES,
    RAW_DRUGS,
    STORED,
    STORED_CLASSES,
    STORED_DRUGS,
    as_tuples,
    counted,
)

N = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    write_corpus(N, 5, out / "synthetic", progress=False)
    shutil.copy(CASES / "cabrera-2016.yaml", out)
    (out / "sources").mkdir()
    shutil.copy(CASES / "sources" / "cabrera-2016.txt", out / "sources")
    return out


@pytest.fixture(scope="module")
def rules(ontology_graph):
    return compile_rules(ontology_graph, reason(ontology_graph).inferred)


def _inputs(corpus: Path, data_dir: Path, **kw) -> BuildInputs:
    return BuildInputs(cases_dir=corpus, ontology_dir=ONTOLOGY, data_dir=data_dir,
                       progress=False, jobs=2, **kw)


def test_scale_builds_a_synthetic_corpus_with_the_seed(corpus, tmp_path):
    logs: list[str] = []
    release = build(_inputs(corpus, tmp_path), log=logs.append)
    assert len(release.cases) == N + 1
    store = EmbeddedStore.open_current(tmp_path)
    synthetic = store.select("""PREFIX kg: <https://w3id.org/kgcase/>
        SELECT (COUNT(?c) AS ?n) WHERE { ?c kg:KGCASE_0002031 true }""")
    assert int(synthetic[0]["n"].value) == N
    catalogue = load_catalogue(QUERIES)
    for nq in catalogue.values():  # every named question answers on the mixed corpus
        store.select(nq.sparql, bindings=nq.bind({}))
    rows = store.select(catalogue["drugs_raising_lab_value"].sparql,
                        bindings=catalogue["drugs_raising_lab_value"].bind({}))
    assert len({r["case"].value for r in rows}) > 1  # the seed and synthetic reports
    # the build's effect summaries equal the raw effects' SPARQL aggregate on the mixed corpus
    stored, raw = as_tuples(store.select(STORED)), as_tuples(store.select(RAW_AGGREGATE))
    assert len(raw) > 100 and stored == raw
    # and so do the home page's class and drug counts
    assert counted(store.select(STORED_CLASSES)) == counted(store.select(RAW_CLASSES))
    assert counted(store.select(STORED_DRUGS)) == counted(store.select(RAW_DRUGS))
    assert "(0 unchanged" in logs[-1]


def test_scale_rebuild_reuses_unchanged_case_files(corpus, tmp_path):
    build(_inputs(corpus, tmp_path), log=lambda _m: None)
    first = sorted((corpus / "synthetic").rglob("*.yaml"))[0]
    original = first.read_text()
    try:
        first.write_text(original.replace("synthetic: true", "synthetic: true  # edited"))
        logs: list[str] = []
        build(_inputs(corpus, tmp_path), log=logs.append)
        assert f"({N} unchanged" in logs[-1]  # all but the edited file came from the cache
    finally:
        first.write_text(original)


def test_scale_rules_agree_with_hermit(corpus, terms, ontology_graph, rules):
    """On the seed and a sample of synthetic cases, the rules give every inference HermiT
    gives, and more only where HermiT's output omits a sub-property entailment. Cases do not
    interact through the ontology, so the synthetic sample is reasoned over in one run."""
    seed = corpus / "cabrera-2016.yaml"
    sample = sorted((corpus / "synthetic").rglob("*.yaml"))[:12]
    for group in ([seed], sample):
        graph = Graph()
        for path in group:
            case = load_case(path, terms).case
            graph += case_to_graph(case, derive_effects(case), terms.labels)
        hermit = {t for t in reason(ontology_graph, graph).inferred if t[1] != RDFS.subClassOf}
        ruled = set(rules.apply(list(graph)))
        assert hermit, "HermiT infers something about these cases"
        assert hermit <= ruled, hermit - ruled
        assert {t[1] for t in ruled - hermit} <= {PROV.wasDerivedFrom}


def test_scale_cjadas_categories_materialised(tmp_path, built_data_dir):
    store = EmbeddedStore.open_current(built_data_dir)
    rows = store.select(f"""PREFIX kg: <https://w3id.org/kgcase/>
        SELECT ?v ?cat WHERE {{ GRAPH <{inferred_graph_iri()}> {{ ?m kg:KGCASE_0001042 ?cat }}
                               ?m kg:KGCASE_0002001 ?v }}""")
    by_value = {r["v"].value: r["cat"].value.rsplit("_", 1)[1] for r in rows}
    assert by_value == {"20": "0000188", "14": "0000188", "1": "0000186", "0": "0000185"}
