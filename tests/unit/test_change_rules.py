"""Analyte-specific change and range-aware verdicts, on the seed report's Table 1.

Each test is one finding of the seed's review: one ±20 % rule for every analyte called
haemoglobin 129 → 115 g/L unchanged and normal transaminase drifts increased/decreased, and two
censored values on the same side of a limit were left indeterminate.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import CASES
from kgcase.derive import DerivedEffect, derive_effects
from kgcase.derive.course import range_course
from kgcase.derive.variation import FALLBACK, Z, rule_for, rules, score_category
from kgcase.model.load import load_case
from kgcase.values import parse_value
from kgcase.vocab import K


@pytest.fixture(scope="module")
def seed_effects(terms) -> dict[tuple[str, str, str, str], DerivedEffect]:
    case = load_case(CASES / "cabrera-2016.yaml", terms).case
    return {(e.patient_id, e.measurement_id, e.from_tp, e.to_tp): e for e in derive_effects(case)}


def test_rcv_is_computed_from_cvi_and_cva():
    hb = rule_for(str(K.HaemoglobinTest))
    assert hb.rule == "rcv" and hb.cvi == Decimal("2.8") and hb.analytical == Decimal("1.4")
    expected = Decimal(2).sqrt() * Z * (Decimal("1.4") ** 2 + Decimal("2.8") ** 2).sqrt() / 100
    assert hb.threshold == expected
    assert Decimal("0.086") < hb.threshold < Decimal("0.088")


def test_every_rcv_figure_names_its_source_and_certainty():
    for r in rules().values():
        assert r.certainty in ("certain", "probable", "uncertain"), r
        if r.rule == "rcv":
            assert r.cvi is not None and r.cvi > 0
            assert any(k in r.source for k in ("doi:", "PMID:", "EFLM")), r
        if r.rule == "fallback":
            assert r.note, f"{r.label}: a fallback says why no figure is used"


def test_haemoglobin_fall_of_11_percent_is_a_decrease(seed_effects):
    e = seed_effects[("p1", "hb", "M0", "M6")]  # 129 → 115 g/L, the anaemia of the report
    assert e.direction == "decreased"
    assert e.rule is not None and e.rule.rule == "rcv"
    assert "reference change value 8.7 %" in e.method and "PMID:1497462" in e.method


def test_normal_transaminase_drifts_are_not_called_changes_out_of_range(seed_effects):
    alat = seed_effects[("p1", "alat", "M0", "M12")]  # 13 → 25, range <40
    assert alat.range_course == "changed within range"
    asat = seed_effects[("p1", "asat", "M0", "M6")]  # 31 → 24: under ASAT's RCV (29.4 %)
    assert (asat.direction, asat.range_course) == ("unchanged", "stayed within range")
    assert "EFLM" in asat.method


def test_creatine_kinase_98_to_80_is_unchanged_within_range(seed_effects):
    ck = seed_effects[("p2", "ck", "M6", "M12")]
    assert (ck.direction, ck.range_course) == ("unchanged", "stayed within range")
    assert "reference change value 44.9 %" in ck.method


def test_censored_values_on_the_same_side_stay_within_range(seed_effects):
    crp = seed_effects[("p1", "crp", "M6", "M12")]  # <0.2 → <0.2 mg/L, range <5
    assert crp.range_course == "stayed within range"
    assert "stayed within range" in crp.method
    ssa = seed_effects[("p2", "ssa", "M0", "M6")]  # >2 → >2, no range printed
    assert ssa.range_course == "stayed beyond the reporting limit"


def test_moving_back_into_range_is_told_apart(seed_effects):
    alat = seed_effects[("p2", "alat", "M6", "M12")]  # 326 → <40
    assert (alat.direction, alat.range_course) == ("decreased", "moved back into range")
    rise = seed_effects[("p2", "alat", "M0", "M6")]  # 88 → 326, outside both times
    assert rise.range_course == "stayed outside range"


def test_a_test_without_variation_data_says_so(seed_effects):
    e = seed_effects[("p1", "lymphocytes", "M0", "M6")]
    assert e.rule is not None and e.rule.rule == "fallback" and e.rule.threshold == FALLBACK
    assert "no biological variation figure is known for lymphocyte count" in e.method
    unknown = rule_for("https://example.org/unlisted-test")
    assert unknown.rule == "fallback" and unknown.threshold == FALLBACK


def test_scores_change_with_their_activity_category(seed_effects):
    assert score_category(Decimal("0.5")) == "inactive disease"
    assert score_category(Decimal("2.5")) == "low disease activity"
    assert score_category(Decimal("2.51")) == "moderate disease activity"
    assert score_category(Decimal(9)) == "high disease activity"
    e = seed_effects[("p2", "cjadas", "M6", "M12")]  # 1 → 0: low activity → inactive
    assert e.direction == "improved" and "low disease activity to inactive disease" in e.method


def test_range_course_rules():
    v = parse_value
    assert range_course(v("3"), v("50"), "normal", "abnormal", "increased",
                        has_range=True) == "moved out of range"
    assert range_course(v("<0.2"), v("<0.2"), "normal", "normal", "indeterminate",
                        has_range=True) == "stayed within range"
    assert range_course(v(">2"), v(">8"), None, None, "indeterminate", has_range=False) is None
    assert range_course(v("+"), v("+"), "abnormal", "abnormal", "unchanged",
                        has_range=False) is None


def test_patient_level_window_keeps_the_extreme_value(seed_effects):
    e = seed_effects[("p2", "alat", "M0", "M12")]  # 88 → 326 → <40
    assert e.patient_level and e.extreme is not None and e.extreme.text == "326"
    assert e.extreme_tp == "M6" and "326 at M6" in e.method
    assert not seed_effects[("p2", "alat", "M0", "M6")].patient_level
    assert seed_effects[("p1", "u1rnp", "M0", "M6")].patient_level  # the only pair


def test_an_uncertain_figure_is_marked_in_the_method(seed_effects):
    e = seed_effects[("p1", "wcc", "M0", "M6")]
    assert "the figure is probable for these patients" in e.method


def test_derived_effect_labels_never_print_equals_between_values(terms):
    from kgcase.rdf.case_graph import case_to_triples
    from kgcase.vocab import RDFS

    case = load_case(CASES / "cabrera-2016.yaml", terms).case
    labels = [str(o) for s, p, o in case_to_triples(case, derive_effects(case), terms.labels)
              if p == RDFS.label and "/derived/" in str(s)]
    assert labels and not [x for x in labels if " = " in x]
    wcc = next(x for x in labels if "6.17" in x and "7.17" in x)  # patient 2, unchanged
    assert "6.17 → 7.17" in wcc


def test_cryoglobulin_label_is_not_garbled(terms):
    from kgcase.rdf.case_graph import case_to_triples
    from kgcase.vocab import RDFS

    case = load_case(CASES / "cabrera-2016.yaml", terms).case
    labels = [str(o) for s, p, o in case_to_triples(case, derive_effects(case), terms.labels)
              if p == RDFS.label and str(s).endswith("/derived/cryoglobulin/M0-M6")
              and "/p1/" in str(s)]
    assert labels == ["tocilizumab → cryoglobulin test: appeared, − → + (type III) "
                      "(M0→M6, Patient 1)"]


def test_a_cell_read_by_a_diagnosis_first_keeps_its_printed_value(terms):
    from kgcase.rdf.case_graph import case_to_triples
    from kgcase.vocab import PROV

    case = load_case(CASES / "cabrera-2016.yaml", terms).case
    triples = case_to_triples(case, derive_effects(case), terms.labels)
    cell = "https://w3id.org/kgcase/case/cabrera-2016/table/table1/r18c2"  # cryo, P1 M6
    assert [str(o) for s, p, o in triples if str(s) == cell and p == PROV.value] == [
        "+ (type III)"]
