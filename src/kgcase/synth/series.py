"""Value series of one lab test over a patient's time points, drawn to match a trend.

Each series is built so that its first → last change is what the trend says under the rules
of :mod:`kgcase.derive` (each test's reference change value, or the 20 % fallback, for numbers;
censored values as intervals; one doubling dilution for titres; a change of activity category
for scores), which makes the trend the ground truth of the series.
"""

from __future__ import annotations

import random

from kgcase.synth.pools import LabTest

WORDS = {"up": "increased", "down": "decreased", "flat": "unchanged"}
QUAL_WORDS = {"up": "appeared", "down": "resolved", "flat": "unchanged"}
SCORE_WORDS = {"up": "worsened", "down": "improved", "flat": "unchanged"}


def _fmt(v: float, dec: int) -> str:
    s = f"{v:.{dec}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def numbers(r: random.Random, t: LabTest, trend: str,
            months: list[int]) -> tuple[list[str | None], str]:
    """Exact and censored numbers whose first → last change is decided by the trend.

    A rise multiplies the baseline by ``t.up``, a fall by ``t.down``; both stay clear of the
    test's reference change value (``kgcase/derive/variation.tsv``) after rounding. A flat
    series stays within ±5 % (a flat CRP may instead sit below the detection limit throughout,
    which compares as indeterminate). A score rises from low activity (or less) to high
    activity, falls the other way, or stays within ±5 % inside the high activity band, so that
    its activity category decides as the trend says.
    """
    unit = 10.0 ** -t.dec
    if trend == "flat" and t.floor is not None and r.random() < 0.4:
        return [f"<{_fmt(t.floor, 3)}"] * len(months), "indeterminate"
    mid = t.lo + (t.hi - t.lo) / 2
    if t.unit == "{score}":
        low, high = r.uniform(0.3, 2.3), r.uniform(9.5, 26.0)
        start, ratio = {"up": (low, high / low), "down": (high, low / high)}.get(
            trend, (r.uniform(10.0, 24.0), 1.0))
    elif trend == "up":
        start, ratio = r.uniform(t.lo, mid), r.uniform(*t.up)
    elif trend == "down":
        start, ratio = r.uniform(mid, t.hi), r.uniform(*t.down)
    else:
        hi = t.hi if t.cap is None else min(t.hi, t.cap / 1.1)
        start, ratio = r.uniform(max(t.lo, 13 * unit), hi), 1.0
    last = months[-1]
    out: list[str | None] = []
    for i, m in enumerate(months):
        if trend == "flat":
            v = start if i == 0 else start * r.uniform(0.95, 1.05)
        elif i in (0, len(months) - 1):
            v = start * ratio ** (m / last)
        else:
            v = start * ratio ** (m / last) * r.uniform(0.9, 1.1)
        if t.cap is not None and v > t.cap:
            out.append(f">{_fmt(t.cap, 3)}")
        elif t.floor is not None and v < t.floor:
            out.append(f"<{_fmt(t.floor, 3)}")
        else:
            out.append(_fmt(v, t.dec))
    return out, WORDS[trend]


def titres(r: random.Random, trend: str, months: list[int]) -> list[str | None]:
    """Doubling dilutions: a rise or fall of 2-3 steps; flat moves at most one step."""
    base = r.choice((40, 100))
    if trend == "up":
        k0 = r.randint(0, 3)
        k1 = k0 + r.randint(2, 3)
    elif trend == "down":
        k0 = r.randint(3, 6)
        k1 = k0 - r.randint(2, 3)
    else:
        k0 = r.randint(1, 5)
        k1 = k0 + r.randint(0, 1)
    last, steps = months[-1], []
    for i, m in enumerate(months):
        if trend == "flat":
            k = k0 if i == 0 else (k1 if i == len(months) - 1 else r.choice((k0, k1)))
        else:
            k = round(k0 + (k1 - k0) * m / last)
        steps.append(f"1/{base * 2**k}")
    return list(steps)


def qualitative(r: random.Random, t: LabTest, trend: str, n: int,
                present: bool = False) -> list[str | None]:
    """Negative → positive (appeared), positive → negative (resolved), or one sign throughout.

    ``present``: the patient has the finding at M0, so a flat series is positive.
    """
    pos = r.choice(t.positive)
    neg = "−" if r.random() < 0.9 else "negative"
    if trend == "flat":
        return [pos] * n if present or r.random() < t.prior else [neg] * n
    switch = r.randint(1, n - 1)
    first, then = (neg, pos) if trend == "up" else (pos, neg)
    return [first if i < switch else then for i in range(n)]
