"""Shared fixtures: the repository's paths, the ontology term index, and one built store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kgcase.build import BuildInputs, build
from kgcase.model.terms import TermIndex
from kgcase.reason import load_ontology_graph
from kgcase.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
ONTOLOGY = ROOT / "ontology"
QUERIES = ROOT / "queries"
DATA = Path(__file__).resolve().parent / "data"


def seed_and_synthetic(out: Path, n: int, seed: int) -> Path:
    """A corpus directory: the seed case with its source text, and ``n`` synthetic reports."""
    from kgcase.synth import write_corpus

    write_corpus(n, seed, out / "synthetic", progress=False)
    shutil.copy(CASES / "cabrera-2016.yaml", out)
    shutil.copytree(CASES / "sources", out / "sources")
    return out


@pytest.fixture(scope="session")
def ontology_graph():
    return load_ontology_graph(ONTOLOGY)


@pytest.fixture(scope="session")
def terms(ontology_graph) -> TermIndex:
    return TermIndex.from_graph(ontology_graph)


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory) -> Path:
    """The seed cases built once (with HermiT, and the answers of ``queries/``) into a
    temporary data directory."""
    data_dir = tmp_path_factory.mktemp("built")
    build(
        BuildInputs(cases_dir=CASES, ontology_dir=ONTOLOGY, data_dir=data_dir, progress=False,
                    queries_dir=QUERIES),
        log=lambda _m: None,
    )
    return data_dir


@pytest.fixture(scope="session")
def store(built_data_dir):
    s = EmbeddedStore.open_current(built_data_dir)
    yield s
    s.close()
