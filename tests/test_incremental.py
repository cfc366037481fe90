"""Incremental releases: for random change sets on a small synthetic corpus, the release made
from the previous one holds exactly what a full build of the same case files holds."""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ONTOLOGY, QUERIES, seed_and_synthetic
from kgcase import links
from kgcase.build import BuildInputs, build
from kgcase.buildstate import STATE_FILE, BuildState
from kgcase.errors import CaseFileError
from kgcase.store import release_dir
from kgcase.store.base import Release
from kgcase.synth import write_corpus

N = 30
BLANK = re.compile(r"_:[0-9A-Za-z]+")


def _inputs(corpus: Path, data_dir: Path, **kw) -> BuildInputs:
    return BuildInputs(cases_dir=corpus, ontology_dir=ONTOLOGY, data_dir=data_dir,
                       progress=False, jobs=2, queries_dir=QUERIES, **kw)


def _quads(release: Path) -> tuple[set[str], Counter[str]]:
    """The store's quads without blank nodes, and those with, their blank nodes unnamed (the
    ontology's axiom annotations: each load names them afresh)."""
    store = ox.Store.read_only(str(release / "oxigraph"))
    ground: set[str] = set()
    blank: Counter[str] = Counter()
    try:
        for q in store.quads_for_pattern(None, None, None, None):
            if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
                blank[BLANK.sub("_:b", str(q))] += 1
            else:
                ground.add(str(q))
    finally:
        del store
    return ground, blank


def _rows(path: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _contents(data_dir: Path) -> dict[str, object]:
    """Everything a release holds that a query, a page or the next build reads."""
    release = release_dir(data_dir)
    manifest = Release.read(release / "release.json")
    state = BuildState.read(release / STATE_FILE)
    assert state is not None
    quads, blank = _quads(release)
    return {
        "quads": quads,
        "blank": blank,
        "triples": manifest.triples,
        "graphs": manifest.graphs,
        "cases": manifest.cases,
        "answer counts": manifest.answers,
        "answers": _rows(release / "answers.sqlite", "SELECT query, param, key, row, plain "
                         "FROM answers ORDER BY query, param, key, rowid"),
        "queries": _rows(release / "answers.sqlite", "SELECT * FROM queries ORDER BY name"),
        "links": _rows(release / "links.sqlite", "SELECT * FROM links ORDER BY 1, 2, 3"),
        "page counts": (
            _rows(release / "page_counts.sqlite", "SELECT * FROM effects ORDER BY 1, 2, 3, 4"),
            _rows(release / "page_counts.sqlite", "SELECT * FROM uses ORDER BY 1, 2")),
        "search": _rows(release / "search.sqlite",
                        "SELECT iri, label, type, concept, context FROM resources ORDER BY iri"),
        "files": state.files,
        "totals": state.totals.to_json(),
    }


def _edit(path: Path, rng: random.Random) -> str:
    """Change one case file the way a curator would: a value, the title or the report's id."""
    text = path.read_text()
    kind = rng.choice(["value", "value", "title", "id"])
    values = list(re.finditer(r'values: \{M0: "(\d[\d.]*)"', text))
    if kind == "value" and values:
        m = rng.choice(values)
        text = text[:m.start(1)] + str(rng.randint(1, 400)) + text[m.end(1):]
    elif kind == "id":
        text = re.sub(r"(?m)^id: (\S+)$", r"id: \1-r", text, count=1)
    else:
        text = re.sub(r'(?m)^title: "', 'title: "Revised: ', text, count=1)
    path.write_text(text)
    return kind


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return seed_and_synthetic(tmp_path_factory.mktemp("corpus"), N, 28)


def test_incremental_release_equals_a_full_build(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(links, "STORED_ABOVE", 0)  # every link count is compared
    rng = random.Random(28)
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(_inputs(corpus, incremental), log=lambda _m: None)
    full.mkdir()
    (full / "cache").symlink_to(incremental / "cache")  # the full builds reason no more
    for round_ in range(3):
        synthetic = sorted((corpus / "synthetic").rglob("*.yaml"))
        picked = rng.sample(synthetic, 4)
        for path in picked[:2]:
            _edit(path, rng)
        picked[2].unlink()
        if round_ != 1:
            picked[3].unlink()
        extra = tmp_path / f"extra-{round_}"
        for path in write_corpus(rng.randint(1, 2), 40 + round_, extra, progress=False):
            shutil.move(path, corpus / "synthetic" / f"added-{round_}-{path.name}")
        logs: list[str] = []
        build(_inputs(corpus, incremental), log=logs.append)
        assert "reused from release" in logs[-1] and "full build" not in "".join(logs), logs
        build(_inputs(corpus, full, incremental=False), log=lambda _m: None)
        got, want = _contents(incremental), _contents(full)
        for key in want:
            assert got[key] == want[key], (round_, key)


def test_incremental_build_prints_what_it_reused_and_rebuilt(corpus, tmp_path):
    data_dir = tmp_path / "data"
    build(_inputs(corpus, data_dir), log=lambda _m: None)
    first = sorted((corpus / "synthetic").rglob("*.yaml"))[0]
    original = first.read_text()
    try:
        first.write_text(original.replace('title: "', 'title: "Edited: ', 1))
        logs: list[str] = []
        release = build(_inputs(corpus, data_dir), log=logs.append)
    finally:
        first.write_text(original)
    n = len(release.cases)
    assert f"({n - 1} unchanged, reused from release" in logs[-1]
    assert "rebuilt 1 (0 added, 1 changed), dropped 0 removed" in logs[-1]
    assert set(release.stages) >= {"ontology", "cases", "store", "summaries", "answers"}
    assert "optimise" not in release.stages  # nothing compacted again


def test_failed_incremental_build_changes_nothing(corpus, tmp_path):
    data_dir = tmp_path / "data"
    before = build(_inputs(corpus, data_dir), log=lambda _m: None)
    files = sorted((corpus / "synthetic").rglob("*.yaml"))
    originals = {p: p.read_text() for p in files[:2]}
    try:
        # one file breaks, another takes the id of a report that did not change
        files[0].write_text(originals[files[0]].replace('values: {M0: "', 'values: {M0: "x', 1))
        taken = re.search(r"(?m)^id: (\S+)$", files[5].read_text()).group(1)
        files[1].write_text(re.sub(r"(?m)^id: \S+$", f"id: {taken}", originals[files[1]],
                                   count=1))
        with pytest.raises(CaseFileError) as info:
            build(_inputs(corpus, data_dir), log=lambda _m: None)
    finally:
        for path, text in originals.items():
            path.write_text(text)
    assert "values.M0" in str(info.value)
    assert f"case id {taken!r} is also used by {files[5]}" in str(info.value)
    assert release_dir(data_dir).name == before.id
    assert [p.name for p in (data_dir / "stores").iterdir()] == [before.id]


def test_a_release_changed_by_an_update_is_not_a_base(corpus, tmp_path):
    """``POST /sparql/update`` copies a release under a new id with the old state beside it:
    the next build starts from the case files, not from the patched store."""
    data_dir = tmp_path / "data"
    build(_inputs(corpus, data_dir), log=lambda _m: None)
    manifest = release_dir(data_dir) / "release.json"
    patched = Release.read(manifest)
    patched.id += "-u1"
    patched.write(manifest)
    logs: list[str] = []
    build(_inputs(corpus, data_dir), log=logs.append)
    assert logs[0] == "full build: the previous release was changed by an update after its build"
