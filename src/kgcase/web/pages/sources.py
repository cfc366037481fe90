"""Sources in context: each table drawn as printed, each excerpt inside its paragraph, a reading
view of each report, and each recorded ambiguity beside the facts it concerns.

A table is not a node of the graph: its page (``/case/<id>/table/<name>``) is drawn from the
cells the facts cite (``…/table/<name>/r<row>c<column>``, numbered as the case file lists rows
and columns). A cell no fact cites is not in the graph and is drawn empty, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import Response
from werkzeug.exceptions import NotFound

from kgcase.errors import quoted
from kgcase.vocab import K
from kgcase.web.pages.describe import Entity
from kgcase.web.pages.model import Ref, base_iri, node_ref, ref
from kgcase.web.pages.rdfdoc import disposition
from kgcase.web.pages.respond import etag, html, json_twin, not_modified
from kgcase.web.pages.runner import Row, iri, select
from kgcase.web.pages.sourcetext import Marked, mark_once, source_text
from kgcase.web.pages.sparqltext import PREFIXES, _k
from kgcase.web.pages.units import time_key
from kgcase.web.service import get_service

_CELL = re.compile(r"/table/([^/]+)/r(\d+)c(\d+)$")
_CASE = re.compile(r"^(.*?/case/[^/]+)(?:/|$)")

#: The cells of one table (by IRI prefix), their printed values and the facts citing them.
TABLE_CELLS = PREFIXES + f"""
SELECT ?case ?cl ?prefix ?cell ?tname ?row ?col ?printed ?fact ?fl WHERE {{
  OPTIONAL {{ ?case rdfs:label ?cl }}
  ?cell prov:wasQuotedFrom ?case ; {_k("tableRow")} ?row .
  FILTER(STRSTARTS(STR(?cell), ?prefix))
  OPTIONAL {{ ?cell {_k("tableName")} ?tname }}
  OPTIONAL {{ ?cell {_k("tableColumn")} ?col }}
  OPTIONAL {{ ?cell prov:value ?printed }}
  OPTIONAL {{ GRAPH ?g {{ ?fact prov:wasDerivedFrom ?cell }}
             FILTER(!STRENDS(STR(?g), "/graph/inferred"))
             OPTIONAL {{ ?fact rdfs:label ?fl }} }}
}} LIMIT 20000"""

#: A report's excerpts (quote, section) and the facts citing each.
EXCERPTS = PREFIXES + f"""
SELECT ?case ?cl ?ev ?quote ?section ?fact ?fl WHERE {{
  OPTIONAL {{ ?case rdfs:label ?cl }}
  ?ev prov:wasQuotedFrom ?case ; {_k("quote")} ?quote .
  OPTIONAL {{ ?ev {_k("sectionName")} ?section }}
  OPTIONAL {{ GRAPH ?g {{ ?fact prov:wasDerivedFrom ?ev }}
             FILTER(!STRENDS(STR(?g), "/graph/inferred"))
             OPTIONAL {{ ?fact rdfs:label ?fl }} }}
}} LIMIT 20000"""

#: The curation notes of a report and the facts each concerns.
NOTES = PREFIXES + f"""
SELECT ?case ?note ?comment ?resolution ?certl ?fact ?fl WHERE {{
  ?case {_k("hasCurationNote")} ?note .
  OPTIONAL {{ ?note rdfs:comment ?comment }}
  OPTIONAL {{ ?note {_k("resolution")} ?resolution }}
  OPTIONAL {{ ?note {_k("hasCertainty")} ?cert . ?cert rdfs:label ?certl }}
  ?note {_k("concernsFact")} ?fact OPTIONAL {{ ?fact rdfs:label ?fl }}
}} LIMIT 5000"""


@dataclass
class Cell:
    ref: Ref
    printed: str | None
    facts: list[Ref] = field(default_factory=list)
    here: bool = False

    @property
    def anchor(self) -> str:
        return "cell-" + self.ref.iri.rsplit("/", 1)[-1]


@dataclass
class TableView:
    """A table as printed: row and column labels in order, the cited cells at their place."""

    iri: str
    name: str
    caption: str
    case: Ref
    rows: list[str]
    columns: list[str]
    cells: dict[tuple[int, int], Cell]
    whole_rows: dict[int, Cell]

    @property
    def title(self) -> str:
        """``Table 1`` for ``table1``."""
        found = re.fullmatch(r"table[ _-]?(\d+)", self.name, re.IGNORECASE)
        return f"Table {found.group(1)}" if found else self.name

    def cell(self, r: int, c: int) -> Cell | None:
        return self.cells.get((r, c))

    @property
    def cited(self) -> list[Cell]:
        ordered = sorted(self.cells.items()) + sorted(((r, 0), c) for r, c in
                                                     self.whole_rows.items())
        return [cell for _, cell in ordered]


@dataclass
class Note:
    """A recorded ambiguity: what is unclear, what the curators decided, and the facts."""

    note: Ref
    comment: str | None
    resolution: str | None
    certainty: str | None
    facts: list[Ref] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "note-" + self.note.iri.rsplit("/", 1)[-1]


# -- tables ------------------------------------------------------------------------------------
def table_view(case_iri: str, name: str, here: str | None = None) -> TableView | None:
    """Table ``name`` of report ``case_iri`` drawn from its cited cells (``here`` marked)."""
    table_iri = f"{case_iri}/table/{name}"
    rows = select(TABLE_CELLS, case=iri(case_iri), prefix=ox.Literal(table_iri + "/r"))
    if not rows:
        return None
    row_labels: dict[int, str] = {}
    col_labels: dict[int, str] = {}
    cells: dict[tuple[int, int], Cell] = {}
    whole: dict[int, Cell] = {}
    caption = name
    for row in rows:
        found = _CELL.search(row["cell"].value)
        if not found:
            continue
        r, c = int(found.group(2)), int(found.group(3))
        if "tname" in row:
            caption = row["tname"].value.split(": ", 1)[-1]
        if r:
            row_labels[r] = row["row"].value
        if c and "col" in row:
            col_labels[c] = row["col"].value
        target = whole if not c else cells
        key: Any = r if not c else (r, c)
        cell = target.get(key)
        if cell is None:
            cell = target[key] = Cell(
                node_ref(row["cell"]), row["printed"].value if "printed" in row else None,
                here=row["cell"].value == here)
        if "fact" in row and all(f.iri != row["fact"].value for f in cell.facts):
            cell.facts.append(node_ref(row["fact"], row.get("fl")))
    for cell in [*cells.values(), *whole.values()]:
        cell.facts.sort(key=lambda f: time_key(f.label))
    n_rows, n_cols = max(row_labels, default=0), max(col_labels, default=0)
    return TableView(
        iri=table_iri, name=name, caption=caption,
        case=ref(case_iri, rows[0]["cl"].value if "cl" in rows[0] else None),
        rows=[row_labels.get(r, "") for r in range(1, n_rows + 1)],
        columns=[col_labels.get(c, "") for c in range(1, n_cols + 1)],
        cells=cells, whole_rows=whole)


def _case_iri(case_id: str) -> str:
    return f"{base_iri()}case/{case_id}"


def _split(name: str) -> tuple[str, str | None]:
    for suffix in (".json", ".html"):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix[1:]
    return name, None


def table_page(case_id: str, name: str) -> Response:
    """``/case/<id>/table/<name>`` (and ``.json``): the table as it was printed."""
    name, fmt = _split(name)
    view = table_view(_case_iri(case_id), name)
    if view is None:
        raise NotFound(f"report {quoted(case_id)} has no cited table {quoted(name)}: the "
                       "tables are listed on the report's page")
    headers = {"X-KGCase-Release": get_service().watcher.current().id,
               "Cache-Control": "no-cache", "ETag": etag(view.iri, fmt or "html")}
    if not_modified(headers["ETag"]):
        return Response(status=304, headers=headers)
    if fmt == "json":
        headers["Content-Disposition"] = disposition(view.iri, base_iri(), ".json")
        return json_twin({"table": view, "rows": view.rows, "columns": view.columns,
                          "cells": [{"row": r, "column": c, **_cell_json(cell)}
                                    for (r, c), cell in sorted(view.cells.items())]},
                         headers=headers)
    return html("table.html", headers=headers, t=view)


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {"iri": cell.ref.iri, "printed": cell.printed,
            "facts": [{"iri": f.iri, "label": f.label} for f in cell.facts]}


# -- the reading view and excerpts ---------------------------------------------------------------
@dataclass
class Excerpt:
    ref: Ref
    quote: str
    section: str | None
    facts: list[Ref] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "x-" + self.ref.iri.rsplit("/", 1)[-1]


@dataclass
class Reading:
    case: Ref
    excerpts: dict[str, Excerpt]
    marked: Marked | None


def reading(case_iri: str) -> Reading | None:
    """A report's text with its excerpts marked (``marked`` is ``None`` when the text is not
    served), or ``None`` when the graph has no excerpt of it."""
    rows = select(EXCERPTS, case=iri(case_iri))
    if not rows:
        return None
    excerpts: dict[str, Excerpt] = {}
    for row in rows:
        key = row["ev"].value
        ex = excerpts.get(key)
        if ex is None:
            ex = excerpts[key] = Excerpt(node_ref(row["ev"]), row["quote"].value,
                                         row["section"].value if "section" in row else None)
        if "fact" in row and all(f.iri != row["fact"].value for f in ex.facts):
            ex.facts.append(node_ref(row["fact"], row.get("fl")))
    case_id = case_iri.rstrip("/").rsplit("/", 1)[-1]
    text = source_text(get_service().settings.sources_dir, case_id)
    quotes = tuple(sorted((k, e.quote) for k, e in excerpts.items()))
    marked = mark_once(text, quotes) if text else None
    label = rows[0]["cl"].value if "cl" in rows[0] else None
    return Reading(ref(case_iri, label), excerpts, marked)


def reading_page(case_id: str) -> Response:
    """``/case/<id>/text``: the report's text, every cited passage marked and linked."""
    view = reading(_case_iri(case_id))
    if view is None:
        raise NotFound(f"the graph has no excerpt of report {quoted(case_id)}")
    if view.marked is None:
        raise NotFound(f"the source text of report {quoted(case_id)} is not served here "
                       "(a synthetic report has none; see the sources_dir setting)")
    headers = {"X-KGCase-Release": get_service().watcher.current().id,
               "Cache-Control": "no-cache"}
    return html("reading.html", headers=headers, r=view, by_key=view.excerpts)


