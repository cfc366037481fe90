"""A patient's page: the timeline of diagnoses, treatments and findings, an exposure chart and
one chart per lab series (reference range shaded, censored values drawn as open-ended markers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kgcase.web.pages.charts import Chart, Gantt, Point, gantt, series_chart
from kgcase.web.pages.model import Ref, node_ref
from kgcase.web.pages.runner import Row
from kgcase.web.pages.units import humanise


@dataclass
class Event:
    kind: str
    fact: Ref
    what: Ref | None
    when: str
    certainty: str | None
    sort: float


@dataclass
class Reading:
    measurement: Ref
    time: str
    months: float | None
    printed: str
    unit: str | None
    status: str | None
    certainty: str | None


@dataclass
class Series:
    test: Ref
    unit: str | None
    reference: str | None
    readings: list[Reading]
    chart: Chart | None = None


@dataclass
class PatientView:
    timeline: list[Event]
    exposures: Gantt | None
    series: list[Series]
    qualitative: list[Series] = field(default_factory=list)
    time_points: list[tuple[str, float]] = field(default_factory=list)


def _v(row: Row, key: str) -> str | None:
    node = row.get(key)
    return node.value if node is not None else None


def _num(row: Row, key: str) -> float | None:
    node = row.get(key)
    return node.number() if node is not None else None


def _short(label: str | None) -> str:
    return (label or "").split(":", 1)[0].split(" (", 1)[0]


def patient(timeline_rows: list[Row], lab_rows: list[Row]) -> PatientView:
    """Timeline, exposure chart and lab series of one patient (rows of ``PATIENT_TIMELINE``
    and ``PATIENT_LABS``)."""
    times = {r["x"].value: r for r in timeline_rows if r["kind"].value == "time"}
    months = sorted({m for r in times.values() if (m := _num(r, "startm")) is not None})
    index_age = _index_age(timeline_rows, times)
    events, bars = _events(timeline_rows, index_age)
    view = PatientView(
        timeline=sorted(events, key=lambda e: (e.sort, e.kind != "diagnosis", e.fact.label)),
        exposures=gantt(sorted(bars, key=lambda b: (b["start"] is None and b["end"] is None,
                                                    b["start"] if b["start"] is not None else -1e9,
                                                    b["label"])), months) if bars else None,
        series=[],
        time_points=sorted(((_short(_v(r, "xl")), m) for r in times.values()
                            if (m := _num(r, "startm")) is not None), key=lambda t: t[1]),
    )
    _add_series(view, lab_rows, months)
    return view


def _index_age(rows: list[Row], times: dict[str, Row]) -> float | None:
    """The age at month 0: the age at which the index exposure of the time points started."""
    ages = {r["x"].value: _num(r, "age") for r in rows if r["kind"].value == "exposure"}
    for r in times.values():
        index = r.get("index")
        if index is not None and ages.get(index.value) is not None:
            return ages[index.value]
    return None


def _events(rows: list[Row], index_age: float | None) -> tuple[list[Event], list[dict]]:
    seen: set[tuple[str, str]] = set()
    events, bars = [], []
    by_fact: dict[str, Row] = {}
    for r in rows:
        by_fact.setdefault(r["x"].value + r["kind"].value, r)
    for r in by_fact.values():
        kind = r["kind"].value
        if kind == "time" or (r["x"].value, kind) in seen:
            continue
        seen.add((r["x"].value, kind))
        fact, what = node_ref(r["x"], r.get("xl")), node_ref(r["what"], r.get("wl"))
        age, start, end = _num(r, "age"), _num(r, "startm"), _num(r, "endm")
        cert = _v(r, "certl")
        if kind == "exposure":
            dose = " ".join(x for x in (_v(r, "dose"), _v(r, "doseu")) if x)
            every = " ".join(x for x in (_v(r, "every"), _v(r, "everyu")) if x)
            note = ", ".join(x for x in (dose, f"every {every}" if every else "") if x)
            bars.append({"label": what.label, "href": fact.href, "start": start, "end": end,
                         "note": note, "uncertain": cert not in (None, "certain")})
            if start is not None or age is not None:
                events.append(Event("treatment started", fact, what,
                                    _when(start, _short(_v(r, "startl")), age),
                                    cert, _sort(start, age, index_age)))
            if end is not None:
                events.append(Event("treatment stopped", fact, what,
                                    _when(end, _short(_v(r, "endl")), None), cert,
                                    _sort(end, None, index_age) - 0.001))
            if start is None and end is None and age is None:
                events.append(Event("treatment (time not stated)", fact, what,
                                    "time not stated", cert, 1e9))
            continue
        label = "diagnosis" if kind == "diagnosis" else "finding"
        events.append(Event(label, fact, what, _when(start, _short(_v(r, "startl")), age),
                            cert, _sort(start, age, index_age)))
    return events, bars


def _when(months: float | None, label: str, age: float | None) -> str:
    parts = []
    if months is not None:
        parts.append(f"{label or 'M' + format(months, 'g')} (month {months:g})")
    if age is not None:
        parts.append(f"age {age:g}")
    return ", ".join(parts) or "time not stated"


def _sort(months: float | None, age: float | None, index_age: float | None) -> float:
    if months is not None:
        return (index_age or 0) + months / 12 + (0 if index_age is not None else 1000)
    if age is not None:
        return age
    return 1e9


def _add_series(view: PatientView, rows: list[Row], months: list[float]) -> None:
    by_test: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_test[r["test"].value].append(r)
    for test_rows in by_test.values():
        first = test_rows[0]
        readings = sorted((Reading(
            measurement=node_ref(r["m"]), time=_short(_v(r, "tpl")), months=_num(r, "months"),
            printed=r["reported"].value, unit=_v(r, "unit"), status=_v(r, "status"),
            certainty=_v(r, "certl")) for r in test_rows),
            key=lambda x: (x.months if x.months is not None else 1e9))
        series = Series(node_ref(first["test"], first.get("tl")), _v(first, "unit"),
                        _v(first, "range"), readings)
        numeric = [r for r in test_rows if (r.get("num") or r.get("titre")) is not None
                   and _num(r, "months") is not None]
        if numeric:
            series.chart = _chart(series, numeric, months)
            view.series.append(series)
        else:
            view.qualitative.append(series)
    view.series.sort(key=lambda s: s.test.label.lower())
    view.qualitative.sort(key=lambda s: s.test.label.lower())


def _chart(series: Series, rows: list[Row], months: list[float]) -> Chart:
    titre = all(r.get("titre") is not None for r in rows)
    points = []
    for r in rows:
        value = _num(r, "titre") if titre else _num(r, "num")
        printed, certainty = r["reported"].value, _v(r, "certl")
        uncertain = certainty not in (None, "certain")
        title = " ".join(x for x in (f"{_short(_v(r, 'tpl'))}: {printed}",
                                     None if titre else humanise(_v(r, "unit")).said,
                                     f"({certainty})" if uncertain else None) if x)
        points.append(Point(
            months=_num(r, "months") or 0.0, value=value or 0.0, printed=printed,
            comparator=_v(r, "cmp"), abnormal=_v(r, "status") == "outside reference range",
            uncertain=uncertain, title=title, href=node_ref(r["m"]).href))
    said = humanise(series.unit).said
    unit = "" if titre or not said else f" ({said})"
    return series_chart(f"{series.test.label}{unit}", points, months,
                        lower=_num(rows[0], "lower"), upper=_num(rows[0], "upper"),
                        band_label=f"reference {series.reference}" if series.reference else "",
                        log=titre)
