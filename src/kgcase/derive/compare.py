"""Comparing two reported values, and placing one value against a reference range.

The rules are listed in :mod:`kgcase.derive`; :func:`explain_comparison` returns the direction
together with the clause that says which rule decided it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from typing import Literal

from kgcase.derive.variation import ChangeRule, score_category
from kgcase.values import ReferenceRange, ReportedValue

Direction = Literal[
    "increased", "decreased", "unchanged", "indeterminate",
    "appeared", "resolved", "improved", "worsened",
]
Status = Literal["normal", "abnormal"]

#: Smallest change, as a fraction of the smaller value, that counts as a change.
DEFAULT_MIN_RELATIVE_CHANGE = Decimal("0.20")
#: A titre change up to this ratio of denominators (one doubling dilution) is unchanged.
TITRE_STEP = Decimal(2)
#: Arithmetic context for every computation here, so callers' decimal settings do not leak in.
DECIMAL_CONTEXT = Context(prec=28)


@dataclass(frozen=True)
class Interval:
    """The true values a printed number may stand for; a ``None`` bound is infinite."""

    lo: Decimal | None
    lo_closed: bool
    hi: Decimal | None
    hi_closed: bool

    @property
    def is_point(self) -> bool:
        return self.lo is not None and self.lo == self.hi

    def above(self, other: Interval) -> bool:
        """True if every value in ``self`` is greater than every value in ``other``."""
        if self.lo is None or other.hi is None:
            return False
        if self.lo == other.hi:
            return not (self.lo_closed and other.hi_closed)
        return self.lo > other.hi

    def within(self, other: Interval) -> bool:
        """True if every value in ``self`` lies in ``other``."""
        lo_ok = other.lo is None or (self.lo is not None and (
            self.lo > other.lo or (self.lo == other.lo and (other.lo_closed or not self.lo_closed))
        ))
        hi_ok = other.hi is None or (self.hi is not None and (
            self.hi < other.hi or (self.hi == other.hi and (other.hi_closed or not self.hi_closed))
        ))
        return lo_ok and hi_ok

    def __str__(self) -> str:
        if self.is_point:
            return f"{self.lo}"
        lo = "(−∞" if self.lo is None else ("[" if self.lo_closed else "(") + f"{self.lo}"
        hi = "∞)" if self.hi is None else f"{self.hi}" + ("]" if self.hi_closed else ")")
        return f"{lo}, {hi}"


def value_interval(value: ReportedValue) -> Interval | None:
    """The interval of a number or titre denominator; ``None`` for qualitative results.

    ``<x``/``<=x`` with ``x > 0`` start at 0 (lab values are taken as non-negative);
    ``>x``/``>=x`` are unbounded above.
    """
    x = value.number
    if value.kind == "qualitative" or x is None:
        return None
    cmp = value.comparator
    if cmp in ("<", "<="):
        return Interval(Decimal(0) if x > 0 else None, True, x, cmp == "<=")
    if cmp in (">", ">="):
        return Interval(x, cmp == ">=", None, False)
    return Interval(x, True, x, True)


def range_interval(reference: ReferenceRange) -> Interval:
    return Interval(reference.lower, reference.lower_inclusive,
                    reference.upper, reference.upper_inclusive)


def compare_values(
    before: ReportedValue,
    after: ReportedValue,
    *,
    min_relative_change: Decimal = DEFAULT_MIN_RELATIVE_CHANGE,
) -> Direction:
    """The direction of change from ``before`` to ``after`` (rules in :mod:`kgcase.derive`)."""
    return explain_comparison(before, after, min_relative_change=min_relative_change)[0]


def explain_comparison(
    before: ReportedValue,
    after: ReportedValue,
    *,
    min_relative_change: Decimal = DEFAULT_MIN_RELATIVE_CHANGE,
    rule: ChangeRule | None = None,
) -> tuple[Direction, str]:
    """The direction and a clause (no final full stop) naming the rule and threshold used.

    ``rule`` is the test's change rule (:mod:`kgcase.derive.variation`): its reference change
    value replaces ``min_relative_change`` between two exact numbers, and a score rule compares
    activity categories. Without one, or for a fallback rule, ``min_relative_change`` applies.
    """
    thr = Decimal(min_relative_change)
    if not thr.is_finite() or thr < 0:
        raise ValueError(f"min_relative_change must be a finite number >= 0, not {thr}")
    label = f"the {_pct(thr)} threshold"
    if rule is not None and rule.rule == "rcv" and rule.threshold is not None:
        thr, label = rule.threshold, rule.describe()
    elif rule is not None and rule.rule == "fallback":
        label = (f"the {_pct(thr)} threshold (no biological variation figure is known "
                 f"for {rule.label})")
    pair = f"{before.text} → {after.text}"
    if before.kind != after.kind:
        return "indeterminate", (
            f"{pair} compares a {before.kind} with a {after.kind} result, "
            "which are not comparable, so indeterminate"
        )
    if before.kind == "qualitative":
        return _qualitative(before, after, pair)
    if before.kind == "titre":
        return _titre(before, after, pair)
    if rule is not None and rule.rule == "score" and not (before.censored or after.censored):
        return _score(before, after, pair, rule)
    with localcontext(DECIMAL_CONTEXT):
        return _numeric(before, after, pair, thr, label)


def _score(
    before: ReportedValue, after: ReportedValue, pair: str, rule: ChangeRule
) -> tuple[Direction, str]:
    b, a = before.number, after.number
    if b is None or a is None:
        return "indeterminate", f"scores {pair} lack a number, so indeterminate"
    cb, ca = score_category(b), score_category(a)
    if cb == ca:
        return "unchanged", (
            f"scores {pair} stay in the category {cb} ({rule.source}), so unchanged"
        )
    direction: Direction = "increased" if a > b else "decreased"
    return direction, (
        f"scores {pair} move from {cb} to {ca} ({rule.source}), so {direction}"
    )


def _qualitative(before: ReportedValue, after: ReportedValue, pair: str) -> tuple[Direction, str]:
    b, a = before.qualitative, after.qualitative
    if b is None or a is None:
        return "indeterminate", f"qualitative {pair} lacks a sign, so indeterminate"
    if b == a:
        note = ", qualifiers aside" if before.qualifier != after.qualifier else ""
        return "unchanged", f"qualitative {pair} is {b} both times{note}, so unchanged"
    direction: Direction = "appeared" if a == "positive" else "resolved"
    return direction, f"qualitative {pair} goes from {b} to {a}, so {direction}"


def _titre(before: ReportedValue, after: ReportedValue, pair: str) -> tuple[Direction, str]:
    b, a = before.number, after.number
    if b is None or a is None or before.censored or after.censored or b <= 0 or a <= 0:
        return "indeterminate", f"titres {pair} are not both plain 1/n titres, so indeterminate"
    rule = f"by more than one doubling dilution (denominator ratio > {TITRE_STEP})"
    if a > TITRE_STEP * b:
        return "increased", f"titres {pair} rise {rule}, so increased"
    if b > TITRE_STEP * a:
        return "decreased", f"titres {pair} fall {rule}, so decreased"
    return "unchanged", (
        f"titres {pair} differ by at most one doubling dilution "
        f"(denominator ratio <= {TITRE_STEP}), so unchanged"
    )


def _numeric(
    before: ReportedValue, after: ReportedValue, pair: str, thr: Decimal, threshold: str
) -> tuple[Direction, str]:
    ib, ia = value_interval(before), value_interval(after)
    if ib is None or ia is None:
        return "indeterminate", f"{pair} lacks a number, so indeterminate"
    if ib.is_point and ia.is_point:
        if ia.lo == ib.lo:
            return "unchanged", f"exact values {pair} are equal, so unchanged"
        lower, higher = (ib, ia) if ia.above(ib) else (ia, ib)
        ok, ratio = _separated_enough(lower, higher, thr)
        verdict: Direction = ("increased" if higher is ia else "decreased") if ok else "unchanged"
        return verdict, (
            f"exact values {pair} differ by {_size(ratio)}, which "
            f"{'meets' if ok else 'is under'} {threshold}, so {verdict}"
        )
    spans = f"{_show(before, ib)} → {_show(after, ia)}"
    if ia.above(ib) or ib.above(ia):
        direction: Direction = "increased" if ia.above(ib) else "decreased"
        verb = "rises" if direction == "increased" else "falls"
        return direction, (
            f"by interval logic every possible value {verb} in {spans}, so {direction} "
            f"(a censored value is compared by its interval; {threshold} applies only "
            "between two exact values)"
        )
    return "indeterminate", (
        f"by interval logic the possible values in {spans} overlap, so indeterminate"
    )


def _show(value: ReportedValue, interval: Interval) -> str:
    return f"{value.text} {interval}" if value.censored else value.text


def _size(ratio: Decimal | None) -> str:
    if ratio is None:
        return "a nonzero amount from a value of 0 (any such difference counts)"
    return f"{_pct(ratio)} of the smaller value"


def _separated_enough(
    lower: Interval, higher: Interval, thr: Decimal
) -> tuple[bool, Decimal | None]:
    """Whether two exact values differ by at least ``thr`` times the smaller one.

    Returns the verdict and the relative difference (``None``: a value of 0 makes any nonzero
    difference count).
    """
    assert lower.hi is not None and higher.lo is not None  # exact values are points
    gap, smaller = higher.lo - lower.hi, min(abs(lower.hi), abs(higher.lo))
    ratio = None if smaller == 0 else gap / smaller
    return smaller == 0 or gap >= thr * smaller, ratio


def reference_status(value: ReportedValue, reference: ReferenceRange | None) -> Status | None:
    """``normal``/``abnormal`` against ``reference``, or ``None`` when it cannot be decided.

    Numbers (and titre denominators, only when a range is given) are normal when their whole
    interval lies in the range and abnormal when it lies wholly outside. A qualitative result
    without a range is abnormal when positive and normal when negative.
    """
    if value.kind == "qualitative":
        if reference is not None or value.qualitative is None:
            return None
        return "abnormal" if value.qualitative == "positive" else "normal"
    interval = value_interval(value)
    if reference is None or interval is None:
        return None
    normal = range_interval(reference)
    if interval.within(normal):
        return "normal"
    if interval.above(normal) or normal.above(interval):
        return "abnormal"
    return None


def relative_change(before: ReportedValue, after: ReportedValue) -> Decimal | None:
    """``(after - before) / before`` for two exact numbers with ``before != 0``, else ``None``."""
    b, a = before.number, after.number
    if before.kind != "numeric" or after.kind != "numeric" or before.censored or after.censored:
        return None
    if b is None or a is None or b == 0:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return (a - b) / b


def _pct(x: Decimal) -> str:
    return f"{float(x) * 100:.1f}%".replace(".0%", "%")
