"""Update a copy of a release's answer tables by the rows of the reports that changed.

Every row of a per-report query comes from one report and the ontology
(:mod:`kgcase.answers.plan`), so the rows of the whole corpus are the union of each report's.
An incremental build (:mod:`kgcase.incremental`) takes out the rows of the old versions of the
reports that changed (computed again from their cached quads) and adds the rows of the new
versions. Each row's sort key ends with its digest (:func:`kgcase.answers.evaluate.plan_rows`),
so rows land in the order a full build gives them, and the row text finds a row to remove:

* a query without DISTINCT holds a row once per report solution: one copy goes per old row;
* a DISTINCT query holds a row once, whoever gives it. A row that names one of the report's own
  individuals comes from that report alone and goes with it; the rows the ontology gives alone
  never change here. Any other row could also come from an unchanged report, which these rows
  cannot tell: :class:`NotByDifference` asks for a full build then.

The ``whole-graph`` queries are run again on the updated store, as a full build does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kgcase.answers.evaluate import AnswerRow, plan_rows
from kgcase.answers.plan import AnswerPlan
from kgcase.iris import mint


class NotByDifference(Exception):
    """The tables cannot be updated exactly by the difference; the reason says why."""


class AnswerUpdate:
    """A writable copy of ``answers.sqlite`` and the row counts of its queries."""

    def __init__(self, path: Path, plans: Sequence[AnswerPlan],
                 ontology_rows: Iterable[AnswerRow]) -> None:
        self.plans = {p.name: p for p in plans}
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        self.counts: dict[str, int] = dict(self.db.execute("SELECT name, rows FROM queries"))
        self.ontology = {(r[0], r[1], r[3]) for r in ontology_rows}

    def remove(self, rows: Iterable[AnswerRow], case_ids: Sequence[str]) -> None:
        """Take out the rows of the old versions of the reports ``case_ids``."""
        owners = [(f'"{mint("case", c)}/', f'"{mint("case", c)}"') for c in case_ids]
        for query, param, key, text, _plain, digest in rows:
            if (query, param, text) in self.ontology:
                continue
            if digest is not None and not any(a in text or b in text for a, b in owners):
                raise NotByDifference(
                    f"query {query}: a DISTINCT row names none of the changed reports' own "
                    "individuals, so another report may give it too")
            gone = self.db.execute(
                "DELETE FROM answers WHERE rowid = (SELECT rowid FROM answers WHERE query = ? "
                "AND param = ? AND key = ? AND row = ? LIMIT 1)", (query, param, key, text))
            if gone.rowcount != 1:
                raise NotByDifference(f"query {query}: a row of a changed report is not in the "
                                      "previous release's table")
            self.counts[query] -= 1

    def add(self, rows: Iterable[AnswerRow]) -> None:
        """Add the rows of the new versions of the changed reports (or of a whole-graph query)."""
        for query, param, key, text, plain, digest in rows:
            if (query, param, text) in self.ontology:
                continue
            if digest is not None and self.db.execute(
                    "SELECT 1 FROM answers WHERE query = ? AND param = ? AND key = ? AND row = ?",
                    (query, param, key, text)).fetchone():
                continue
            self.db.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                            (query, param, key, text, plain))
            self.counts[query] += 1

    def rerun(self, store: ox.Store, plan: AnswerPlan) -> None:
        """Answer a whole-graph query again on the updated store."""
        self.db.execute("DELETE FROM answers WHERE query = ?", (plan.name,))
        self.counts[plan.name] = 0
        self.add(plan_rows(store, plan))

    def close(self) -> dict[str, int]:
        """Record the new row counts, close the file and return them."""
        self.db.executemany("UPDATE queries SET rows = ? WHERE name = ?",
                            [(n, name) for name, n in self.counts.items()])
        self.db.commit()
        self.db.close()
        return {name: self.counts.get(name, 0) for name in self.plans}
