"""Store backends behind one interface: ``open_store(data_dir)`` gives the current release."""

from __future__ import annotations

from pathlib import Path

from kgcase.store.base import GraphStore, Release
from kgcase.store.embedded import EmbeddedStore, release_dir, switch_current


def open_store(data_dir: Path | str) -> GraphStore:
    """Open the graph served from ``data_dir`` (the embedded pyoxigraph store)."""
    return EmbeddedStore.open_current(Path(data_dir))


__all__ = ["EmbeddedStore", "GraphStore", "Release", "open_store", "release_dir", "switch_current"]
