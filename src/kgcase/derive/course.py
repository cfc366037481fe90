"""Where a pair of values went relative to the printed reference range.

A direction alone misleads: ALAT 13 → 25 U/L is a rise that stays well inside <40 U/L, and
CRP <0.2 → <0.2 mg/L cannot be ordered although a clinician reads it as "stayed normal".
:func:`range_course` places the pair against the range:

* ``moved out of range``: within the range, then outside it;
* ``moved back into range``: outside, then within;
* ``changed within range``: within both times, with a decided change (increase, decrease);
* ``stayed within range``: within both times, without one (unchanged, or two censored values
  that cannot be ordered, such as <0.2 → <0.2 with a range of <5);
* ``stayed outside range``: outside both times (the direction says whether it moved);
* ``stayed beyond the reporting limit``: no range decides, but both values are censored on the
  same side of the same limit (>2 → >2).

``None`` when the test has no printed range and the values are not both censored alike, or a
value straddles a range limit (<40 with a range of <35). Qualitative results have no course:
their direction (appeared, resolved) already says it.
"""

from __future__ import annotations

from typing import Literal, get_args

from kgcase.derive.compare import Direction, Status
from kgcase.values import ReportedValue

RangeCourse = Literal[
    "moved out of range",
    "moved back into range",
    "changed within range",
    "stayed within range",
    "stayed outside range",
    "stayed beyond the reporting limit",
]
COURSES: tuple[RangeCourse, ...] = get_args(RangeCourse)
_CHANGED = frozenset({"increased", "decreased", "improved", "worsened"})


def range_course(
    before: ReportedValue,
    after: ReportedValue,
    status_before: Status | None,
    status_after: Status | None,
    direction: Direction,
    *,
    has_range: bool,
) -> RangeCourse | None:
    """The course of a pair against its reference range (rules in the module docstring)."""
    if before.kind == "qualitative" or after.kind == "qualitative":
        return None
    if has_range and status_before is not None and status_after is not None:
        if status_before == "normal":
            if status_after == "abnormal":
                return "moved out of range"
            return "changed within range" if direction in _CHANGED else "stayed within range"
        return "moved back into range" if status_after == "normal" else "stayed outside range"
    if (before.censored and before.comparator == after.comparator
            and before.number == after.number):
        return "stayed beyond the reporting limit"
    return None


def explain_course(course: RangeCourse | None, reference: str | None) -> str:
    """A clause for the derivation method, e.g. ``it moved back into range (<40)``."""
    if course is None:
        return ""
    if course == "stayed beyond the reporting limit":
        return "both values lie beyond the same reporting limit, so it stayed beyond it"
    return f"against the reference range {reference} it {course}"
