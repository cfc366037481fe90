"""Tables → measurement series per patient and time point.

A column header is placed when it names a time point (M6, month 6, 6 months, baseline) and,
with several patients, the patient (Patient 2, P2, Case 2). A row is placed when its label
(without the parenthesised unit or range) names a test of the ontology. What cannot be placed
is listed for review, never guessed.
"""

from __future__ import annotations

import re
from typing import Any

from kgcase.draft.compose import CaseDraft, found_by
from kgcase.draft.document import TableData
from kgcase.draft.rules import load_rules
from kgcase.draft.vocab import Vocabulary
from kgcase.values import ValueSyntaxError, parse_range, parse_value

_PATIENT = re.compile(r"\b(?:patient|case|pt|p)\s*(\d)\b", re.IGNORECASE)
_TIME = re.compile(r"\bM\s?(\d{1,2})\b|\bmonths?\s*(\d{1,2})\b|\b(\d{1,2})\s*months?\b|"
                   r"\b(baseline|before|diagnosis)\b", re.IGNORECASE)
_PAREN = re.compile(r"\(([^)]*)\)")
_EMPTY = {"", "-", "–", "—", "nd", "n.d.", "na", "n/a", "not done"}
_QUALITATIVE = {"pos": "+", "positive": "+", "neg": "−", "negative": "−"}
_DASHES = ("-", "–", "—")


def place_column(header: str) -> tuple[int | None, int | None]:
    """(patient number, months) a column header names; None where it names none."""
    p = _PATIENT.search(header)
    t = _TIME.search(header)
    months = None
    if t:
        months = 0 if t[4] else int(t[1] or t[2] or t[3])
    return (int(p[1]) if p else None, months)


def table_series(table: TableData, vocab: Vocabulary, draft: CaseDraft) -> None:
    units = load_rules("measurements")["units"]
    draft.tables[table.id] = {"caption": table.caption, "rows": [r for r, _ in table.rows],
                              "columns": table.columns}
    placed = [place_column(c) for c in table.columns]
    several = len(draft.patients) > 1 or any(p for p, _ in placed if p and p > 1)
    for label, cells in table.rows:
        test = _test(label, vocab, phenotypes=True)
        source = {"table": table.id, "row": label}
        if test is None:
            draft.add_review(label, "table row", "the row label names no test of the ontology",
                             [], source)
            continue
        inner = _PAREN.findall(label)
        unit_printed, reference = _unit_and_range(" ".join(inner), units)
        series: dict[int, dict[str, Any]] = {}
        for column, cell, (pnum, months) in zip(table.columns, cells, placed, strict=False):
            if months is None or (several and pnum is None):
                if cell.strip().casefold() not in _EMPTY:
                    draft.add_review(f"{label} = {cell}", "table cell",
                                     f"column {column!r} names no patient or time point",
                                     [test], {**source, "column": column})
                continue
            patient = draft.patient(pnum or 1)
            if cell.strip() in _DASHES:
                draft.add_review(f"{label} = {cell.strip()}", "table cell",
                                 "a dash may mean negative or not done: left empty",
                                 [test], {**source, "column": column})
            value = _cell(cell)
            if value is _UNREADABLE:
                draft.add_review(f"{label} = {cell}", "table cell",
                                 "the cell is not a reported value", [test],
                                 {**source, "column": column})
                continue
            tp = patient.time_point(months, f"month {months}" if months else "baseline (M0)",
                                    column)
            series.setdefault(pnum or 1, {})[tp] = value
        for pnum, values in series.items():
            if all(v is None for v in values.values()):
                continue
            fact: dict[str, Any] = {"test": test}
            numeric = any(v and parse_value(v).kind == "numeric" for v in values.values())
            if numeric:
                ucum = units.get(unit_printed or "")
                fact["unit"] = ucum or "{unreported}"
                if unit_printed and unit_printed != ucum:
                    fact["unit_as_printed"] = unit_printed
                if not ucum:
                    fact["certainty"] = "uncertain"
                    fact["note"] = "no unit printed, or one without a UCUM form; check it"
            if reference:
                fact["reference"] = reference
            fact["values"] = values
            fact["source"] = source
            fact["found_by"] = found_by(f"table:row {label!r}", 0.9, method="table")
            draft.patient(pnum).add("measurements", fact, vocab.terms[test].label)


_UNREADABLE = object()


def _cell(cell: str) -> Any:
    text = cell.strip()
    if text.casefold() in _EMPTY:  # a dash too: negative and not done look the same
        return None
    text = _QUALITATIVE.get(text.casefold(), text)
    try:
        parse_value(text)
    except ValueSyntaxError:
        return _UNREADABLE
    return text


def _test(label: str, vocab: Vocabulary, phenotypes: bool = False) -> str | None:
    """The test a row label names: by its name, its bare name or the name in brackets; else
    the one test that assesses the phenotype it names; else (``phenotypes``) that phenotype,
    recorded as the seed records Raynaud's phenomenon (+/−)."""
    bare = _PAREN.sub("", label).strip().rstrip("*").strip()
    names = [label, bare, *(x.strip() for x in _PAREN.findall(label))]
    candidates = [c for n in names for c in (*vocab.lower.get(n.casefold(), []),
                                             *vocab.exact.get(n, []))]
    for curie in candidates:
        if vocab.terms[curie].kind == "test":
            return curie
    for curie in candidates:
        assessing = [t for t, ps in vocab.assesses.items() if ps == [curie]]
        if len(assessing) == 1:
            return assessing[0]
    if phenotypes:
        return next((c for c in candidates if vocab.terms[c].kind == "phenotype"), None)
    return None


def _unit_and_range(text: str, units: dict[str, str]) -> tuple[str | None, str | None]:
    unit = next((u for u in sorted(units, key=len, reverse=True)
                 if re.search(rf"(?<![\w/]){re.escape(u)}(?![\w/])", text)), None)
    ref = re.search(load_rules("measurements")["reference"], text)
    reference = None
    if ref:
        candidate = ref["ref"].replace(" ", "").replace("–", "-")
        try:
            parse_range(candidate)
            reference = candidate
        except ValueError:
            reference = None
    return unit, reference


_VALUE = r"(?:[<>≤≥]?\d+(?:[.,]\d+)?|1/\d+|[+−-]|nd)"
_VALUES_LINE = re.compile(rf"^{_VALUE}(?:\s+{_VALUE})+$")


def stray_rows(passages: list[Any], vocab: Vocabulary, draft: CaseDraft) -> None:
    """Row labels and lines of values outside any table (a table whose layout the text lost):
    listed for review, never placed by guessing."""
    for passage in passages:
        if passage.kind not in ("paragraph", "abstract"):
            continue
        for line in passage.text.splitlines():
            text = line.strip()
            source = {"section": passage.section or "Text", "quote": text}
            if not text or len(text) > 60:
                continue
            test = _test(text, vocab) if ("(" in text or len(text.split()) <= 3) else None
            if test is not None and text.casefold() != vocab.terms[test].label.casefold():
                draft.add_review(text, "table row", "a test's row label outside any table: its "
                                 "values cannot be placed (fix: type them in as a measurement)",
                                 [test], source)
            elif _VALUES_LINE.match(text):
                draft.add_review(text, "table cell", "values outside any table: their row and "
                                 "column cannot be placed", [], source)
