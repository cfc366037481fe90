"""A small series chart for a row of a table: a test's values in one patient over time.

Geometry only (numbers and strings); ``_patients.html`` draws it as inline SVG. As on the
patient page, a censored value (``>97``, ``<0.2``) is a hollow marker at its bound and a line
touching it is dashed, since its true course is unknown; titres are on a log scale.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 168, 40, 5


@dataclass
class Dot:
    x: float
    y: float
    censored: bool
    title: str
    href: str


@dataclass
class Spark:
    """Dots, the segments between them (x1, y1, x2, y2, dashed) and a text alternative."""

    dots: list[Dot]
    segments: list[tuple[float, float, float, float, bool]]
    text: str
    span: str = ""  # the first and last values as printed: "30 → >97"
    width: int = WIDTH
    height: int = HEIGHT


@dataclass
class Reading:
    months: float
    value: float
    printed: str
    time: str
    censored: bool = False
    href: str = ""


def spark(readings: list[Reading], *, log: bool = False) -> Spark | None:
    """The chart of ``readings`` (two or more, else ``None``: one value is no series)."""
    points = sorted(readings, key=lambda r: r.months)
    if len(points) < 2:
        return None

    def scaled(v: float) -> float:
        return math.log2(max(v, 1e-9)) if log else v

    xs = [p.months for p in points]
    ys = [scaled(p.value) for p in points]
    x_lo, x_hi = min(xs), max(xs)
    y_lo, y_hi = min(ys), max(ys)
    if y_hi == y_lo:
        y_lo, y_hi = y_lo - 1, y_hi + 1

    def fx(m: float) -> float:
        return PAD + (m - x_lo) / ((x_hi - x_lo) or 1) * (WIDTH - 2 * PAD)

    def fy(v: float) -> float:
        return HEIGHT - PAD - (v - y_lo) / (y_hi - y_lo) * (HEIGHT - 2 * PAD)

    dots = [Dot(round(fx(p.months), 1), round(fy(y), 1), p.censored, f"{p.time}: {p.printed}",
                p.href) for p, y in zip(points, ys, strict=True)]
    segments = [(a.x, a.y, b.x, b.y, a.censored or b.censored)
                for a, b in itertools.pairwise(dots)]
    return Spark(dots, segments, "; ".join(d.title for d in dots),
                 f"{points[0].printed} → {points[-1].printed}")
