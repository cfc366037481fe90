"""Competency questions: each named query, run on the built seed graph, answers as the paper."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import QUERIES
from kgcase.queries import load_catalogue
from kgcase.vocab import OBO
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
    assert len(stated) == 1
    assert any("dsDNA" in r["source"] and "Case reports" in r["source"] for r in stated)
    cells = next(r for r in rows if (r.get("valueBefore"), r.get("valueAfter")) == ("30", "85"))
    assert "dsDNA Ab RIA (Farr assay >7 UI/mL)" in cells["source"]
    assert "Patient 1, M0 (previous treatment): 30" in cells["source"]
    assert Decimal(cells["relativeChange"]) > 1  # 30 → 85 is +183 %


def test_drug_effect_summary(store):
    rows = run(store, "drug_effect_summary")  # default: a rise of anti-dsDNA
    counts = {(r["drug"], r["kind"]): (r["patients"], r["cases"], r["effects"]) for r in rows}
    # patient 1 only: 30 -> 85 -> >97 is one observation over the series (not three windows),
    # and the sentences that state it are one observation of one patient
    assert counts == {(TOCILIZUMAB, "derived"): ("1", "1", "1"),
                      (TOCILIZUMAB, "stated"): ("1", "1", "1")}
    detail = run(store, "drugs_raising_lab_value", test="KGCASE:0000149")
    assert sum(int(r["effects"]) for r in rows) == len(
        {(r["kind"], r["patient"]) for r in detail
         if r["direction"] == "increased" and r["level"] == "patient"})
    windows = {(r["valueBefore"], r["valueAfter"]) for r in detail if r["level"] == "window"}
    assert windows == {("30", "85"), ("85", ">97")}  # the pairwise windows stay as detail


def test_drug_effect_summary_does_not_mix_a_rise_within_range_with_one_outside(store):
    # ALAT: patient 1 13 -> 17 -> 25 (<40) rose within range; patient 2 88 -> 326 -> <40 came
    # back into range over the series. "ALAT increased" is patient 1 alone.
    rows = run(store, "drug_effect_summary", target="KGCASE:0000146")
    assert {r["patients"] for r in rows if r["kind"] == "derived"} == {"1"}
    detail = run(store, "drugs_raising_lab_value", test="KGCASE:0000146")
    observed = {(r["patientLabel"][:9], r["course"]) for r in detail if r["level"] == "patient"}
    assert observed == {("Patient 1", "changed within range")}
    down = run(store, "drug_effect_summary", target="KGCASE:0000146", direction="KGCASE:0000173")
    assert {r["patients"] for r in down if r["kind"] == "derived"} == {"1"}  # patient 2


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
    assert sum(int(r["effects"]) for r in rows) == len(
        {(r["kind"], r["patient"], r["target"], r["direction"]) for r in effects
         if r["level"] == "patient"})


def test_drugs_raising_lab_value_patient2_not_raised(store):
    rows = run(store, "drugs_raising_lab_value", test="KGCASE:0000149")
    assert not [r for r in rows if r["patientLabel"].startswith("Patient 2")]  # 7.4 → 7.1 → 7


def test_stated_effects_are_not_duplicated_and_keep_every_sentence(store):
    rows = run(store, "drugs_raising_lab_value", test="KGCASE:0000149")
    stated = [r for r in rows if r["kind"] == "stated"]
    assert len(stated) == 1  # one effect, stated in the case report and in the discussion
    assert "Case reports" in stated[0]["source"] and "Discussion" in stated[0]["source"]
    hepatitis = [r for r in run(store, "effects_of_drug")
                 if r["target"] == HEPATITIS and r["kind"] == "stated"]
    assert len(hepatitis) == 1 and "Discussion" in hepatitis[0]["source"]


def test_patient_level_effect_keeps_the_stated_evidence(store):
    rows = run(store, "drugs_raising_lab_value", test="KGCASE:0000149")
    level = [r for r in rows if r["level"] == "patient" and r["kind"] == "derived"]
    assert [(r["valueBefore"], r["valueAfter"]) for r in level] == [("30", ">97")]
    source = level[0]["source"]
    assert "Patient 1, TCZ treatment M12: >97" in source  # the table cells
    assert "Case reports" in source and "Discussion" in source  # and the authors' sentences


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


def test_treatments_before_and_with_tells_a_stop_from_a_previous_treatment(store):
    rows = run(store, "treatments_before_and_with")
    # "which drug was stopped when tocilizumab started?", without a certainty filter
    stopped_at_start = {(r["patientLabel"][:9], r["other"]) for r in rows
                        if r["phase"] == "before" and " stopped at M0 " in r.get("stopped", "")}
    assert stopped_at_start == {("Patient 1", ETANERCEPT)}
    eta = next(r for r in rows if (r["patientLabel"][:9], r["other"]) == ("Patient 1", ETANERCEPT))
    assert eta["stopCertainty"] == "certain"
    assert "etanercept was discontinued" in eta["stopSource"]
    previous = {(r["patientLabel"][:9], r["other"]) for r in rows
                if "unknown time at or before M0" in r.get("stopped", "")}
    assert {("Patient 1", ADALIMUMAB), ("Patient 1", NSAID), ("Patient 2", MYCOPHENOLATE),
            ("Patient 2", ETANERCEPT)} <= previous
    index_quotes = store.select(
        "PREFIX kg: <https://w3id.org/kgcase/> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?q WHERE { ?x kg:KGCASE_0001007 kg:KGCASE_0000100 ; prov:wasDerivedFrom ?e . "
        "?e kg:KGCASE_0002033 ?q }")
    assert index_quotes and not [r for r in index_quotes if "discontinued" in r["q"].value]


def test_overlap_components(store):
    rows = run(store, "overlap_components")
    from_case = {r["component"] for r in rows if r["basis"].startswith("diagnosis")}
    assert from_case == {JDM, SYSTEMIC_SCLEROSIS, SLE}
    assert "disease" not in {r["componentLabel"] for r in rows}  # no generic "disease" row
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


def test_values_not_reported(store):
    rows = run(store, "values_not_reported")  # default: creatine kinase
    assert {(r["patientLabel"][:9], r["timeLabel"][:3]) for r in rows} == {
        ("Patient 1", "M0:"), ("Patient 1", "M6:"), ("Patient 1", "M12")}
    assert all("No CK value is printed for patient 1" in r["note"] for r in rows)
    assert {r["cellRow"] for r in rows} == {"CK (<200 U/L)"}
    u1rnp = run(store, "values_not_reported", test="KGCASE:0000151")
    assert [(r["patientLabel"][:9], r["timeLabel"][:3]) for r in u1rnp] == [("Patient 1", "M12")]
    assert "M12 immunology block prints three values" in u1rnp[0]["explained"]


CLAIM = "https://w3id.org/kgcase/case/cabrera-2016/claim/"


def _objects(store, claim: str, prop: str = "KGCASE_0001028") -> set[str]:
    rows = store.select(f"PREFIX kg: <https://w3id.org/kgcase/> "
                        f"SELECT ?o WHERE {{ <{CLAIM}{claim}> kg:{prop} ?o }}")
    return {r["o"].value for r in rows}


def test_claims_keep_every_object_as_a_term(store):
    assert _objects(store, "mctd-manifestations") == {RAYNAUD, POLYARTHRITIS,
                                                      str(OBO.HP_0033028)}
    assert str(OBO.HP_0001369) in _objects(store, "rnp-predicts-arthritis")  # arthritis
    assert _objects(store, "tcz-sle-complement")  # complement fractions are a term now


def test_approvals_are_drug_indication_region_facts(store):
    rows = store.select(
        "PREFIX kg: <https://w3id.org/kgcase/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?drug ?indication ?region WHERE { ?claim kg:KGCASE_0001259 ?a . "
        "?a kg:KGCASE_0001037 ?drug ; kg:KGCASE_0001038 ?i ; kg:KGCASE_0001257 ?r . "
        "?i rdfs:label ?indication . ?r rdfs:label ?region }")
    facts = {(r["indication"].value, r["region"].value) for r in rows}
    assert {("polyarticular juvenile idiopathic arthritis", "Europe"),
            ("polyarticular juvenile idiopathic arthritis", "North America"),
            ("systemic juvenile idiopathic arthritis", "Europe"),
            ("systemic juvenile idiopathic arthritis", "North America")} <= facts
    assert {r["drug"].value for r in rows} == {TOCILIZUMAB}
    assert len([f for f in facts if f[1] == "Japan"]) == 1  # Castleman disease


def test_hypotheses_rest_on_claims_and_observations(store):
    rows = store.select(
        "PREFIX kg: <https://w3id.org/kgcase/> "
        "SELECT ?h ?x WHERE { ?h a kg:KGCASE_0000011 ; kg:KGCASE_0001258 ?x }")
    by = {}
    for r in rows:
        by.setdefault(r["h"].value.rsplit("/", 1)[-1], set()).add(r["x"].value)
    assert len(by) == 4, by
    assert CLAIM + "il6-mice" in by["il6-protective"]
    assert any(x.endswith("/patient/p1/effect/dsdna-raised") for x in by["il6-protective"])


def test_type_iii_cryoglobulinaemia_is_a_term_not_free_text(store):
    rows = store.select(
        "PREFIX kg: <https://w3id.org/kgcase/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?label ?c WHERE { ?p kg:KGCASE_0001002 ?d ; rdfs:label ?label . "
        "?d kg:KGCASE_0001003 <http://purl.obolibrary.org/obo/MONDO_0019727> ; "
        "kg:KGCASE_0001026 ?c }")
    assert [(r["label"].value[:9], r["c"].value.rsplit("_", 1)[-1]) for r in rows] == [
        ("Patient 1", "0000181")]  # probable: the report names no diagnosis
