"""`kgcase draft` writes case files `kgcase check` accepts, and nothing for a bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from draft.support import DATA, ONTOLOGY
from kgcase.cli import main
from kgcase.errors import CaseFileError
from kgcase.model.load import load_case


def _draft(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["draft", *args, "--ontology", str(ONTOLOGY), "--quiet",
                                       "-j", "1"])
    return result.exit_code, result.output


def test_drafts_are_valid_case_files_with_their_source(tmp_path, terms):
    code, out = _draft(str(DATA / "negation-report.txt"), str(DATA / "pubmed-set.xml"),
                       "--out", str(tmp_path))
    assert code == 0, out
    written = sorted(p.name for p in tmp_path.glob("*.yaml"))
    assert written == ["negation-report.yaml", "pmid-99000011.yaml", "pmid-99000012.yaml"]
    for path in tmp_path.glob("*.yaml"):
        loaded = load_case(path, terms)  # schema, references, terms and quotes
        assert loaded.case.status == "draft"
        assert (tmp_path / loaded.case.source_text).is_file()
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# DRAFT written by `kgcase draft`")


def test_quotes_are_checked_against_the_saved_source(tmp_path, terms):
    code, _ = _draft(str(DATA / "negation-report.txt"), "--out", str(tmp_path))
    assert code == 0
    source = tmp_path / "sources" / "negation-report.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("non-pruritic", "itchy")
                      .replace("There was no fever", "There was fever"), encoding="utf-8")
    with pytest.raises(CaseFileError, match="quote not found in the source text"):
        load_case(tmp_path / "negation-report.yaml", terms)


def test_malformed_input_writes_nothing_and_names_the_file(tmp_path):
    bad = tmp_path / "in" / "broken.xml"
    bad.parent.mkdir()
    bad.write_text("<PubmedArticleSet><PubmedArticle>", encoding="utf-8")
    out = tmp_path / "out"
    code, output = _draft(str(bad), "--out", str(out))
    assert code == 2
    assert f"error: {bad}: not well-formed XML" in output
    assert not out.exists() or not any(out.rglob("*"))


def test_a_directory_is_drafted_in_parallel_with_a_progress_bar(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("negation-report.txt", "jats-article.xml", "pubmed-set.xml",
                 "bioc-collection.json"):
        shutil.copy(DATA / name, inputs)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "kgcase.cli", "draft", str(inputs), "--out", str(out),
         "--ontology", str(ONTOLOGY), "--jobs", "2"],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "draft: 100%" in proc.stderr and "4/4" in proc.stderr
    assert len(list(out.glob("*.yaml"))) == 5  # the PubMed set holds two articles


def test_curated_files_still_need_a_complete_citation(tmp_path, terms):
    case = yaml.safe_load((Path(__file__).parents[1] / "data/cases/minimal-2020.yaml")
                          .read_text(encoding="utf-8"))
    del case["citation"]["doi"]
    path = tmp_path / "cases" / "nodoi.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(case), encoding="utf-8")
    shutil.copy(Path(__file__).parents[1] / "data/minimal.txt", tmp_path / "minimal.txt")
    with pytest.raises(CaseFileError, match="only a draft may leave them out"):
        load_case(path, terms)
    case["status"] = "draft"
    path.write_text(yaml.safe_dump(case), encoding="utf-8")
    assert load_case(path, terms).case.citation.doi is None


def test_kgcase_check_accepts_drafts_that_a_build_refuses(tmp_path):
    code, out = _draft(str(DATA / "negation-report.txt"), str(DATA / "jats-article.xml"),
                       str(DATA / "pubmed-set.xml"), "--out", str(tmp_path))
    assert code == 0, out
    result = CliRunner().invoke(main, ["check", "--cases", str(tmp_path), "--ontology",
                                       str(ONTOLOGY)])
    assert result.exit_code == 0, result.output  # schema, quotes, terms, SHACL and HermiT
    assert "4 case file(s) valid" in result.output  # one PubMed article has no DOI
