"""Reported values as printed in a case report: exact, censored, titres and qualitative results.

A value keeps the text it was printed as; parsing only makes it comparable.

>>> v = parse_value(">97")
>>> (v.kind, v.number, v.comparator, v.censored)
('numeric', Decimal('97'), '>', True)
>>> parse_value("1/1280").number
Decimal('1280')
>>> parse_value("+ (type III)").qualifier
'type III'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

ValueKind = Literal["numeric", "titre", "qualitative"]
Comparator = Literal["=", "<", ">", "<=", ">="]

_NUMERIC = re.compile(r"^(?P<cmp><=|>=|<|>|≤|≥)?\s*(?P<num>[-+]?\d+(?:[.,]\d+)?)$")
_TITRE = re.compile(r"^1\s*[/:]\s*(?P<den>\d+)$")
_QUALITATIVE = re.compile(
    r"^(?P<sign>\+|−|-|–|positive|negative|pos|neg|present|absent)"
    r"(?:\s*\((?P<qual>[^()]+)\))?$",
    re.IGNORECASE,
)
_RANGE_BOUND = re.compile(r"^(?P<cmp><=|>=|<|>|≤|≥)\s*(?P<num>\d+(?:\.\d+)?)$")
_RANGE_INTERVAL = re.compile(r"^(?P<lo>\d+(?:\.\d+)?)\s*[-–]\s*(?P<hi>\d+(?:\.\d+)?)$")
_UNICODE_CMP = {"≤": "<=", "≥": ">="}
_POSITIVE = {"+", "positive", "pos", "present"}


class ValueSyntaxError(ValueError):
    """A reported value or reference range that none of the accepted forms matches."""


@dataclass(frozen=True)
class ReportedValue:
    """One printed result: ``36.2``, ``<0.2``, ``>97``, ``1/1600``, ``+``, ``+ (type III)``."""

    text: str
    kind: ValueKind
    number: Decimal | None = None
    comparator: Comparator = "="
    qualitative: Literal["positive", "negative"] | None = None
    qualifier: str | None = None

    @property
    def censored(self) -> bool:
        """True for ``<x``/``>x`` values, whose true value is only bounded."""
        return self.comparator != "="


@dataclass(frozen=True)
class ReferenceRange:
    """The normal interval of a test; ``None`` bounds are open. ``text`` is as printed."""

    text: str
    lower: Decimal | None = None
    lower_inclusive: bool = True
    upper: Decimal | None = None
    upper_inclusive: bool = True


VALUE_FORMS = (
    "a number (36.2), a censored number (<0.2, >97, <=5), a titre (1/1600), "
    "or a qualitative result (+, −, + (type III))"
)


def parse_value(text: str | int | float) -> ReportedValue:
    """Parse one printed value, or raise :class:`ValueSyntaxError` naming the accepted forms."""
    if isinstance(text, bool):
        raise ValueSyntaxError(f"value {text!r} is not {VALUE_FORMS}")
    # repr-based Decimal keeps floats such as 1e-07 in plain notation the regex accepts.
    raw = format(Decimal(repr(text)), "f") if isinstance(text, float) else str(text).strip()
    m = _NUMERIC.match(raw)
    if m:
        cmp = _UNICODE_CMP.get(m["cmp"] or "=", m["cmp"] or "=")
        return ReportedValue(raw, "numeric", _decimal(m["num"]), cmp)  # type: ignore[arg-type]
    m = _TITRE.match(raw)
    if m:
        if int(m["den"]) == 0:
            raise ValueSyntaxError(f"titre {raw!r} has a zero denominator")
        return ReportedValue(raw, "titre", Decimal(m["den"]))
    m = _QUALITATIVE.match(raw)
    if m:
        sign = "positive" if m["sign"].lower() in _POSITIVE else "negative"
        qual = m["qual"].strip() if m["qual"] else None
        return ReportedValue(raw, "qualitative", qualitative=sign, qualifier=qual)
    raise ValueSyntaxError(f"value {raw!r} is not {VALUE_FORMS}")


def parse_range(text: str) -> ReferenceRange:
    """Parse a normal range: ``<5``, ``<=7``, ``>1``, or ``3.5-5.0`` (inclusive)."""
    raw = str(text).strip()
    m = _RANGE_BOUND.match(raw)
    if m:
        cmp = _UNICODE_CMP.get(m["cmp"], m["cmp"])
        bound = Decimal(m["num"])
        if cmp.startswith("<"):
            return ReferenceRange(raw, upper=bound, upper_inclusive=cmp == "<=")
        return ReferenceRange(raw, lower=bound, lower_inclusive=cmp == ">=")
    m = _RANGE_INTERVAL.match(raw)
    if m:
        lo, hi = Decimal(m["lo"]), Decimal(m["hi"])
        if lo > hi:
            raise ValueSyntaxError(f"reference range {raw!r} has its lower bound above its upper")
        return ReferenceRange(raw, lower=lo, upper=hi)
    raise ValueSyntaxError(
        f"reference range {raw!r} is not of the form <5, <=7, >1 or 3.5-5.0"
    )


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueSyntaxError(f"not a number: {text!r}") from exc
