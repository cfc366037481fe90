"""`kgcase terms add` imports a current term checked against a local release, and refuses
unknown, obsolete or already imported identifiers without writing anything."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from draft.support import ONTOLOGY
from kgcase.cli import main
from kgcase.draft.vocab import load_vocabulary

OBO = """format-version: 1.2
data-version: hp/releases/2099-01-01

[Term]
id: HP:0000989
name: Pruritus

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0009999
name: obsolete Itchy thing
is_obsolete: true
replaced_by: HP:0000989
"""


@pytest.fixture
def ontology(tmp_path):
    target = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, target)
    (tmp_path / "hp.obo").write_text(OBO, encoding="utf-8")
    return target


def _add(ontology, curie, *extra):
    return CliRunner().invoke(main, ["terms", "add", curie, "--release",
                                     str(ontology.parent / "hp.obo"), "--ontology",
                                     str(ontology), "--definition", "Itching of the skin.",
                                     *extra])


def _snapshot(ontology):
    return {p.name: p.read_bytes() for p in (ontology / "imports").iterdir()}


def test_adds_a_current_term_and_regenerates_the_modules(ontology):
    result = _add(ontology, "HP:0000989")
    assert result.exit_code == 0, result.output
    row = (ontology / "imports" / "terms.tsv").read_text(encoding="utf-8").splitlines()[-1]
    assert row.split("\t")[:4] == ["HP:0000989", "class", "Pruritus", "KGCASE:0000301"]
    assert "hp.obo hp/releases/2099-01-01" in row
    assert "HP_0000989" in (ontology / "imports" / "hp_import.owl").read_text(encoding="utf-8")
    assert "HP:0000989  # Pruritus" in (ontology / "imports" / "hp_terms.txt").read_text()
    vocab = load_vocabulary(ontology)
    assert vocab.terms["HP:0000989"].in_ontology  # drafts can now ground "pruritic" to it


@pytest.mark.parametrize(("curie", "message"), [
    ("HP:0001234", "HP:0001234 is not declared in"),
    ("HP:0009999", "HP:0009999 is obsolete in"),
    ("HP:0030880", "HP:0030880 is already imported"),
    ("XYZ:0000001", "no import module for this prefix"),
])
def test_refuses_unknown_obsolete_or_known_ids_and_writes_nothing(ontology, curie, message):
    before = _snapshot(ontology)
    result = _add(ontology, curie)
    assert result.exit_code == 2
    assert message in result.output
    assert _snapshot(ontology) == before
    if curie == "HP:0009999":
        assert "use HP:0000989" in result.output
