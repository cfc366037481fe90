"""The default backend: an on-disk pyoxigraph store, built once per release and read-only after.

Layout under the data directory::

    stores/<release-id>/oxigraph/       the RocksDB store
    stores/<release-id>/answers.sqlite  the named questions answered at build time
    stores/<release-id>/links.sqlite    incoming links of much-linked terms (kgcase.links)
    stores/<release-id>/release.json    what the build produced
    current -> stores/<release-id>      switched atomically when a build succeeds
"""

from __future__ import annotations

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


def prune_releases(data_dir: Path, *, keep: int = 2) -> list[Path]:
    """Delete all but the newest ``keep`` releases, never the current one."""
    stores = data_dir / "stores"
    if not stores.is_dir():
        return []
    current = (data_dir / CURRENT).resolve() if (data_dir / CURRENT).exists() else None
    candidates = sorted((p for p in stores.iterdir() if p.is_dir()), key=lambda p: p.name)
    removed = []
    for old in candidates[:-keep] if keep else candidates:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed


class EmbeddedStore:
    """A pyoxigraph store opened read-only on one release directory."""

    def __init__(self, release_path: Path) -> None:
        self.path = release_path
        try:
            self.store = ox.Store.read_only(str(release_path / "oxigraph"))
        except OSError as exc:
            raise StoreUnavailableError(f"cannot open the store at {release_path}: {exc}") from exc
        manifest = release_path / "release.json"
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
