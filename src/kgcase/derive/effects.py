"""Derived effects: directions of change computed from a patient's measurement series."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from kgcase.derive.compare import (
    DEFAULT_MIN_RELATIVE_CHANGE,
    Direction,
    Status,
    explain_comparison,
    reference_status,
    relative_change,
)
from kgcase.derive.course import RangeCourse, explain_course, range_course
from kgcase.derive.variation import ChangeRule, rule_for
from kgcase.model.schema import Case, Exposure, Measurement, Patient, TimePoint
from kgcase.values import ReportedValue, parse_range
from kgcase.vocab import K

_WORSE_WHEN: dict[str, Direction] = {"increased": "worsened", "decreased": "improved"}


@dataclass(frozen=True)
class _Patient:
    """A patient with lookups by id, plus the derivation settings."""

    patient: Patient
    tps: dict[str, TimePoint]
    rank: dict[str, tuple[int, int]]  # (months, position) orders time points deterministically
    exposures: dict[str, Exposure]
    thr: Decimal
    worse: frozenset[str]
    rules: bool


@dataclass(frozen=True)
class DerivedEffect:
    """One direction of change of one measurement over one window, attributed to an exposure."""

    patient_id: str
    exposure_id: str
    measurement_id: str
    from_tp: str
    to_tp: str
    direction: Direction
    before: ReportedValue
    after: ReportedValue
    status_before: Status | None
    status_after: Status | None
    relative_change: Decimal | None
    method: str
    concomitant: tuple[str, ...]
    rule: ChangeRule | None = None
    range_course: RangeCourse | None = None
    patient_level: bool = False
    extreme: ReportedValue | None = None
    extreme_tp: str | None = None


def derive_effects(
    case: Case,
    *,
    min_relative_change: Decimal = DEFAULT_MIN_RELATIVE_CHANGE,
    higher_is_worse: Collection[str] = (K.CJADAS,),
    skip_tests: Collection[str] = (K.AgeObservation,),
    analyte_rules: bool = True,
) -> list[DerivedEffect]:
    """Every derived effect of a loaded case, in patient, measurement and time order.

    ``Measurement.test`` must hold the resolved term IRI; IRIs in ``higher_is_worse`` and
    ``skip_tests`` are compared as plain strings (an rdflib ``URIRef`` never equals a ``str``).
    With ``analyte_rules`` each test's change rule (:mod:`kgcase.derive.variation`) decides;
    without, ``min_relative_change`` applies to every test.
    """
    worse = frozenset(str(t) for t in higher_is_worse)
    skip = frozenset(str(t) for t in skip_tests)
    return [
        effect
        for patient in case.patients
        for effect in _patient_effects(
            patient, Decimal(min_relative_change), worse, skip, analyte_rules)
    ]


def _patient_effects(
    patient: Patient, thr: Decimal, worse: frozenset[str], skip: frozenset[str], rules: bool
) -> Iterator[DerivedEffect]:
    ctx = _Patient(
        patient,
        {tp.id: tp for tp in patient.time_points},
        {tp.id: (tp.months, i) for i, tp in enumerate(patient.time_points)},
        {e.id: e for e in patient.exposures},
        thr,
        worse,
        rules,
    )
    for m in patient.measurements:
        if str(m.test) in skip:
            continue
        unknown = sorted(set(m.values) - set(ctx.tps))
        if unknown:
            raise ValueError(
                f"measurement {m.id!r} of patient {patient.id!r} has values at unknown "
                f"time point(s) {', '.join(unknown)}"
            )
        parsed = {tp: value for tp, (value, _cell) in m.parsed().items()}
        series = sorted(parsed, key=ctx.rank.__getitem__)
        windows = [(a, b, 0) for a, b in pairwise(series)]
        if len(series) >= 3:
            windows.append((series[0], series[-1], len(series)))
        elif len(series) == 2:
            windows = [(series[0], series[1], 2)]
        rule = rule_for(str(m.test)) if ctx.rules else None
        for start, stop, first_last_of in windows:
            effect = _effect(ctx, m, start, stop, parsed, first_last_of, rule)
            if effect is not None:
                yield effect


def _effect(
    ctx: _Patient,
    m: Measurement,
    start_id: str,
    stop_id: str,
    parsed: dict[str, ReportedValue],
    first_last_of: int,
    rule: ChangeRule | None,
) -> DerivedEffect | None:
    start, stop = ctx.tps[start_id], ctx.tps[stop_id]
    before, after = parsed[start_id], parsed[stop_id]
    index = ctx.exposures.get(start.relative_to) if start.relative_to else None
    if index is None or not _active(ctx, index, start, stop):
        return None
    direction, method = explain_comparison(before, after, min_relative_change=ctx.thr,
                                           rule=rule)
    if str(m.test) in ctx.worse and direction in _WORSE_WHEN:
        direction = _WORSE_WHEN[direction]
        method += f", reported as {direction} because higher values of this score are worse"
    extreme_tp = _extreme(ctx, parsed, start_id, stop_id) if first_last_of else None
    if first_last_of > 2:
        method += f"; this compares the first and last of {first_last_of} reported time points"
    if extreme_tp is not None:
        extreme = parsed[extreme_tp].text
        method += f", the most extreme value in between being {extreme} at {extreme_tp}"
    bridged = sorted(
        (tp for tp, cell in m.values.items()
         if cell is None and ctx.rank[start_id] < ctx.rank[tp] < ctx.rank[stop_id]),
        key=ctx.rank.__getitem__,
    )
    if bridged:
        method += f"; the pair bridges the missing value(s) at {', '.join(bridged)}"
    reference = parse_range(m.reference) if m.reference else None
    status_before = reference_status(before, reference)
    status_after = reference_status(after, reference)
    course = range_course(before, after, status_before, status_after, direction,
                          has_range=reference is not None)
    if course is not None:
        method += f"; {explain_course(course, m.reference)}"
    concomitant = tuple(
        e.id for e in ctx.patient.exposures
        if e.id != index.id and _active(ctx, e, start, stop)
    )
    return DerivedEffect(
        patient_id=ctx.patient.id,
        exposure_id=index.id,
        measurement_id=m.id,
        from_tp=start_id,
        to_tp=stop_id,
        direction=direction,
        before=before,
        after=after,
        status_before=status_before,
        status_after=status_after,
        relative_change=relative_change(before, after),
        method=method[0].upper() + method[1:] + ".",
        concomitant=concomitant,
        rule=rule,
        range_course=course,
        patient_level=bool(first_last_of),
        extreme=parsed[extreme_tp] if extreme_tp else None,
        extreme_tp=extreme_tp,
    )


def _extreme(
    ctx: _Patient, parsed: dict[str, ReportedValue], start: str, stop: str
) -> str | None:
    """The time point strictly between ``start`` and ``stop`` whose exact value lies furthest
    outside the span of the two ends, or ``None`` when every value in between lies within it."""
    ends = [parsed[start].number, parsed[stop].number]
    if any(v is None for v in ends) or parsed[start].kind == "qualitative":
        return None
    lo, hi = min(ends), max(ends)  # type: ignore[type-var]
    best: tuple[Decimal, str] | None = None
    for tp, v in parsed.items():
        if not ctx.rank[start] < ctx.rank[tp] < ctx.rank[stop] or v.number is None:
            continue
        beyond = max(v.number - hi, lo - v.number)  # type: ignore[operator]
        if beyond > 0 and (best is None or beyond > best[0]):
            best = (beyond, tp)
    return best[1] if best else None


def _active(ctx: _Patient, exposure: Exposure, start: TimePoint, stop: TimePoint) -> bool:
    """Started at or before ``start`` and not ended before ``stop`` (by months).

    No ``start`` means it began before the first time point; no ``end`` counts as active
    only when the exposure is marked ``ongoing`` (otherwise its end is unknown). An
    ``end_before`` stop may have come any time up to its point, so the exposure counts as
    active only over windows that end strictly before it.
    """
    if exposure.start is not None and _months(ctx, exposure, exposure.start) > start.months:
        return False
    if exposure.end is not None:
        return _months(ctx, exposure, exposure.end) >= stop.months
    if exposure.end_before is not None:  # stopped at an unknown time at or before it
        return _months(ctx, exposure, exposure.end_before) > stop.months
    return exposure.ongoing or exposure.start is not None


def _months(ctx: _Patient, exposure: Exposure, tp: str) -> int:
    if tp not in ctx.tps:
        raise ValueError(
            f"exposure {exposure.id!r} of patient {ctx.patient.id!r} refers to unknown "
            f"time point {tp!r}"
        )
    return ctx.tps[tp].months