def report_sources(case_iri: str) -> dict[str, Any]:
    """Where a report's facts were read: its tables (by name) and whether its text is served."""
    rows = select(TABLE_CELLS, case=iri(case_iri), prefix=ox.Literal(case_iri + "/table/"))
    names = sorted({m.group(1) for r in rows if (m := _CELL.search(r["cell"].value))},
                   key=time_key)
    case_id = case_iri.rstrip("/").rsplit("/", 1)[-1]
    has_text = source_text(get_service().settings.sources_dir, case_id) is not None
    href = ref(case_iri).href
    return {"tables": [(n, f"{href}/table/{n}") for n in names],
            "reading": f"{href}/text" if has_text else None}


# -- notes -------------------------------------------------------------------------------------
def notes_about(target: str) -> list[Note]:
    """The recorded ambiguities concerning ``target`` or, for a patient or report, any fact
    under it; each with only the facts it shares with ``target``."""
    found = _CASE.match(target)
    if not found:
        return []
    case_iri = found.group(1)
    out: dict[str, Note] = {}
    for row in select(NOTES, case=iri(case_iri)):
        fact = row["fact"].value
        if not (fact == target or fact.startswith(target + "/") or target == case_iri):
            continue
        key = row["note"].value
        note = out.get(key)
        if note is None:
            note = out[key] = Note(node_ref(row["note"]), _text(row, "comment"),
                                   _text(row, "resolution"), _text(row, "certl"))
        if all(f.iri != fact for f in note.facts):
            note.facts.append(node_ref(row["fact"], row.get("fl")))
    for note in out.values():
        note.facts.sort(key=lambda f: time_key(f.label))
    return sorted(out.values(), key=lambda n: n.note.iri)


