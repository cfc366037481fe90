"""Tables become series per patient and time point; what cannot be placed is listed."""

from __future__ import annotations

from draft.support import DATA, draft_of, facts


def test_table_rows_become_series_with_ucum_units_and_ranges(negation_case):
    table = [m for m in facts(negation_case, "measurements") if "table" in m["source"]]
    crp = next(m for m in table if m["test"] == "KGCASE:0000144")
    assert crp["values"] == {"M0": "42", "M6": "3", "M12": "<0.5"}
    assert (crp["unit"], crp["reference"]) == ("mg/L", "<5")
    assert crp["found_by"]["method"] == "table"
    ana = next(m for m in table if m["test"] == "KGCASE:0000148")
    assert ana["values"] == {"M0": "1/640", "M6": "1/1280", "M12": "1/1280"}
    (p,) = negation_case["patients"]
    assert {t["id"]: t["column"] for t in p["time_points"]} == {
        "M0": "Baseline", "M6": "M6", "M12": "M12"}


def test_unknown_rows_are_listed_for_review(negation_case):
    rows = [r for r in negation_case["review"] if r["kind"] == "table row"]
    assert [r["text"] for r in rows] == ["Mystery index"]


def test_qualitative_cells_from_jats():
    (case,) = draft_of(DATA / "jats-article.xml")
    ana = next(m for m in facts(case, "measurements") if m["test"] == "KGCASE:0000148")
    assert ana["values"] == {"M0": "−", "M3": "+"}


def test_text_values_without_time_point_are_marked_uncertain():
    from draft.support import ONTOLOGY
    from kgcase.draft.document import Document
    from kgcase.draft.run import draft_document

    doc = Document(path=DATA / "inline.txt", key="")
    doc.add("Inline values", "", "title")
    doc.add("A 5-year-old boy was diagnosed with juvenile idiopathic arthritis. "
            "His CRP was 12 mg/L.", "Case report", "paragraph")
    case = draft_document(doc, ONTOLOGY).to_dict()
    (crp,) = facts(case, "measurements")
    assert crp["certainty"] == "uncertain" and "no time point" in crp["note"]


def test_row_labels_and_values_outside_a_table_are_listed_not_placed(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Lost layout\n\nCASE REPORT\nA 9-year-old girl had arthritis.\n"
                    "CRP (<5 mg/L)\nANA\n30 85 >97\nHer CRP fell.\n", encoding="utf-8")
    (case,) = draft_of(path)
    listed = {(r["kind"], r["text"]) for r in case["review"]}
    assert {("table row", "CRP (<5 mg/L)"), ("table row", "ANA"),
            ("table cell", "30 85 >97")} <= listed
    assert not facts(case, "measurements")


def test_rows_named_in_brackets_by_phenotype_or_as_phenotypes(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Rows\n\nCASE REPORT\nA 9-year-old girl (patient 1) had arthritis.\n\n"
                    "Table 1 Values\nTest\tPatient 1, M0\tPatient 1, M6\n"
                    "Joint manifestation (cJADAS)\t20\t0\nCryoglobulinaemia\t−\t+\n"
                    "Raynaud's phenomenon\t+\t+\n", encoding="utf-8")
    (case,) = draft_of(path)
    tests = {m["test"]: m["values"] for m in facts(case, "measurements")}
    assert tests == {"KGCASE:0000155": {"M0": "20", "M6": "0"},  # cJADAS, in brackets
                     "KGCASE:0000152": {"M0": "−", "M6": "+"},  # the test assessing it
                     "HP:0030880": {"M0": "+", "M6": "+"}}  # a phenotype row, as the seed has


def test_a_dash_is_left_empty_and_listed_never_read_as_negative(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Dash\n\nCASE REPORT\nA 9-year-old girl (patient 1) had arthritis.\n\n"
                    "Table 1 Values\nTest\tPatient 1, M0\tPatient 1, M6\nANA\t-\t+\n",
                    encoding="utf-8")
    (case,) = draft_of(path)
    (ana,) = facts(case, "measurements")
    assert ana["values"] == {"M0": None, "M6": "+"}
    assert any(r["text"] == "ANA = -" and "negative or not done" in r["reason"]
               for r in case["review"])
