"""One row per patient on a drug, finding or test page: what was observed in that patient,
and for a test a small chart of its values in that patient.

Built from the observations the page lists (``sections.effects``), so every row links to
evidence on the same page; the patients of a corpus too large to list are counted in the answer
(``answer.py``) and listed in full by the page's downloads and the named query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.model import Ref, ref
from kgcase.web.pages.runner import Row, iri, select, values_block
from kgcase.web.pages.sections import Effects
from kgcase.web.pages.sparkline import Reading, Spark, spark

#: Patients a page lists a row for.
PATIENT_ROWS = 20


@dataclass
class Seen:
    """The directions seen on one target (or under one drug) in a patient: the stated ones,
    then the derived ones in time order (a repeat of the one before is not listed again)."""

    other: Ref
    directions: list[tuple[str, str]]  # (direction, time window)
    anchor: str = ""


@dataclass
class PatientRow:
    patient: Ref
    report: Ref | None
    seen: list[Seen] = field(default_factory=list)
    chart: Spark | None = None


@dataclass
class PatientRows:
    rows: list[PatientRow]
    limited: bool  # more patients than rows


def patient_rows(fx: Effects, mode: str) -> PatientRows:
    """Rows of the first :data:`PATIENT_ROWS` patients of ``fx`` (in its order: by target,
    then patient), each target (``mode="drug"``) or drug (``"target"``) with its directions."""
    rows: dict[str, PatientRow] = {}
    anchors = {g.target.iri: g.anchor for g in fx.groups}
    for e in sorted(fx.rows, key=lambda e: (e.patient.label, e.patient.iri)):
        row = rows.get(e.patient.iri)
        if row is None:
            row = rows[e.patient.iri] = PatientRow(e.patient, e.report)
        other = e.target if mode == "drug" else e.drug
        seen = next((s for s in row.seen if s.other.iri == other.iri), None)
        if seen is None:
            seen = Seen(other, [], anchors.get(e.target.iri, "") if mode == "drug" else "")
            row.seen.append(seen)
        if not seen.directions or seen.directions[-1][0] != e.direction:
            seen.directions.append((e.direction, e.window))
    listed = list(rows.values())
    for row in listed:
        row.seen.sort(key=lambda s: s.other.label.lower())
    return PatientRows(listed[:PATIENT_ROWS], len(listed) > PATIENT_ROWS)


def add_charts(rows: PatientRows, test: str) -> None:
    """Each patient's values of ``test`` as a small chart (one query for every row)."""
    if not rows.rows:
        return
    sparql = Q.SERIES_OF_TEST.format(values=values_block("patient", [r.patient.iri
                                                                     for r in rows.rows]))
    by_patient: dict[str, list[Row]] = {}
    for row in select(sparql, s=iri(test)):
        by_patient.setdefault(row["patient"].value, []).append(row)
    for row in rows.rows:
        found = by_patient.get(row.patient.iri, [])
        titre = bool(found) and all("titre" in r for r in found)
        readings = [_reading(r, titre) for r in found]
        row.chart = spark([r for r in readings if r is not None], log=titre)


def _reading(row: Row, titre: bool) -> Reading | None:
    value = row.get("titre" if titre else "num")
    months = row["months"].number()
    number = value.number() if value is not None else None
    if number is None or months is None:
        return None
    time = (row["tpl"].value if "tpl" in row else "").split(":", 1)[0].split(" (", 1)[0]
    return Reading(months, number, row["reported"].value, time or f"M{months:g}",
                   censored="cmp" in row, href=_href(row["m"].value))


def _href(measurement: str) -> str:
    return ref(measurement).href
