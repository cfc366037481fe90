"""Directions of change computed from measurement series, never typed in.

Comparing two reported values (:func:`compare_values`):

* **Exact numbers** change when ``|after - before| >= min_relative_change * min(|before|,
  |after|)`` (default 20 %); if the smaller value is 0 any nonzero difference counts. For every
  increase this is exactly ``|Δ| / |before| >= min_relative_change``; measuring decreases against
  the smaller value too keeps the rule antisymmetric (a→b increased ⇔ b→a decreased).
  Otherwise ``unchanged``. (7.4 → 7.1 unchanged; 30 → 85 increased.)
* **Censored numbers** are intervals: ``>97`` = (97, ∞), ``>=x`` = [x, ∞), ``<0.2`` = [0, 0.2)
  and ``<=x`` = [0, x] when x > 0 (lab values are taken as non-negative), an exact x = [x, x].
  If every possible after-value exceeds every possible before-value the result is
  ``increased`` (30 → >97, 85 → >97), if every one is below ``decreased`` (36.2 → <0.2,
  >8 → 4); otherwise ``indeterminate`` (>2 → >2, <0.2 → <0.2, >2 → 3.7, >2 → >8). The
  relative threshold is for noise between two exact values; a censored bound is the assay's
  own reporting limit, so separation of the intervals alone decides. A censored value never
  gives ``unchanged``: its interval is unbounded or reaches 0, so a large change stays possible.
* **Titres** ``1/n``: a denominator ratio of at most 2 (one doubling dilution) is
  ``unchanged``, more is ``increased``/``decreased`` (1/1600 → 1/1280 unchanged).
* **Qualitative**: negative → positive ``appeared``, positive → negative ``resolved``, the same
  sign ``unchanged`` even if the qualifier changes (+ → + (type III)).
* **Mixed kinds** (number, titre, qualitative) are ``indeterminate``.

Reference status (:func:`reference_status`): a number is ``normal`` when its whole interval
lies in the range, ``abnormal`` when it lies wholly outside, else ``None`` (<0.2 with <5
normal, <40 with <40 normal, >2 with <=1 abnormal). Without a range a positive qualitative
result is ``abnormal`` and a negative one ``normal``; numbers and titres then have no status.
A titre's denominator is placed against a range only when one is given.

Derived effects (:func:`derive_effects`), per patient and measurement (tests in ``skip_tests``
such as age are left out): reported values are ordered by their time points' ``months``;
one effect per consecutive pair, plus first → last when at least 3 points were reported.
Missing cells (``None``) are skipped, so a pair bridges them and its method says so. An effect
is attributed to the exposure named by the start time point's ``relative_to``; none, or an id
that is not an exposure of the patient, means no effect. That exposure, and each
``concomitant`` one, must be active over the whole window: its ``start`` time point no later
than the window's start and its ``end`` (``None`` = ongoing) no earlier than the window's end,
by months; exposures without a start time point are not assumed active. For tests in
``higher_is_worse`` (the cJADAS score) a decided decrease is reported as ``improved`` and an
increase as ``worsened`` (a fall to 0 stays ``improved``: naming disease activity categories is
the reasoner's job). ``relative_change`` is ``(after - before) / before`` for two exact numbers
with ``before != 0``, else ``None``. Everything here is pure and deterministic.
"""

from kgcase.derive.compare import (
    DEFAULT_MIN_RELATIVE_CHANGE,
    TITRE_STEP,
    Direction,
    Interval,
    Status,
    compare_values,
    explain_comparison,
    reference_status,
    relative_change,
    value_interval,
)
from kgcase.derive.effects import DerivedEffect, derive_effects

__all__ = [
    "DEFAULT_MIN_RELATIVE_CHANGE",
    "TITRE_STEP",
    "DerivedEffect",
    "Direction",
    "Interval",
    "Status",
    "compare_values",
    "derive_effects",
    "explain_comparison",
    "reference_status",
    "relative_change",
    "value_interval",
]
