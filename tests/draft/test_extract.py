"""Mentions become facts as the text states them: absent stays absent, claims stay claims."""

from __future__ import annotations

from draft.support import DATA, draft_of, facts

MTCD, HEPATITIS, RAYNAUD = "MONDO:0005854", "HP:0012115", "HP:0030880"


def _quotes(case, kind):
    return [f["source"].get("quote") for f in facts(case, kind)]


def test_patient_age_sex_and_diagnosis_with_criteria(negation_case):
    (p,) = negation_case["patients"]
    assert p["sex"] == "female"
    (dx,) = p["diagnoses"]
    assert (dx["disease"], dx["age"], dx["criteria"]) == (MTCD, 9, "KGCASE:0000160")


def test_negated_finding_is_absent_never_present(negation_case):
    hepatitis = [f for f in facts(negation_case, "findings") if f["phenotype"] == HEPATITIS]
    assert hepatitis and all(f["absent"] is True for f in hepatitis)
    assert "no recurrence of" in hepatitis[0]["note"]
    present = [f for f in facts(negation_case, "findings") if not f.get("absent")]
    assert {f["phenotype"] for f in present} >= {RAYNAUD, "HP:0005764"}
    assert HEPATITIS not in {f["phenotype"] for f in present}


def test_negated_mentions_outside_the_ontology_stay_marked_absent(negation_case):
    review = {r["text"]: r for r in negation_case["review"]}
    assert review["fever"]["reason"].startswith("ABSENT")
    assert review["pruritic"]["reason"].startswith("ABSENT")  # "non-pruritic"
    assert review["pruritic"]["candidates"] == ["HP:0000989 (Pruritus)"]


def test_every_fact_is_a_draft_with_provenance(negation_case):
    assert negation_case["status"] == "draft"
    for kind in ("diagnoses", "findings", "exposures", "measurements", "effects"):
        for f in facts(negation_case, kind):
            assert f["status"] == "draft"
            assert f["found_by"]["rule"] and 0 < f["found_by"]["confidence"] <= 1
    for c in negation_case["claims"]:
        assert c["status"] == "draft" and c["found_by"]["rule"].startswith("claim:")


def test_claims_are_kept_apart_from_observations(negation_case):
    statements = [c["statement"] for c in negation_case["claims"]]
    assert any("is known to reduce C-reactive protein" in s for s in statements)
    assert any(s.startswith("To our knowledge") for s in statements)
    observed = [q for k in ("diagnoses", "findings", "exposures", "measurements", "effects")
                for q in _quotes(negation_case, k)]
    for s in statements:
        assert s not in observed
    known = next(c for c in negation_case["claims"] if "is known to" in c["statement"])
    assert known["subject"] == "KGCASE:0000100" and known["references"] == ["3", "4", "5"]


def test_history_and_discontinuation_with_reason(negation_case):
    mtx = next(e for e in facts(negation_case, "exposures") if e["drug"] == "CHEBI:44185")
    assert "previous treatment (history)" in mtx["note"]
    assert "reason as stated: nausea" in mtx["note"]
    tcz = next(e for e in facts(negation_case, "exposures") if e["drug"] == "KGCASE:0000100")
    assert (tcz["dose"], tcz["interval"]) == ("8 mg/kg", "4 wk")
    assert "route: intravenous" in tcz["note"]
    assert "history" not in tcz["note"] and "discontinued" not in tcz["note"]


def test_stated_effects_take_the_direction_of_the_wording(negation_case):
    effects = {(e["target"], e["direction"]) for e in facts(negation_case, "effects")}
    assert ("KGCASE:0000149", "increased") in effects  # "anti-dsDNA antibodies increased"
    assert ("HP:0001369", "resolved") in effects  # "the arthritis resolved"


def test_ungrounded_mentions_are_listed_with_candidates(negation_case):
    review = {r["text"]: r for r in negation_case["review"]}
    assert "hepatosplenic glow" in review  # matches no name at all
    assert review["nausea"]["candidates"] == ["HP:0002018 (Nausea)"]  # outside the ontology
    for kind in ("findings", "diagnoses"):
        assert "HP:0002018" not in {f.get("phenotype") for f in facts(negation_case, kind)}


