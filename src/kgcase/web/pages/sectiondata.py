"""``/api/sections/<name>.<csv|json>?iri=<IRI>``: a section of an entity page as a table.

The summary (``answer``: one row per finding, test or drug and direction, counted in patients
and reports), the patients (one row per patient and what was observed in them) and the listed
evidence (``effects``: one row per observed effect and source), read from the same data the
page shows, so the page and its downloads agree.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import NotFound

from kgcase.errors import QueryParameterError, quoted
from kgcase.web.pages.answer import Answer
from kgcase.web.pages.contents import DOWNLOADABLE
from kgcase.web.pages.entity import page_context, resource_kind
from kgcase.web.pages.patients import PatientRows
from kgcase.web.pages.runner import iri
from kgcase.web.pages.sections import Effects

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def answer_rows(a: Answer) -> list[dict[str, Any]]:
    """A row per line and direction, and per line for all its directions (``direction``
    empty); the first row counts every patient and report of the answer."""
    side = "finding_or_test" if a.role == "drug" else "drug"
    rows: list[dict[str, Any]] = [{side: "", f"{side}_iri": "", "direction": "",
                                   "direction_iri": "", "patients": a.patients,
                                   "reports": a.reports, "of_patients": a.patients}]
    for line in a.lines:
        rows.append({side: line.other.label, f"{side}_iri": line.other.iri, "direction": "",
                     "direction_iri": "", "patients": line.patients, "reports": line.reports,
                     "of_patients": a.patients})
        rows += [{side: line.other.label, f"{side}_iri": line.other.iri,
                  "direction": d.direction.label, "direction_iri": d.direction.iri,
                  "patients": d.patients, "reports": None, "of_patients": line.patients}
                 for d in line.directions]
    return rows


def patient_rows(p: PatientRows) -> list[dict[str, Any]]:
    """A row per patient and finding, test or drug observed in them."""
    return [{"patient": r.patient.label, "patient_iri": r.patient.iri,
             "report": r.report.label if r.report else "",
             "report_iri": r.report.iri if r.report else "",
             "observed": s.other.label, "observed_iri": s.other.iri,
             "directions": " → ".join(d for d, _ in s.directions),
             "values": r.chart.text if r.chart else ""}
            for r in p.rows for s in r.seen]


def effect_rows(fx: Effects) -> list[dict[str, Any]]:
    """A row per listed observed effect and source."""
    return [{"effect_iri": e.effect.iri, "kind": e.kind, "drug": e.drug.label,
             "drug_iri": e.drug.iri, "finding_or_test": e.target.label,
             "finding_or_test_iri": e.target.iri, "direction": e.direction,
             "patient": e.patient.label, "patient_iri": e.patient.iri,
             "report": e.report.label if e.report else "", "window": e.window,
             "before": e.before or "", "after": e.after or "",
             "certainty": e.certainty or "", "source_iri": s.ref.iri if s else "",
             "quote": (s.quote or "") if s else "",
             "cell": " / ".join(x for x in (s.table, s.row, s.column, s.printed) if x) if s
             else ""}
            for e in fx.rows for s in (e.sources or [None])]


_ROWS = {"answer": answer_rows, "patients": patient_rows, "effects": effect_rows}


def section_data(name: str, fmt: str) -> Response:
    """One section of the page of ``?iri=`` as CSV or JSON."""
    if name not in DOWNLOADABLE:
        raise NotFound(f"no section {quoted(name)}; the sections with data are "
                       f"{', '.join(DOWNLOADABLE)}")
    if fmt not in FORMATS:
        raise NotFound(f"no format {quoted(fmt)}; use .csv or .json")
    given = request.args.getlist("iri")
    if len(given) != 1 or not given[0].strip():
        raise QueryParameterError(f"give exactly one 'iri' parameter: "
                                  f"/api/sections/{name}.{fmt}?iri=<IRI of the page>")
    try:
        target = iri(given[0].strip()).value
    except ValueError as exc:
        raise QueryParameterError(f"iri={quoted(given[0])} is not an IRI: "
                                  f"{quoted(exc, 200)}") from None
    kind = resource_kind(target)
    if not kind.exists or kind.graph:
        raise NotFound(f"the graph has no resource {quoted(target)}")
    sections = page_context(target, kind)["entity"].sections
    if name not in sections:
        has = [s for s in DOWNLOADABLE if s in sections]
        raise NotFound(f"the page of {quoted(target)} has no {name} section"
                       + (f"; it has: {', '.join(has)}" if has else ""))
    rows = _ROWS[name](sections[name])
    stem = target.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or "resource"
    headers = {"Content-Disposition": f'attachment; filename="{_safe(stem)}-{name}.{fmt}"'}
    if fmt == "json":
        body = json.dumps({"ok": True, "iri": target, "section": name, "rows": rows},
                          ensure_ascii=False)
    else:
        body = _csv(rows)
    return Response(body, mimetype=FORMATS[fmt].split(";")[0], headers=headers)


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _safe(stem: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in stem)[:80]
