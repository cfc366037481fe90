"""The files a release keeps for its pages, counted from the finished store.

Page counts (``pagecounts.py``) and the search index (``search.py``) are written in full for
every release, the incremental one included: neither is yet updated by the difference.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pyoxigraph as ox

from kgcase.pagecounts import COUNTS_FILE, write_counts
from kgcase.search import SEARCH_FILE, write_search_index


def write_page_files(store: ox.Store, target: Path,
                     stage: Callable[[str], AbstractContextManager[None]]) -> None:
    """Write the release's page counts and search index from ``store`` into ``target``."""
    with stage("page counts"):
        write_counts(store, target / COUNTS_FILE)  # patients and reports, for the pages
    with stage("search"):
        write_search_index(target / SEARCH_FILE, store)
