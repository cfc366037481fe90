"""The answer tables of a release: ``answers.sqlite``, written by the build, read by workers.

One SQLite table holds every materialised query's rows, written in the order of query,
parameter values and sort key, with an index on the three: a page of an answer is one range of
the index and of the table, in order. A ``queries`` table
records the digest of each query's text: a worker serves a table only for the text it was built
from, and runs the query on the store otherwise (a query file edited since the build).
SQLite is in Python's standard library, reads concurrently from any number of processes and
needs no server (docs/decisions.md).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # query workers import this module; they need neither rdflib nor the plans
    from kgcase.answers.evaluate import AnswerRow
    from kgcase.answers.plan import AnswerPlan

ANSWERS_FILE = "answers.sqlite"
_STAGED = """
CREATE TABLE staged (query TEXT NOT NULL, param TEXT NOT NULL, key BLOB NOT NULL,
                     row TEXT NOT NULL, plain TEXT NOT NULL, hash BLOB);
"""
_FINAL = """
CREATE TABLE final.queries (name TEXT PRIMARY KEY, digest TEXT NOT NULL, columns TEXT NOT NULL,
                            rows INTEGER NOT NULL);
CREATE TABLE final.answers (query TEXT NOT NULL, param TEXT NOT NULL, key BLOB NOT NULL,
                            row TEXT NOT NULL, plain TEXT NOT NULL);
INSERT INTO final.answers
  SELECT query, param, key, row, plain FROM staged
  WHERE hash IS NULL OR rowid IN (SELECT min(rowid) FROM staged WHERE hash IS NOT NULL
                                  GROUP BY query, param, hash)
  ORDER BY query, param, key, rowid;
CREATE INDEX final.answers_order ON answers (query, param, key);
"""


class AnswerWriter:
    """Fill a new ``answers.sqlite``; nothing can be read from it before :meth:`close`.

    Rows are staged in arrival order in a scratch database beside it. :meth:`close` copies
    them in answer order into the final file, keeping one of each repeated row of a DISTINCT
    query, so that the rows of one answer lie together on disk, in order.
    """

    def __init__(self, path: Path, plans: Sequence[AnswerPlan]) -> None:
        self.path, self.plans = path, tuple(plans)
        self.staging = path.with_name(path.name + ".staging")
        # Used by one thread at a time: the build stages rows, then closes it from another
        # thread while the store is optimised.
        self.db = sqlite3.connect(self.staging, check_same_thread=False)
        # Both files are published with their release only once the build succeeds; a failed
        # build deletes them, so there is nothing to journal or sync before then.
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _STAGED)

    def add(self, rows: Iterable[AnswerRow]) -> None:
        """Stage rows (query, parameter key, sort key, SPARQL JSON, plain JSON, DISTINCT digest
        or None)."""
        self.db.executemany("INSERT INTO staged VALUES (?, ?, ?, ?, ?, ?)", rows)

    def close(self) -> dict[str, int]:
        """Write the final file and return the rows kept per query."""
        self.db.execute("ATTACH DATABASE ? AS final", (str(self.path),))
        self.db.executescript("PRAGMA final.journal_mode=OFF; PRAGMA final.synchronous=OFF;"
                              "PRAGMA temp_store=FILE;" + _FINAL)
        counts = dict(self.db.execute("SELECT query, count(*) FROM final.answers GROUP BY query"))
        self.db.executemany(
            "INSERT INTO final.queries VALUES (?, ?, ?, ?)",
            [(p.name, p.digest, json.dumps(p.columns), counts.get(p.name, 0)) for p in self.plans])
        self.db.commit()
        self.db.close()
        self.staging.unlink()
        return {p.name: counts.get(p.name, 0) for p in self.plans}


@dataclass(frozen=True)
class AnswerRequest:
    """A page of a materialised answer, as a query worker is asked for it."""

    name: str
    digest: str  # of the query text being served
    param: str  # :func:`kgcase.answers.plan.param_key` of the bound values
    offset: int = 0


@dataclass(frozen=True)
class AnswerPage:
    """Rows of one answer, as SPARQL JSON and as plain JSON (UTF-8 bytes), from an offset."""

    columns: list[str]
    rows: list[bytes]
    plain: list[bytes]


class AnswerTables:
    """A release's ``answers.sqlite``, opened read-only (the file never changes)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                  check_same_thread=False)
        self.queries = {name: (digest, json.loads(columns)) for name, digest, columns
                        in self.db.execute("SELECT name, digest, columns FROM queries")}
        # Rows are read as the UTF-8 bytes stored and joined into a response as they are:
        # decoding and re-encoding megabytes of JSON cost more than reading them.
        self.db.text_factory = bytes

    @classmethod
    def open(cls, release_dir: Path) -> AnswerTables | None:
        """The tables of a release, or ``None`` if its build wrote none."""
        path = release_dir / ANSWERS_FILE
        return cls(path) if path.is_file() else None

    def page(self, name: str, digest: str, param: str, offset: int,
             limit: int) -> AnswerPage | None:
        """Up to ``limit`` rows from row ``offset``; ``None`` if this text has no table."""
        known = self.queries.get(name)
        if known is None or known[0] != digest:
            return None
        found = self.db.execute(
            "SELECT row, plain FROM answers WHERE query = ? AND param = ? ORDER BY key, rowid "
            "LIMIT ? OFFSET ?", (name, param, limit, offset)).fetchall()
        return AnswerPage(known[1], [row for row, _ in found], [plain for _, plain in found])

    def close(self) -> None:
        self.db.close()
