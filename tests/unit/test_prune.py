"""Pruning releases: what a killed build leaves is never counted as a release, and the release
to go back to is never deleted."""

from __future__ import annotations

import os
from pathlib import Path

from kgcase.store import Release, switch_current
from kgcase.store.embedded import BUILDING, BuildLock, is_complete, prune_releases

T0 = 1_700_000_000


def release(data_dir: Path, name: str, at: int, *, complete: bool = True) -> Path:
    """A release directory finished (or, without a manifest, left) at time ``T0 + at``."""
    path = data_dir / "stores" / name
    (path / "oxigraph").mkdir(parents=True)
    if complete:
        Release(id=name, built_at="", triples=0).write(path / "release.json")
        os.utime(path / "release.json", (T0 + at, T0 + at))
    os.utime(path, (T0 + at, T0 + at))
    return path


def names(data_dir: Path) -> set[str]:
    return {p.name for p in (data_dir / "stores").iterdir()}


def test_a_killed_build_newer_than_the_last_good_release_is_no_release(tmp_path):
    release(tmp_path, "a-good", 0)
    release(tmp_path, "b-killed", 10, complete=False)  # kill -9: no manifest, no clean-up
    switch_current(tmp_path, release(tmp_path, "c-new", 20))
    removed = prune_releases(tmp_path, keep=2)
    assert [p.name for p in removed] == ["b-killed"]
    assert names(tmp_path) == {"a-good", "c-new"}


def test_old_complete_releases_go_but_the_one_before_current_stays(tmp_path):
    for i, name in enumerate(["a", "b", "c"]):
        release(tmp_path, name, i)
    switch_current(tmp_path, release(tmp_path, "d", 5))
    prune_releases(tmp_path, keep=1)  # never fewer than the current one and the one before
    assert names(tmp_path) == {"c", "d"}


def test_the_current_release_stays_even_when_it_is_not_the_newest(tmp_path):
    switch_current(tmp_path, release(tmp_path, "a", 0))  # rolled back to the oldest
    release(tmp_path, "b", 1)
    release(tmp_path, "c", 2)
    prune_releases(tmp_path, keep=2)
    assert names(tmp_path) == {"a", "c"}


def test_an_incomplete_release_newer_than_current_may_still_be_building(tmp_path):
    release(tmp_path, "a", 0)
    switch_current(tmp_path, release(tmp_path, "b", 10))
    release(tmp_path, "c-building", 20, complete=False)
    assert prune_releases(tmp_path) == []


def test_a_release_whose_build_holds_the_lock_stays(tmp_path):
    release(tmp_path, "a", 0)
    locked = release(tmp_path, "b-building", 5, complete=False)
    lock = BuildLock(locked)
    os.utime(locked, (T0 + 5, T0 + 5))
    switch_current(tmp_path, release(tmp_path, "c", 10))
    try:
        assert prune_releases(tmp_path) == []
    finally:
        lock.release()
    assert not (locked / BUILDING).exists()
    os.utime(locked, (T0 + 5, T0 + 5))  # as its build left it when it died
    assert [p.name for p in prune_releases(tmp_path)] == ["b-building"]


def test_a_half_written_manifest_is_no_completion_marker(tmp_path):
    path = release(tmp_path, "a", 0, complete=False)
    (path / "release.json").write_text('{"id": "a", "built_')
    assert not is_complete(path)
    Release(id="a", built_at="", triples=0).write(path / "release.json")
    assert is_complete(path)
    assert sorted(p.name for p in path.iterdir()) == ["oxigraph", "release.json"]  # no temp file
