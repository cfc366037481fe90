"""The default backend: an on-disk pyoxigraph store, built once per release and read-only after.

Layout under the data directory::

    stores/<release-id>/oxigraph/       the RocksDB store
    stores/<release-id>/answers.sqlite  the named questions answered at build time
    stores/<release-id>/links.sqlite    incoming links of much-linked terms (kgcase.links)
    stores/<release-id>/release.json    what the build produced: written last, atomically
    stores/<release-id>/.building       locked while a build writes the release
    current -> stores/<release-id>      switched atomically when a build succeeds

A release directory without a readable ``release.json`` is *incomplete*: a build that failed
or was killed (``kill -9`` runs no clean-up) left it, or one is still writing it. It is never
served nor counted as a release; :func:`prune_releases` removes it once it is older than the
current release and no build holds its lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kgcase.errors import StoreUnavailableError
from kgcase.store.base import Release, rows_from_solutions
from kgcase.store.binding import bind_values

CURRENT = "current"
#: The release's manifest: its presence (readable) marks a release whose build finished.
MANIFEST = "release.json"
#: The lock a build holds on the release it writes (the kernel drops it if the build dies).
BUILDING = ".building"


def release_dir(data_dir: Path) -> Path:
    """The directory of the release currently served, or raise if nothing was built."""
    link = data_dir / CURRENT
    if not link.exists():
        raise StoreUnavailableError(
            f"no built graph under {data_dir}: run `kgcase build` first "
            "(or set KGCASE_DATA_DIR to the directory a build wrote)"
        )
    return link.resolve()


def switch_current(data_dir: Path, new_release: Path) -> None:
    """Point ``current`` at ``new_release`` atomically (rename of a fresh symlink)."""
    tmp = data_dir / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(new_release.relative_to(data_dir))
    os.replace(tmp, data_dir / CURRENT)


def is_complete(release: Path) -> bool:
    """Whether the build of ``release`` finished: its manifest, written last, is readable."""
    try:
        Release.read(release / MANIFEST)
    except (OSError, ValueError, TypeError):
        return False
    return True


class BuildLock:
    """The lock a build holds on the release it writes: pruning leaves a locked release alone.

    The kernel drops it when the build's process dies, however it dies.
    """

    def __init__(self, release: Path) -> None:
        self.path = release / BUILDING
        self._file = self.path.open("w")
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def release(self) -> None:
        """Drop the lock (and its file, if the release is still there)."""
        self.path.unlink(missing_ok=True)
        self._file.close()


def _being_built(release: Path) -> bool:
    try:
        with (release / BUILDING).open("r") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
    except OSError:  # no lock file: no build holds it
        pass
    return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def prune_releases(data_dir: Path, *, keep: int = 2) -> list[Path]:
    """Delete old releases and what dead builds left; return what was deleted.

    Kept: the current release and the newest complete ones besides it, ``keep`` in all but
    never fewer than two (the current one and the one to go back to). Complete means with a
    readable manifest: a directory without one is never counted as a release. It is deleted
    once older than the current release, unless a build still holds its lock.
    """
    stores = data_dir / "stores"
    if not stores.is_dir():
        return []
    current = (data_dir / CURRENT).resolve() if (data_dir / CURRENT).exists() else None
    complete, incomplete = [], []
    for path in sorted(p for p in stores.iterdir() if p.is_dir()):
        (complete if is_complete(path) else incomplete).append(path)
    others = sorted((p for p in complete if p != current),
                    key=lambda p: (_mtime(p / MANIFEST), p.name))
    kept = others[-(max(keep, 2) - 1):]
    doomed = [p for p in others if p not in kept]
    if current is not None:
        built = _mtime(current / MANIFEST) if is_complete(current) else _mtime(current)
        doomed += [p for p in incomplete
                   if p != current and _mtime(p) < built and not _being_built(p)]
    for old in doomed:
        shutil.rmtree(old, ignore_errors=True)
    return doomed


class EmbeddedStore:
    """A pyoxigraph store opened read-only on one release directory."""

    def __init__(self, release_path: Path) -> None:
        self.path = release_path
        try:
            self.store = ox.Store.read_only(str(release_path / "oxigraph"))
        except OSError as exc:
            raise StoreUnavailableError(f"cannot open the store at {release_path}: {exc}") from exc
        manifest = release_path / MANIFEST
        self.release: Release | None = Release.read(manifest) if manifest.exists() else None

    @classmethod
    def open_current(cls, data_dir: Path) -> EmbeddedStore:
        """Open the release ``current`` points to."""
        return cls(release_dir(data_dir))

    def _query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        if bindings:  # a VALUES block, not substitutions: see kgcase.store.binding
            sparql = bind_values(sparql, bindings)
        return self.store.query(sparql, use_default_graph_as_union=True)

    def select(
        self, sparql: str, *, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
    ) -> list[dict[str, Any]]:
        return rows_from_solutions(self._query(sparql, bindings))

    def ask(self, sparql: str) -> bool:
        return bool(self._query(sparql))

    def construct(self, sparql: str) -> Iterator[ox.Triple]:
        return iter(self._query(sparql))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        return len(self.store)

    def close(self) -> None:
        del self.store
