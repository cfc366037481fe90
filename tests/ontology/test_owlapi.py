"""The OWL API 5 view: the edit file parses completely and stays inside OWL 2 DL."""

from __future__ import annotations

import pytest

from .conftest import DATA, EDIT_FILE, ONTOLOGY_DIR
from .owlapi_check import check_with_owlapi

pytestmark = pytest.mark.ontology


def test_owlapi_loads_the_edit_file_as_owl2_dl_with_nothing_unparsed():
    result = check_with_owlapi(EDIT_FILE)
    summary = result["summary"]
    assert result["ontology"] == "https://w3id.org/kgcase/kgcase.owl"
    assert result["missing_import"] == []
    assert summary["imports"] == 7 and summary["rdf_documents"] == 8
    assert result["unparsed_triple"] == []
    assert result["guessed_declaration"] == []
    assert result["dl_violation"] == []
    assert summary["logical_axioms"] > 250


def test_owlapi_check_reports_what_is_wrong_with_a_broken_file():
    result = check_with_owlapi(DATA / "owlapi-not-dl.ttl")
    assert result["missing_import"] == ["http://example.org/not-in-any-catalog.owl"]
    assert result["summary"]["unparsed_triples"] >= 1
    assert any(v.startswith("IllegalPunning") for v in result["dl_violation"])
    assert any(v.startswith("InsufficientOperands") for v in result["dl_violation"])


def test_an_import_module_is_owl2_dl_on_its_own():
    """One module through the OWL API (a JVM start each); test_imports checks the others."""
    result = check_with_owlapi(ONTOLOGY_DIR / "imports" / "mondo_import.owl")
    assert result["summary"]["rdf_documents"] == 1
    assert result["unparsed_triple"] == []
    assert result["dl_violation"] == []


def test_idranges_file_parses_with_the_owlapi():
    result = check_with_owlapi(ONTOLOGY_DIR / "kgcase-idranges.owl")
    assert result["ontology"] == "https://w3id.org/kgcase/kgcase-idranges.owl"
    assert result["dl_violation"] == []
