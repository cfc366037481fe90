"""Competency questions: each named query, run on the built seed graph, answers as the paper."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import QUERIES
from kgcase.queries import load_catalogue
from terms import (
    ADALIMUMAB,
    ANTI_DSDNA,
    CJADAS,
    CLASSIC_SIGNALLING,
    CORTICOSTEROID,
    CRYOGLOBULINEMIA,
    ETANERCEPT,
    HEPATITIS,
    HYDROXYCHLOROQUINE,
    JDM,
    METHOTREXATE,
    MYCOPHENOLATE,
    NSAID,
    POLYARTHRITIS,
    POSITIVE_DAT,
    RAYNAUD,
    SLE,
    SYSTEMIC_SCLEROSIS,
    TNF_INHIBITOR,
    TOCILIZUMAB,
    TRANS_SIGNALLING,
)

CATALOGUE = load_catalogue(QUERIES)


def run(store, name: str, **params: str) -> list[dict[str, str]]:
    nq = CATALOGUE[name]
    rows = store.select(nq.sparql, bindings=nq.bind(params))
    return [{k: v.value for k, v in row.items()} for row in rows]


def test_every_named_query_has_a_competency_test():
    source = Path(__file__).read_text()
    tested = {n for n in CATALOGUE if f"def test_{n}(" in source}
    assert tested == set(CATALOGUE), set(CATALOGUE) - tested


def test_drugs_raising_lab_value(store):
    rows = run(store, "drugs_raising_lab_value")  # default: anti-dsDNA
    assert {r["drug"] for r in rows} == {TOCILIZUMAB}
    assert {r["patientLabel"].split(" (")[0] for r in rows} == {"Patient 1"}
    derived = {(r["valueBefore"], r["valueAfter"]) for r in rows if r["kind"] == "derived"}
    assert derived == {("30", "85"), ("85", ">97"), ("30", ">97")}
    stated = [r for r in rows if r["kind"] == "stated"]
    assert len(stated) == 2
    assert any("dsDNA" in r["source"] and "Case reports" in r["source"] for r in stated)
    cells = next(r for r in rows if (r.get("valueBefore"), r.get("valueAfter")) == ("30", "85"))
    assert "dsDNA Ab RIA (Farr assay >7 UI/mL)" in cells["source"]
    assert "Patient 1, M0 (previous treatment): 30" in cells["source"]
    assert Decimal(cells["relativeChange"]) > 1  # 30 → 85 is +183 %


def test_drug_effect_summary(store):
    rows = run(store, "drug_effect_summary")  # default: a rise of anti-dsDNA
    counts = {(r["drug"], r["kind"]): (r["patients"], r["cases"], r["effects"]) for r in rows}
    # patient 1 only: 30 -> 85 -> >97 gives three derived rises; two sentences state it
    assert counts == {(TOCILIZUMAB, "derived"): ("1", "1", "3"),
                      (TOCILIZUMAB, "stated"): ("1", "1", "2")}
    detail = run(store, "drugs_raising_lab_value", test="KGCASE:0000149")
    assert sum(int(r["effects"]) for r in rows) == len(
        {r["effect"] for r in detail if r["direction"] == "increased"})


def test_effect_profile_of_drug(store):
    rows = run(store, "effect_profile_of_drug")  # default: tocilizumab
    stated = {(r["target"], r["directionLabel"]): r["patients"] for r in rows
              if r["kind"] == "stated"}
    assert stated[(POLYARTHRITIS, "resolved")] == "1"  # patient 1
    assert stated[(POLYARTHRITIS, "improved")] == "1"  # patient 2
    assert stated[(CRYOGLOBULINEMIA, "appeared")] == "1"
    improved = {r["target"] for r in rows if r["improved"] == "true"}
    assert POLYARTHRITIS in improved and RAYNAUD not in improved
    effects = run(store, "effects_of_drug")
    assert sum(int(r["effects"]) for r in rows) == len({r["effect"] for r in effects})


def test_drugs_raising_lab_value_patient2_not_raised(store):
    rows = run(store, "drugs_raising_lab_value", test="KGCASE:0000149")
    assert not [r for r in rows if r["patientLabel"].startswith("Patient 2")]  # 7.4 → 7.1 → 7


def test_effects_of_drug(store):
    rows = run(store, "effects_of_drug")  # default: tocilizumab
    stated = {
        (r["patientLabel"][:9], r["target"], r["direction"]) for r in rows if r["kind"] == "stated"
    }
    assert ("Patient 1", POLYARTHRITIS, "resolved") in stated
    assert ("Patient 2", POLYARTHRITIS, "improved") in stated
    assert ("Patient 2", RAYNAUD, "unchanged") in stated
    assert ("Patient 2", HEPATITIS, "unchanged") in stated
    assert ("Patient 1", POSITIVE_DAT, "appeared") in stated
    assert ("Patient 1", CRYOGLOBULINEMIA, "appeared") in stated
    improved = {r["target"] for r in rows if r["improved"] == "true"}
    not_improved = {r["target"] for r in rows if r["improved"] == "false" and r["kind"] == "stated"}
    assert POLYARTHRITIS in improved
    assert {RAYNAUD, HEPATITIS, ANTI_DSDNA, CRYOGLOBULINEMIA} <= not_improved
    cjadas = {
        (r["patientLabel"][:9], r["valueBefore"], r["valueAfter"], r["direction"])
        for r in rows
        if r["target"] == CJADAS
    }
    assert ("Patient 1", "20", "0", "improved") in cjadas
    assert ("Patient 2", "14", "1", "improved") in cjadas
    raynaud_derived = {
        r["direction"] for r in rows if r["target"] == RAYNAUD and r["kind"] == "derived"
    }
    assert raynaud_derived == {"unchanged"}  # "+" at every time point, both patients
    assert all(r["source"] for r in rows), "every effect shows its source"


def test_effects_of_drug_on_target(store):
    rows = run(store, "effects_of_drug_on_target")  # default: tocilizumab, anti-dsDNA, increased
    assert rows and {(r["drug"], r["target"], r["directionLabel"]) for r in rows} == {
        (TOCILIZUMAB, ANTI_DSDNA, "increased")}
    assert {r["patientLabel"][:9] for r in rows} == {"Patient 1"}
    derived = {(r["valueBefore"], r["valueAfter"]) for r in rows if r["kind"] == "derived"}
    assert derived == {("30", "85"), ("85", ">97"), ("30", ">97")}
    # exactly the drug's effects on that target in that direction, none of its others
    everything = run(store, "effects_of_drug")
    assert {r["effect"] for r in rows} == {
        r["effect"] for r in everything
        if r["target"] == ANTI_DSDNA and r["direction"] == "increased"}
    resolved = run(store, "effects_of_drug_on_target", target="KGCASE:0000149",
                   direction="KGCASE:0000171")
    assert resolved == []
    assert all(r["source"] for r in rows), "every effect shows its source"


def test_patients_with_finding(store):
    rows = run(store, "patients_with_finding")  # default: cryoglobulinaemia
    assert {r["patientLabel"][:9] for r in rows} == {"Patient 1"}
    hows = {r["how"] for r in rows}
    assert {
        "reported finding",
        "positive or abnormal test result",
        "appeared under treatment",
    } <= hows
    tested = {r["detail"] for r in rows if r["how"] == "positive or abnormal test result"}
    assert tested == {"+ (type III)"}


def test_patients_with_finding_counts_a_table_row_of_the_finding_itself(store):
    # Table 1 records Raynaud's phenomenon as "+" for Patient 1 at M0, M6 and M12: the row's
    # subject is the finding itself, not a laboratory test for it.
    rows = run(store, "patients_with_finding", phenotype="HP:0030880")
    tested = {(r["patientLabel"][:9], r["when"][:3], r["detail"]) for r in rows
              if r["how"] == "positive or abnormal test result"}
    expected = {("Patient 1", "M0:", "+"), ("Patient 1", "M6:", "+"), ("Patient 1", "M12", "+")}
    assert expected <= tested


def test_treatments_before_and_with(store):
    rows = run(store, "treatments_before_and_with")
    by = {(r["patientLabel"][:9], r["phase"], r["other"]) for r in rows}
    assert {("Patient 1", "before", d) for d in (METHOTREXATE, ETANERCEPT, ADALIMUMAB, NSAID)} <= by
    assert {("Patient 1", "with", d) for d in (CORTICOSTEROID, HYDROXYCHLOROQUINE)} <= by
    assert {("Patient 2", "before", d) for d in (MYCOPHENOLATE, ETANERCEPT, NSAID)} <= by
    assert {
        ("Patient 2", "with", d) for d in (METHOTREXATE, CORTICOSTEROID, HYDROXYCHLOROQUINE)
    } <= by
    index = [r for r in rows if r["phase"] == "index"]
    assert {(r["dose"], r["doseUnit"], r["interval"], r["intervalUnit"]) for r in index} == {
        ("8", "mg/kg", "4", "wk")
    }
    uncertain = {r["other"] for r in rows if r["certainty"] == "probable"}
    assert ADALIMUMAB in uncertain and MYCOPHENOLATE in uncertain


def test_overlap_components(store):
    rows = run(store, "overlap_components")
    from_case = {r["component"] for r in rows if r["basis"].startswith("diagnosis")}
    assert from_case == {JDM, SYSTEMIC_SCLEROSIS, SLE}
    rows = run(store, "overlap_components", disease="MONDO:0005854")  # MCTD
    from_ontology = {r["component"] for r in rows if r["basis"].startswith("ontology")}
    assert {SLE, SYSTEMIC_SCLEROSIS} <= from_ontology


def test_literature_claims_about_drugs(store):
    rows = run(store, "literature_claims_about_drugs")
    assert [(r["subject"], r["object"], r["direction"], r["references"]) for r in rows] == [
        (TNF_INHIBITOR, ANTI_DSDNA, "increased", "12")
    ]
    assert "tumour necrosis factor inhibitors" in rows[0]["quote"]


def test_claims_are_kept_apart_from_observations(store):
    observed_claims = store.select(
        "PREFIX kg: <https://w3id.org/kgcase/> "
        "SELECT ?x WHERE { ?x a kg:KGCASE_0000010 , kg:KGCASE_0000007 }"
    )
    assert observed_claims == []


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_named_query_examples_run(store, name):
    nq = CATALOGUE[name]
    params = {p.name: p.example for p in nq.params if p.example}
    assert run(store, name, **params), f"{name} returns nothing for its documented example"


def test_pathways_inhibited_by_drug(store):
    rows = run(store, "pathways_inhibited_by_drug")  # default: tocilizumab
    via = {(r["pathway"], r["moleculeLabel"]) for r in rows}
    assert (CLASSIC_SIGNALLING, "membrane-bound interleukin-6 receptor") in via
    assert (TRANS_SIGNALLING, "soluble interleukin-6 receptor") in via
    assert all(
        r["inhibitionAsserted"] == "true"
        for r in rows
        if r["pathway"] in (CLASSIC_SIGNALLING, TRANS_SIGNALLING)
    )
    inferred = " | ".join(r.get("inferredAs", "") for r in rows)
    assert "IL-6 trans-signalling inhibitor" in inferred  # classified by HermiT
    assert "IL-6 classic signalling inhibitor" in inferred
