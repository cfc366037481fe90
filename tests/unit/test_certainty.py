"""The certainty check: a fact is never surer than an ambiguity that concerns it; the seed's
contradictions (an uncertain age row with a certain cell, an M12 block of probable cells with two
certain ones, an age no sentence states) are fixed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import CASES, DATA
from kgcase.errors import CaseFileError
from kgcase.model.load import load_case
from kgcase.model.schema import CellValue

MINIMAL = DATA / "cases" / "minimal-2020.yaml"
AMBIGUITY = """ambiguities:
  - id: doubt
    description: The rise may belong to another patient.
    resolution: Kept with patient 1.
    certainty: {certainty}
    concerns: [{concern}]
"""


def _case(tmp_path: Path, certainty: str, concern: str, edit: tuple[str, str] = ("", "")) -> Path:
    text = MINIMAL.read_text().replace(*edit) + AMBIGUITY.format(certainty=certainty,
                                                                 concern=concern)
    (tmp_path / "cases").mkdir(exist_ok=True)
    shutil.copy(DATA / "minimal.txt", tmp_path / "minimal.txt")
    path = tmp_path / "cases" / "doubt.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def seed(terms):
    return load_case(CASES / "cabrera-2016.yaml", terms).case


def cell_certainty(case, patient: str, measurement: str, tp: str) -> str:
    p = next(x for x in case.patients if x.id == patient)
    m = next(x for x in p.measurements if x.id == measurement)
    cell = m.values[tp]
    return cell.certainty if isinstance(cell, CellValue) else m.certainty


def test_a_fact_surer_than_its_ambiguity_fails_the_load(terms, tmp_path):
    path = _case(tmp_path, "uncertain", "p1/measurements/dsdna")
    with pytest.raises(CaseFileError) as info:
        load_case(path, terms)
    (problem,) = info.value.problems
    assert problem.field == "patients[0].measurements[0].certainty"
    assert "is certain, but ambiguity 'doubt', which concerns it, is only uncertain" in (
        problem.message)
    assert "certainty: uncertain" in problem.hint


def test_one_cell_can_be_concerned_and_marked(terms, tmp_path):
    with pytest.raises(CaseFileError) as info:
        load_case(_case(tmp_path, "probable", "p1/measurements/dsdna/M6"), terms)
    assert info.value.problems[0].field == "patients[0].measurements[0].certainty"
    marked = ('M6: ">97"', 'M6: {value: ">97", certainty: probable}')
    case = load_case(_case(tmp_path, "probable", "p1/measurements/dsdna/M6", marked), terms).case
    assert case.ambiguities[0].concerns == ["p1/measurements/dsdna/M6"]
    with pytest.raises(CaseFileError) as info:
        load_case(_case(tmp_path, "probable", "p1/measurements/dsdna/M9"), terms)
    assert "names nothing in this case" in info.value.problems[0].message


def test_as_certain_or_less_certain_facts_pass(terms, tmp_path):
    assert load_case(_case(tmp_path, "certain", "p1/measurements/dsdna"), terms)
    less = ("        reference: \"<=7\"\n", "        reference: \"<=7\"\n        certainty: "
            "uncertain\n")
    assert load_case(_case(tmp_path, "probable", "p1/measurements/dsdna", less), terms)


def test_seed_age_row_cells_are_all_uncertain(seed):
    assert {cell_certainty(seed, "p1", "age", tp) for tp in ("M0", "M6", "M12")} == {"uncertain"}


def test_seed_m12_block_cells_share_one_certainty(seed):
    block = {m: cell_certainty(seed, "p1", m, "M12") for m in ("ana", "dsdna", "ssa")}
    assert set(block.values()) == {"probable"}, block
    concerns = next(a for a in seed.ambiguities if a.id == "p1-m12-cells").concerns
    assert {"p1/measurements/ana/M12", "p1/measurements/dsdna/M12"} <= set(concerns)


def test_seed_exposure_ages_are_stated_by_their_sentence(seed):
    for p in seed.patients:
        for e in p.exposures:
            if e.start_age is not None:
                assert re.search(rf"\b{e.start_age}\b", e.source.quote or ""), (p.id, e.id)
    tcz = next(e for e in seed.patients[0].exposures if e.id == "tcz")
    assert tcz.start_age is None  # "TCZ … was initiated" gives no age