def test_pubmed_abstract_negation_claim_and_effect():
    first, second = draft_of(DATA / "pubmed-set.xml")
    assert first["id"] == "pmid-99000011"
    assert [c["statement"] for c in first["claims"]] == [
        "TNF inhibitors are known to induce anti-dsDNA antibodies."]
    myositis = [f for f in facts(first, "findings") if f["phenotype"] == "HP:0100614"]
    assert myositis and myositis[0]["absent"] is True
    assert {(e["target"], e["direction"]) for e in facts(first, "effects")} == {
        ("KGCASE:0000149", "increased")}
    assert second["patients"][0]["sex"] == "female"
    assert any(r["kind"] == "citation" and "doi" in r["reason"] for r in second["review"])


def test_abstract_and_case_introductions_are_one_patient():
    (case,) = draft_of(DATA / "jats-article.xml")
    assert len(case["patients"]) == 1
    swelling = [f for f in facts(case, "findings") if f["phenotype"] == "HP:0001386"]
    assert swelling and swelling[0]["absent"] is True  # "Joint swelling was absent"


def test_bioc_annotations_become_review_candidates_not_facts():
    (case,) = draft_of(DATA / "bioc-collection.xml")
    kinds = {r["kind"] for r in case["review"]}
    assert {"annotation (Disease)", "annotation (Chemical)"} <= kinds
    assert [d["disease"] for d in facts(case, "diagnoses")] == ["MONDO:0007915"]


def test_pipeline_components_in_order():
    from draft.support import ONTOLOGY
    from kgcase.draft.nlp import PIPES, pipeline

    assert tuple(pipeline(ONTOLOGY).pipe_names) == PIPES


def test_no_effect_on_is_not_absence_and_citations_end_sentences(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "Two girls\n\nCASE REPORTS\nA 9-year-old girl (patient 1) had hepatitis. "
        "A 12-year-old girl (patient 2) had hepatitis.\n\nDISCUSSION\n"
        "In patient 1 anti-dsDNA antibodies increased under tocilizumab, as reported with "
        "other drugs.12 For patient 2, tocilizumab had no effect on hepatitis.\n",
        encoding="utf-8")
    (case,) = draft_of(path)
    p1, p2 = case["patients"]
    assert not [f for f in p1.get("findings", []) + p2.get("findings", []) if f.get("absent")]
    assert [(e["target"], e["direction"]) for e in p2.get("effects", [])] == [
        ("HP:0012115", "unchanged")]
    assert "HP:0012115" not in {e["target"] for e in p1.get("effects", [])}


def test_a_test_becoming_positive_is_the_phenotype_it_assesses(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("One girl\n\nA 9-year-old girl was treated with tocilizumab. Under "
                    "tocilizumab, the direct antiglobulin test became positive.\n",
                    encoding="utf-8")
    (case,) = draft_of(path)
    (p,) = case["patients"]
    assert [(e["target"], e["direction"]) for e in p["effects"]] == [("HP:0032366", "appeared")]
    assert [f["phenotype"] for f in p["findings"]] == ["HP:0032366"]


def test_front_matter_units_and_bracketed_citations_are_not_claims(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "A boy\ndoi:10.5555/kgcase.test.9 (2024)\n\nABSTRACT\nEtanercept has been reported to "
        "raise antinuclear antibodies.[1] We describe a 12-year-old boy with juvenile "
        "idiopathic arthritis. Corticosteroids (2 mg/kg/day) and methotrexate (15 mg/m2 weekly) "
        "were started.\n", encoding="utf-8")
    (case,) = draft_of(path)
    assert [c["statement"] for c in case["claims"]] == [
        "Etanercept has been reported to raise antinuclear antibodies.[1]"]
    (p,) = case["patients"]
    assert [d["disease"] for d in p["diagnoses"]] == ["MONDO:0011429"]
    assert {e["drug"] for e in p["exposures"]} == {"CHEBI:50858", "CHEBI:44185"}


def test_a_sentence_that_observes_then_cites_gives_both(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "One girl\n\nCASE REPORT\nA 9-year-old girl (patient 1) was treated with tocilizumab. "
        "In patient 1 anti-dsDNA antibodies increased under tocilizumab, an effect that has "
        "been already reported with TNF inhibitors.12\n", encoding="utf-8")
    (case,) = draft_of(path)
    (claim,) = case["claims"]
    assert claim["statement"].startswith("an effect that has been already reported")
    (effect,) = facts(case, "effects")
    assert effect["source"]["quote"] == (
        "In patient 1 anti-dsDNA antibodies increased under tocilizumab")
    assert (effect["target"], effect["direction"]) == ("KGCASE:0000149", "increased")
