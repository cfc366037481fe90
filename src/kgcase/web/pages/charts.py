"""Chart geometry for server-side inline SVG: lab series over time, and drug exposures.

Only numbers and the strings to print come out of here; the templates draw them (autoescaped).
Censored values are drawn as what they are: ``>97`` is a hollow marker at 97 with an arrow
pointing up (the value lies somewhere above), ``<0.2`` a hollow marker at 0.2 with an arrow
pointing down; a line touching a censored value is dashed, since its true course is unknown.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH, HEIGHT = 420, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 46, 26, 46


@dataclass
class Point:
    """One measurement to plot: where (months), what was printed, and how to read it."""

    months: float
    value: float
    printed: str
    comparator: str | None = None  # ">" / ">=" / "<" / "<="
    abnormal: bool = False
    uncertain: bool = False
    title: str = ""
    href: str = ""


@dataclass
class Mark:
    x: float
    y: float
    label: str
    direction: str  # "" exact, "up" (above the value), "down" (below it)
    abnormal: bool
    uncertain: bool
    title: str
    href: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    marks: list[Mark]
    segments: list[tuple[float, float, float, float, bool]]  # x1, y1, x2, y2, dashed
    band: tuple[float, float] | None = None  # y of the top and bottom of the reference range
    band_label: str = ""
    log: bool = False
    plot: tuple[float, float, float, float] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)


@dataclass
class Bar:
    label: str
    href: str
    x1: float
    x2: float
    y: float
    open_start: bool
    open_end: bool
    unknown: bool
    note: str
    uncertain: bool = False
    full_label: str = ""


@dataclass
class Gantt:
    width: int
    height: int
    bars: list[Bar]
    x_ticks: list[tuple[float, str]]
    index_x: float
    label_width: int = 190
    rows: list[float] = field(default_factory=list)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _fmt(value: float) -> str:
    return f"{value:g}"


def x_scale(months: list[float], left: float, right: float) -> Callable[[float], float]:
    """A months -> x function over the patient's time points (one point: centred)."""
    lo, hi = min(months), max(months)
    pad = 0.08 * (hi - lo) if hi > lo else 1.0
    lo, hi = lo - pad, hi + pad
    return lambda m: left + (m - lo) / (hi - lo) * (right - left)


def y_scale(values: list[float], top: float, bottom: float, *, log: bool
            ) -> tuple[Callable[[float], float], float, float]:
    """A value -> y function (linear from 0, or log2), and the domain it spans."""
    if log:
        lo = math.log2(max(min(v for v in values if v > 0), 1e-9)) - 1
        hi = math.log2(max(values)) + 1
        return (lambda v: bottom - (math.log2(max(v, 1e-9)) - lo) / ((hi - lo) or 1)
                * (bottom - top)), lo, hi
    high = _nice_max(max(values) * 1.15)
    return (lambda v: bottom - v / high * (bottom - top)), 0.0, high


def series_chart(title: str, points: list[Point], months: list[float], *,
                 lower: float | None = None, upper: float | None = None,
                 band_label: str = "", log: bool = False) -> Chart:
    """The chart of one lab series; ``months`` are all the patient's time points (x axis)."""
    x0, y0, x1, y1 = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    fx = x_scale(months or [p.months for p in points], x0, x1)
    values = [p.value for p in points] + [v for v in (lower, upper) if v is not None]
    fy, _, high = y_scale(values, y0, y1, log=log)
    if log:
        y_ticks = [(fy(v), f"1/{_fmt(v)}") for v in sorted({p.value for p in points})]
    else:
        y_ticks = [(fy(high * i / 4), _fmt(round(high * i / 4, 6))) for i in range(5)]
    marks = []
    for p in points:
        direction = "up" if p.comparator in (">", ">=") else (
            "down" if p.comparator in ("<", "<=") else "")
        marks.append(Mark(fx(p.months), fy(p.value), p.printed, direction, p.abnormal,
                          p.uncertain, p.title, p.href))
    marks.sort(key=lambda m: m.x)
    segments = [(a.x, a.y, b.x, b.y, bool(a.direction or b.direction))
                for a, b in itertools.pairwise(marks)]
    band = None
    if lower is not None or upper is not None:
        band_top = fy(upper) if upper is not None else y0
        band_bottom = fy(lower) if lower is not None and (lower > 0 or log) else y1
        band = (max(min(band_top, y1), y0), max(min(band_bottom, y1), y0))
    x_ticks = [(fx(m), f"M{_fmt(m)}") for m in sorted(set(months))]
    return Chart(title, WIDTH, HEIGHT, x_ticks, y_ticks, marks, segments, band, band_label, log)


def gantt(bars: list[dict], months: list[float]) -> Gantt:
    """Drug exposures as bars on the months-from-index axis.

    Each bar dict has ``label``, ``href``, ``start``/``end`` (months or None), ``note``. A missing
    start or end is drawn open-ended (to the edge of the axis), never as a known date.
    """
    label_width, width, row_h = 210, 680, 26
    known = [m for b in bars for m in (b["start"], b["end"]) if m is not None] + months + [0.0]
    lo, hi = min(known) - 3, max(known) + 3
    x0, x1 = label_width + 8, width - 16

    def fx(m: float) -> float:
        return x0 + (m - lo) / ((hi - lo) or 1) * (x1 - x0)

    out, rows = [], []
    for i, b in enumerate(bars):
        y = 28 + i * row_h
        start, end = b["start"], b["end"]
        label = b["label"] if len(b["label"]) <= 30 else b["label"][:29] + "…"
        out.append(Bar(label, b["href"], fx(start) if start is not None else x0,
                       fx(end) if end is not None else x1, y, start is None, end is None,
                       start is None and end is None, b["note"], b.get("uncertain", False),
                       b["label"]))
        rows.append(y)
    ticks = [(fx(m), f"M{_fmt(m)}") for m in sorted(set([*months, 0.0]))]
    return Gantt(width, 40 + len(bars) * row_h, out, ticks, fx(0.0), label_width, rows)
