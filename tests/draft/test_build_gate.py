"""A draft never enters the graph as curated evidence: the build refuses it until reviewed."""

from __future__ import annotations

import yaml

from draft.support import DATA, ONTOLOGY
from kgcase.draft.cli import draft_file
from kgcase.pipeline import Settings, init_worker, process_case


def test_build_refuses_drafts_until_every_fact_is_reviewed(tmp_path):
    (path,) = draft_file(DATA / "abstract-like.txt", tmp_path, ONTOLOGY)
    init_worker(Settings(ONTOLOGY, "", "test", None, hermit_curated=False, shacl_every=10**9))
    result = process_case(path)
    assert [p.message for p in result.problems] == ["the case file is an unreviewed draft"]
    assert "docs/curation.md" in result.problems[0].hint

    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    case["status"] = "curated"
    case["citation"]["journal"] = "Test Journal"  # the curator completes the citation
    for p in case["patients"]:
        for kind in ("diagnoses", "findings", "exposures"):
            for fact in p.get(kind, [])[1:]:  # the first of each accepted, the rest not yet
                fact["status"] = "curated"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    result = process_case(path)
    assert len(result.problems) == 1
    assert result.problems[0].message.endswith("fact(s) still say 'status: draft'")

    for p in case["patients"]:
        for kind in ("diagnoses", "findings", "exposures", "measurements", "effects"):
            for fact in p.get(kind, []):
                fact["status"] = "curated"
    case.pop("review", None)
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    result = process_case(path)
    assert result.problems == [] and result.triples > 0
