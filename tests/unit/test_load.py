"""Loading case files: the seed loads; each defect is reported with file, line, field and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CASES, DATA
from kgcase.errors import CaseFileError
from kgcase.model.load import load_case, normalise_text, quote_found

MINIMAL = DATA / "cases" / "minimal-2020.yaml"


def _variant(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """Copy the minimal case with one edit; return the file and the edited line (1-based)."""
    text = MINIMAL.read_text()
    assert old in text, old
    edited = text.replace(old, new, 1)
    (tmp_path / "cases").mkdir(exist_ok=True)
    shutil.copy(DATA / "minimal.txt", tmp_path / "minimal.txt")
    path = tmp_path / "cases" / "bad.yaml"
    path.write_text(edited)
    line = text[: text.index(old)].count("\n") + 1
    return path, line


def _problems(path: Path, terms) -> list:
    with pytest.raises(CaseFileError) as info:
        load_case(path, terms)
    return info.value.problems


def test_load_seed_case_resolves_terms(terms):
    lc = load_case(CASES / "cabrera-2016.yaml", terms)
    p1 = lc.case.patients[0]
    tcz = next(e for e in p1.exposures if e.id == "tcz")
    assert tcz.drug.endswith("KGCASE_0000100")
    assert all(m.test.startswith("http") for m in p1.measurements)


def test_load_minimal_case(terms, tmp_path):
    path, _ = _variant(tmp_path, "title: A minimal case", "title: A minimal case")
    assert load_case(path, terms).case.id == "minimal-2020"


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("months: 0,", "months: zero,", "patients[0].time_points[0].months", "integer"),
        ("drug: tocilizumab", "drug: tocilizumabb", "patients[0].exposures[0].drug", "tocilizumab"),
        ('        unit: "[iU]/mL"\n', "", "patients[0].measurements[0].unit", "unit"),
        ('M6: ">97"', 'M6: "abc"', "patients[0].measurements[0].values.M6", "'abc'"),
        ("from: M0", "from: M3", "patients[0].effects[0].from", "unknown time point"),
        ("drug: tocilizumab", "drug: MONDO:0005854", "patients[0].exposures[0].drug", "not a drug"),
        (
            'quote: "received tocilizumab every four weeks"',
            'quote: "received aspirin daily"',
            "patients[0].exposures[0].source.quote",
            "not found",
        ),
        (
            "direction: increased",
            "direction: upwards",
            "patients[0].effects[0].direction",
            "increased",
        ),
        ("exposure: tcz", "exposure: mtx", "patients[0].effects[0].exposure", "unknown exposure"),
    ],
)
def test_load_reports_defect_with_location(terms, tmp_path, old, new, field, words):
    path, line = _variant(tmp_path, old, new)
    problems = _problems(path, terms)
    match = [p for p in problems if p.field == field]
    assert match, [str(p) for p in problems]
    problem = match[0]
    assert str(problem.path) == str(path)
    assert words.lower() in (problem.message + problem.hint).lower()
    assert problem.hint, "every problem says how to fix it"
    if new:  # the reported line is the edited line (or its parent for a removed key)
        assert problem.line == line
    assert f"{path}:{problem.line}: {field}" in str(problem)


def test_load_duplicate_id_points_at_the_second_entry(terms, tmp_path):
    block = (
        "      - id: rise\n        exposure: tcz\n        target: KGCASE:0000149\n"
        "        direction: appeared\n"
        '        source: {section: Case, quote: "Her anti-dsDNA antibodies rose"}\n'
    )
    path, line = _variant(tmp_path, "      - id: rise\n", block + "      - id: rise\n")
    (problem,) = _problems(path, terms)
    assert problem.field == "patients[0].effects[1].id"
    assert "duplicate id 'rise'" in problem.message and problem.hint
    assert problem.line == line + 5  # the second `- id: rise`


def test_load_refuses_an_effect_stated_twice_and_takes_further_sentences(terms, tmp_path):
    again = (
        "      - id: rise-again\n        exposure: tcz\n        target: KGCASE:0000149\n"
        "        direction: increased\n"
        '        source: {section: Case, quote: "Her anti-dsDNA antibodies rose"}\n'
    )
    path, _ = _variant(tmp_path, "    effects:\n", "    effects:\n" + again)
    (problem,) = _problems(path, terms)
    assert problem.field == "patients[0].effects[1]"
    assert "states again what effect 'rise-again' states" in problem.message
    assert "also:" in problem.hint
    also = ('        source: {section: Case, quote: "Her anti-dsDNA antibodies rose under '
            'treatment."}\n        also:\n          - {section: Case, quote: "%s"}\n')
    path, _ = _variant(tmp_path, '        source: {section: Case, quote: "Her anti-dsDNA '
                       'antibodies rose under treatment."}\n',
                       also % "received tocilizumab every four weeks")
    effect = load_case(path, terms).case.patients[0].effects[0]
    assert [s.quote for s in effect.also] == ["received tocilizumab every four weeks"]
    path, _ = _variant(tmp_path, '        source: {section: Case, quote: "Her anti-dsDNA '
                       'antibodies rose under treatment."}\n', also % "never printed")
    (problem,) = _problems(path, terms)
    assert problem.field == "patients[0].effects[0].also[0].quote"


def test_load_missing_unit_points_at_the_measurement(terms, tmp_path):
    path, _ = _variant(tmp_path, '        unit: "[iU]/mL"\n', "")
    problems = _problems(path, terms)
    (problem,) = [p for p in problems if "unit" in p.message]
    lines = path.read_text().splitlines()
    assert lines[problem.line - 1].strip() == "- id: dsdna"  # the measurement lacking it


def test_load_duplicate_yaml_key(terms, tmp_path):
    path, line = _variant(tmp_path, "    sex: female\n", "    sex: female\n    sex: male\n")
    (problem,) = _problems(path, terms)
    assert "duplicate key" in problem.message and problem.line == line + 1


def test_quote_matching_survives_pdf_artefacts():
    source = normalise_text(
        "the level of double-\n Figure 1 caption.\n\nstranded DNA was raised; ﬁfth"
    )
    assert quote_found("the level of double- … stranded DNA was raised", source)
    assert quote_found("fifth", source)
    assert not quote_found("stranded DNA … the level of", source)  # order matters
