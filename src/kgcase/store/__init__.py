"""Store backends behind one interface, and ``open_store`` that picks one from a descriptor.

* a data directory, or ``oxigraph:/path/to/data_dir``: the embedded pyoxigraph store of the
  release ``current`` points to (the default);
* ``sparql+http://…`` or ``sparql+https://…``: a remote SPARQL 1.1 store
  (:class:`~kgcase.store.remote.RemoteStore`; the URL scheme is in ``docs/deploy.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kgcase.store.base import GraphStore, Release
from kgcase.store.embedded import EmbeddedStore, release_dir, switch_current
from kgcase.store.remote import RemoteStore, is_remote

EMBEDDED_SCHEME = "oxigraph:"


def open_store(descriptor: Path | str, **options: Any) -> GraphStore:
    """Open the store ``descriptor`` names; ``options`` go to the remote backend (timeout_s…).

    >>> open_store("ftp://example.org/graph")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: cannot open a store from 'ftp://example.org/graph': give a data directory, ...
    """
    if isinstance(descriptor, Path):
        return EmbeddedStore.open_current(descriptor)
    if is_remote(descriptor):
        return RemoteStore.open(descriptor, **options)
    if descriptor.startswith(EMBEDDED_SCHEME):
        return EmbeddedStore.open_current(Path(descriptor.removeprefix(EMBEDDED_SCHEME)))
    if "://" in descriptor:
        raise ValueError(f"cannot open a store from {descriptor!r}: give a data directory, "
                         "oxigraph:/path/to/data_dir, or sparql+http(s)://host/path")
    return EmbeddedStore.open_current(Path(descriptor))


__all__ = ["EmbeddedStore", "GraphStore", "Release", "RemoteStore", "is_remote", "open_store",
           "release_dir", "switch_current"]
