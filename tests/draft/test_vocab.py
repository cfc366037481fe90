"""The matcher's names: the ontology's terms, HPO's phenotypic abnormalities, never obsolete."""

from __future__ import annotations

from draft.support import ONTOLOGY
from kgcase.draft.vocab import (
    PHENOTYPIC_ABNORMALITY,
    descendants,
    hpo_obo_path,
    load_vocabulary,
    read_obo,
)


def test_ontology_terms_and_short_symbols():
    v = load_vocabulary(ONTOLOGY)
    assert v.terms["KGCASE:0000100"].kind == "drug" and v.terms["KGCASE:0000100"].in_ontology
    assert v.exact["TCZ"] == ["KGCASE:0000100"]  # short symbols match as printed only
    assert "tcz" not in v.lower
    assert v.terms["HP:0030880"].kind == "phenotype"
    assert v.terms["KGCASE:0000144"].kind == "test"


def test_hpo_names_exclude_obsolete_terms_and_modifiers():
    v = load_vocabulary(ONTOLOGY)
    terms, parents, version = read_obo(hpo_obo_path())
    assert version.startswith("hp/releases/")
    obsolete = {t for t, (_n, _s, old) in terms.items() if old}
    assert obsolete and not obsolete & set(v.terms)
    abnormal = descendants(PHENOTYPIC_ABNORMALITY, parents)
    assert "severe" not in v.lower and "chronic" not in v.lower  # clinical modifiers
    assert v.hpo["proteinuria"] == ["HP:0000093"]
    assert all(c in abnormal or v.terms[c].in_ontology for ids in v.hpo.values() for c in ids)
