"""The answer a drug, finding or test page opens with, counted in patients and reports.

"Polyarticular arthritis: improved in 1 of 2 patients, resolved in 1 of 2 · 1 report": per
finding or test (on a drug's page) or per drug (on a finding's or test's page), the directions
of the observed effects, each with the distinct patients it was seen in, out of the patients in
whom any effect on it was recorded. A class page says what in the case data names it ("6
measurements in 2 patients, 1 report").

The numbers come from :func:`effect_counts` and :func:`use_counts`: the build's counts
(:mod:`kgcase.pagecounts`) when the release has them, else the same counts made here from the
effects bound to the resource. Whatever decides an effect's direction, these read only what the
graph holds, so a change of how directions are derived changes the rows, not this code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kgcase.pagecounts import ALL, USES, EffectCount, StoredCounts, UseCount
from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.model import Ref, ref
from kgcase.web.pages.runner import Row, iri, select, values_block
from kgcase.web.service import get_service

#: Lines of the answer shown before "show all" (every line is in the downloads).
SHOWN_LINES = 12
_NOUNS = {p: noun for p, _link, noun in USES}
_PLURALS = {"diagnosis": "diagnoses"}


@dataclass
class DirectionCount:
    direction: Ref
    patients: int


@dataclass
class AnswerLine:
    """What was observed on one target (or under one drug): directions, patients, reports."""

    other: Ref
    directions: list[DirectionCount]
    patients: int
    reports: int
    anchor: str = ""  # of its observations in the evidence section


@dataclass
class UseLine:
    """"6 measurements in 2 patients, 1 report": things of one kind that name the term."""

    predicate: str
    noun: str
    things: int
    patients: int
    reports: int


@dataclass
class Answer:
    role: str  # "drug": effects under this drug; "target": effects on this finding or test
    patients: int
    reports: int
    lines: list[AnswerLine] = field(default_factory=list)
    uses: list[UseLine] = field(default_factory=list)
    stored: bool = False  # counted by the build (else on this request)

    @property
    def shown(self) -> list[AnswerLine]:
        return self.lines[:SHOWN_LINES]

    @property
    def more(self) -> list[AnswerLine]:
        return self.lines[SHOWN_LINES:]


def _stored() -> StoredCounts | None:
    service = get_service()
    return service.page_counts.get(service.watcher.current())


def effect_counts(subject: str, role: str) -> tuple[list[EffectCount], bool]:
    """Patients and reports of the effects under (``role="drug"``) or on (``"target"``)
    ``subject`` per other side and direction; and whether the build counted them."""
    stored = _stored()
    if stored is not None:
        return stored.effects(subject, role), True
    query = Q.EFFECT_PATIENTS_OF_DRUG if role == "drug" else Q.EFFECT_PATIENTS_ON_TARGET
    return count_effects(select(query, s=iri(subject))), False


def count_effects(rows: list[Row]) -> list[EffectCount]:
    """The counts of :class:`kgcase.pagecounts.StoredCounts` from effect rows (``?o ?dir
    ?patient ?case``): per other side and direction, per other side, and in all."""
    groups: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(
        lambda: (set(), set()))
    for row in rows:
        other, direction = row["o"].value, row["dir"].value
        for key in ((other, direction), (other, ALL), (ALL, ALL)):
            patients, reports = groups[key]
            patients.add(row["patient"].value)
            if "case" in row:
                reports.add(row["case"].value)
    return [EffectCount(other, direction, len(p), len(r))
            for (other, direction), (p, r) in sorted(groups.items())]


def use_counts(subject: str) -> list[UseCount]:
    """What in the case data names ``subject``, per predicate: things, patients, reports."""
    stored = _stored()
    if stored is not None:
        return stored.uses(subject)
    groups: dict[str, tuple[set[str], set[str], set[str]]] = defaultdict(
        lambda: (set(), set(), set()))
    for row in select(Q.USES_OF, s=iri(subject)):
        things, patients, reports = groups[row["p"].value]
        things.add(row["x"].value)
        patients.add(row["patient"].value)
        if "case" in row:
            reports.add(row["case"].value)
    return [UseCount(p, len(t), len(pt), len(r)) for p, (t, pt, r) in sorted(groups.items())]


def _labels(iris: set[str]) -> dict[str, str]:
    if not iris:
        return {}
    rows = select(Q.LABELS.format(values=values_block("s", sorted(iris))))
    found: dict[str, str] = {}
    for row in rows:
        if row["l"].lang in (None, "en") or row["s"].value not in found:
            found.setdefault(row["s"].value, row["l"].value)
    return found


def answer(subject: str, role: str, anchors: dict[str, str] | None = None,
           stated: set[str] | None = None) -> Answer | None:
    """The answer of ``subject``'s page (``None`` when no effect involves it), with its uses.

    Lines of the ``stated`` other sides (those with an effect in the authors' words) come
    first, then by patients, most first; ``anchors``: other side → the anchor of its listed
    observations."""
    counts, stored = effect_counts(subject, role)
    uses = use_lines(subject)
    total = next((c for c in counts if c.other == ALL and c.direction == ALL), None)
    if total is None and not uses:
        return None
    labels = _labels({c.other for c in counts if c.other} | {c.direction for c in counts
                                                             if c.direction})
    by_other: dict[str, AnswerLine] = {}
    for c in counts:
        if not c.other:
            continue
        line = by_other.get(c.other)
        if line is None:
            line = by_other[c.other] = AnswerLine(
                ref(c.other, labels.get(c.other)), [], 0, 0, (anchors or {}).get(c.other, ""))
        if c.direction:
            line.directions.append(DirectionCount(ref(c.direction, labels.get(c.direction)),
                                                  c.patients))
        else:
            line.patients, line.reports = c.patients, c.reports
    for line in by_other.values():
        line.directions.sort(key=lambda d: (-d.patients, d.direction.label))
    first = stated or set()
    lines = sorted(by_other.values(), key=lambda x: (x.other.iri not in first, -x.patients,
                                                     x.other.label.lower()))
    return Answer(role, total.patients if total else 0, total.reports if total else 0, lines,
                  uses, stored)


def use_lines(subject: str) -> list[UseLine]:
    """:func:`use_counts` with the name of what is counted (measurement, finding …)."""
    return [UseLine(u.predicate, _NOUNS.get(u.predicate, "use"), u.things, u.patients,
                    u.reports) for u in use_counts(subject)]


def plural(noun: str, n: int) -> str:
    """``noun`` for one, its plural for more (``diagnoses``, ``measurements``)."""
    return noun if n == 1 else _PLURALS.get(noun, noun + "s")
