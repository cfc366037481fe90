"""Fixtures for the ontology quality checks: the ontology files, the merged graph, HermiT."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph

from kgcase.reason import Reasoning, load_ontology_graph, reason

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
EDIT_FILE = ONTOLOGY_DIR / "kgcase-edit.ttl"
DATA = Path(__file__).resolve().parent / "data"
VERIFIED_IDS = ONTOLOGY_DIR / "reference" / "verified-ids.tsv"


def verified_ids() -> dict[str, str]:
    """Ids whose ``verified`` column is ``yes`` in ontology/reference -> official label."""
    path = VERIFIED_IDS
    if not path.is_file():
        pytest.fail(f"{path} is missing: the ontology tests check ids against it")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {r["id"]: r["official_label"] for r in rows if r["verified"] == "yes"}


@pytest.fixture(scope="session")
def _parsed() -> tuple[Graph, Graph]:
    return load_ontology_graph(ONTOLOGY_DIR), Graph().parse(EDIT_FILE, format="turtle")


def _copy(graph: Graph) -> Graph:
    fresh = Graph()
    fresh += graph
    return fresh


@pytest.fixture
def ontology_graph(_parsed) -> Graph:
    """The edit file merged with its import modules (a fresh copy per test)."""
    return _copy(_parsed[0])


@pytest.fixture
def edit_graph(_parsed) -> Graph:
    """The edit file alone, as Turtle (a fresh copy per test)."""
    return _copy(_parsed[1])


@pytest.fixture(scope="session")
def tbox_reasoning() -> Reasoning:
    """HermiT's answer on the ontology alone; read-only, computed once (about a second)."""
    return reason(load_ontology_graph(ONTOLOGY_DIR))
