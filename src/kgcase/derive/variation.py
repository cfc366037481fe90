"""What counts as a change for each test: the cited table ``variation.tsv`` next to this module.

A laboratory value changes when the difference exceeds the test's reference change value
(RCV), the smallest difference that biological and analytical noise alone make unlikely:

    RCV = 2^0.5 · z · sqrt(CVA² + CVI²)      (z = 1.96, two-sided 95 %)

with CVI the within-subject biological variation and CVA the analytical variation. The report
does not give its laboratory's imprecision, so CVA is the desirable imprecision 0.5 · CVI
unless the table gives one. Titres change by more than one doubling dilution, scores when their
activity category changes, qualitative results when their sign changes. A test without a
known figure says so and uses :data:`FALLBACK` (20 % of the smaller value).

>>> r = rule_for("https://w3id.org/kgcase/KGCASE_0000140")
>>> (r.rule, f"{r.threshold:.3f}")
('rcv', '0.087')
>>> rule_for("https://w3id.org/kgcase/KGCASE_0000142").rule
'fallback'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import cache, cached_property
from importlib import resources
from typing import Literal

from kgcase.iris import expand_curie

RuleKind = Literal["rcv", "titre", "score", "qualitative", "fallback"]

#: z for a two-sided 95 % probability that a difference is more than noise.
Z = Decimal("1.96")
#: Used when no biological variation figure is known for a test.
FALLBACK = Decimal("0.20")
FALLBACK_SOURCE = "kgcase default: no biological variation figure known for this test"
#: cJADAS categories of the report's Table 1 footnote (upper bounds, inclusive unless noted).
SCORE_CATEGORIES: tuple[tuple[str, Decimal | None, bool], ...] = (
    ("inactive disease", Decimal(1), False),
    ("low disease activity", Decimal("2.5"), True),
    ("moderate disease activity", Decimal("8.5"), True),
    ("high disease activity", None, True),
)


@dataclass(frozen=True)
class ChangeRule:
    """The rule deciding whether a test's value changed, with its figures and their source."""

    test: str
    label: str
    rule: RuleKind
    cvi: Decimal | None = None
    cva: Decimal | None = None
    source: str = FALLBACK_SOURCE
    certainty: str = "certain"
    note: str = ""

    @property
    def analytical(self) -> Decimal | None:
        """CVA in %, or the desirable imprecision 0.5 · CVI when the table gives none."""
        if self.cva is not None:
            return self.cva
        return None if self.cvi is None else self.cvi / 2

    @cached_property
    def threshold(self) -> Decimal | None:
        """The smallest relative change that counts (a fraction); ``None`` if not relative."""
        if self.rule == "fallback":
            return FALLBACK
        if self.rule != "rcv" or self.cvi is None:
            return None
        cva = self.analytical or Decimal(0)
        with localcontext() as ctx:
            ctx.prec = 28
            return Decimal(2).sqrt() * Z * (cva * cva + self.cvi * self.cvi).sqrt() / 100

    def describe(self) -> str:
        """One line: the rule, its numbers and where they come from."""
        return self._description

    @cached_property
    def _description(self) -> str:
        if self.rule == "rcv" and self.threshold is not None:
            cva = self.analytical
            origin = "" if self.cva is not None else " (0.5 × CVI: the report gives none)"
            caveat = (f"; the figure is {self.certainty} for these patients: {self.note}"
                      if self.certainty != "certain" and self.note else "")
            return (
                f"reference change value {_pct(self.threshold)} for {self.label} "
                f"(RCV = 2^0.5 · {Z} · sqrt(CVA² + CVI²), CVI {self.cvi} %, "
                f"CVA {cva} %{origin}; CVI from {self.source}{caveat})"
            )
        if self.rule == "fallback":
            return (
                f"no biological variation figure is known for {self.label}, so the "
                f"{_pct(FALLBACK)} default of kgcase applies"
            )
        if self.rule == "titre":
            return "a titre changes by more than one doubling dilution"
        if self.rule == "score":
            return f"a score changes when its activity category changes ({self.source})"
        return "a qualitative result changes when its sign changes"


def _pct(x: Decimal) -> str:
    return f"{float(x) * 100:.1f} %"


@cache
def rules() -> dict[str, ChangeRule]:
    """Every rule of the table, by the test's IRI."""
    text = resources.files("kgcase.derive").joinpath("variation.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    out: dict[str, ChangeRule] = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        iri = expand_curie(row["test"])
        out[iri] = ChangeRule(
            test=iri,
            label=row["label"],
            rule=row["rule"],  # type: ignore[arg-type]
            cvi=Decimal(row["cvi"]) if row["cvi"] else None,
            cva=Decimal(row["cva"]) if row["cva"] else None,
            source=row["source"] or FALLBACK_SOURCE,
            certainty=row["certainty"] or "certain",
            note=row["note"] or "",
        )
    return out


@cache
def rule_for(test: str, label: str | None = None) -> ChangeRule:
    """The rule of a test IRI; a test missing from the table gets the documented fallback."""
    found = rules().get(str(test))
    if found is not None:
        return found
    return ChangeRule(str(test), label or str(test).rsplit("/", 1)[-1], "fallback",
                      note="Not in the biological variation table.")


def score_category(value: Decimal) -> str:
    """The cJADAS activity category of an exact score."""
    for name, upper, inclusive in SCORE_CATEGORIES:
        if upper is None or value < upper or (inclusive and value == upper):
            return name
    raise AssertionError("unreachable: the last category is unbounded")  # pragma: no cover