def _text(row: Row, key: str) -> str | None:
    return row[key].value if key in row else None


# -- the hook into entity pages ----------------------------------------------------------------
def add_source_sections(entity: Entity) -> None:
    """A table cell's page gets its table, an excerpt's page its paragraph (and the quote is not
    repeated among the facts); every page concerned by an ambiguity gets it beside its facts."""
    cell = _CELL.search(entity.iri)
    case = _CASE.match(entity.iri)
    types = {t.ref.iri for t in entity.types if t.ref}
    if cell and case and str(K.TableCell) in types:
        view = table_view(case.group(1), cell.group(1), here=entity.iri)
        if view is not None:
            entity.sections["table"] = view
    elif case and str(K.TextExcerpt) in types:
        view_r = reading(case.group(1))
        if view_r and view_r.marked and entity.iri in view_r.excerpts:
            paras = view_r.marked.found.get(entity.iri, [])
            entity.sections["paragraph"] = {
                "excerpt": view_r.excerpts[entity.iri], "key": entity.iri,
                "paragraphs": [view_r.marked.paragraphs[i] for i in paras],
                "reading": view_r.case.href + "/text"}
            entity.groups = _without_quote(entity)
    if "case report" in entity.kinds:
        entity.sections["sources"] = report_sources(entity.iri)
    if case and "case report" not in entity.kinds:
        notes = notes_about(entity.iri)
        if notes:
            entity.sections["notes"] = notes
            unclear: dict[str, list[str]] = {}
            for n in notes:
                for f in n.facts:
                    unclear.setdefault(f.iri, []).append(n.anchor)
            entity.sections["unclear facts"] = unclear


_QUOTE_PREDICATES = {"quote", "value"}


def _without_quote(entity: Entity) -> list[tuple[str, list[Any]]]:
    """The page's statement groups without the quote itself (shown in its paragraph)."""
    out = []
    for name, props in entity.groups:
        kept = [p for p in props if p.predicate.label not in _QUOTE_PREDICATES]
        if kept:
            out.append((name, kept))
    return out
