"""Page sections beyond the general description: observed effects of a drug (or on a finding),
literature claims and hypotheses (kept apart from observations), and a case report's extraction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kgcase.vocab import K
from kgcase.web.pages.describe import Entity
from kgcase.web.pages.model import DCTERMS, RDFS, Ref, node_ref, ref
from kgcase.web.pages.runner import Row
from kgcase.web.pages.sparqltext import CLAIM_ROWS, EFFECT_ROWS


@dataclass
class Source:
    """A short citation of evidence: a quote with its section, or a table cell and its value."""

    ref: Ref
    quote: str | None = None
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    printed: str | None = None


@dataclass
class Effect:
    effect: Ref
    kind: str
    drug: Ref
    target: Ref
    direction: str
    patient: Ref
    report: Ref | None
    window: str
    window_detail: str
    before: str | None
    after: str | None
    certainty: str | None
    sources: list[Source] = field(default_factory=list)
    course: str | None = None  # where the values went against the reference range
    patient_level: bool = False  # a derived effect over the patient's whole series

    @property
    def observation(self) -> bool:
        """Counted as an observation, as the build's summaries count: a stated effect or a
        patient-level one, never a window between two time points (its detail)."""
        return self.kind == "stated" or self.patient_level


@dataclass
class EffectGroup:
    """The observations about one finding or test, with an anchor the tallies link to."""

    target: Ref
    anchor: str
    rows: list[Effect]


@dataclass
class Tally:
    """Effects of one direction on one target, across patients and case reports."""

    target: Ref
    direction: str
    effects: int
    stated: int
    derived: int
    patients: int
    reports: int
    anchor: str = ""  # of the listed observations on the target ("": none is listed)
    at_most: bool = False  # patients and reports are an upper bound (summed over summaries)


@dataclass
class Effects:
    mode: str  # "drug": effects of this drug; "target": effects on this finding or test
    rows: list[Effect]
    tallies: list[Tally]
    patients: int
    reports: int
    groups: list[EffectGroup] = field(default_factory=list)
    limited: bool = False  # the store holds more effects than the page lists (EFFECT_ROWS)
    total: int | None = None  # effects counted by the build (its effect summaries)


@dataclass
class Claim:
    claim: Ref
    kind: str
    roles: list[str]
    subject: Ref | None
    object: Ref | None
    direction: str | None
    population: str | None
    region: str | None
    references: list[str]
    quote: str | None
    section: str | None
    report: Ref | None
    certainty: str | None


@dataclass
class Note:
    note: Ref
    comment: str | None
    resolution: str | None
    certainty: str | None
    facts: list[Ref]


@dataclass
class CaseReport:
    citation: str | None
    doi: str | None
    doi_url: str | None
    counts: list[tuple[Ref, int]]
    notes: list[Note]
    patients: list[Ref] = field(default_factory=list)


def _v(row: Row, key: str) -> str | None:
    node = row.get(key)
    return node.value if node is not None else None


def _months(row: Row, key: str) -> float:
    node = row.get(key)
    number = node.number() if node is not None else None
    return -1e9 if number is None else number


def _short(label: str | None) -> str:
    """``M0`` from a time point label ``M0: start of tocilizumab (Patient 1)``."""
    return (label or "?").split(":", 1)[0].split(" (", 1)[0]


def effects(rows: list[Row], mode: str, summary_rows: list[Row] | None = None) -> Effects:
    """Observed effects of a drug (``mode="drug"``: rows of ``EFFECTS_OF_DRUG``, a row per
    effect and source) or on a finding or test (``"target"``: ``EFFECTS_ON_TARGET``);
    ``summary_rows``: the build's effect summaries of them (``EFFECT_SUMMARIES_*``).

    When the store holds more effects than the page lists, the counts across cases are the
    build's, over all of them, and the page's own counts would be of a sample."""
    sources: dict[str, dict[str, Source]] = defaultdict(dict)
    found: dict[str, Effect] = {}
    windows: dict[str, tuple[float, float]] = {}
    for row in rows:
        key = row["effect"].value
        if "ev" in row:
            sources[key].setdefault(row["ev"].value, Source(
                ref=ref(row["ev"].value), quote=_v(row, "quote"), section=_v(row, "section"),
                table=_v(row, "table"), row=_v(row, "row"), column=_v(row, "col"),
                printed=_v(row, "printed")))
        if key not in found:
            windows[key] = (_months(row, "fromm"), _months(row, "tom"))
            found[key] = _effect(row)
    limited = len(found) > EFFECT_ROWS  # the query reads one effect more than it lists
    listed = list(found.values())[:EFFECT_ROWS]
    for effect in listed:
        effect.sources = sorted(sources[effect.effect.iri].values(), key=lambda s: s.ref.iri)
    ordered = sorted(listed, key=lambda e: (
        e.target.label.lower(), e.target.iri, e.patient.label, e.kind != "stated",
        *windows.get(e.effect.iri, (-1e9, -1e9)), e.effect.iri))
    groups: dict[str, EffectGroup] = {}
    for e in ordered:
        group = groups.get(e.target.iri)
        if group is None:
            group = groups[e.target.iri] = EffectGroup(e.target, f"effects-{len(groups) + 1}", [])
        group.rows.append(e)
    counted = _summaries(summary_rows or [])
    tallies = _summed(counted) if limited else _tally(ordered)
    for t in tallies:
        t.anchor = groups[t.target.iri].anchor if t.target.iri in groups else ""
    return Effects(mode, ordered, tallies, len({e.patient.iri for e in ordered}),
                   len({e.report.iri for e in ordered if e.report}), list(groups.values()),
                   limited, sum(item[3] for item in counted) if counted else None)


def _effect(row: Row) -> Effect:
    start, end = _v(row, "froml"), _v(row, "tol")
    window = (f"{_short(start)} → {_short(end)}" if start and end else
              f"from {_short(start)}" if start else f"until {_short(end)}" if end else
              "not stated")
    detail = " → ".join(x for x in (start, end) if x) or "the report gives no time window"
    return Effect(
        effect=node_ref(row["effect"]), kind=row["kind"].value,
        drug=node_ref(row["d"], row.get("dl")), target=node_ref(row["t"], row.get("tl")),
        direction=_v(row, "dirl") or row["dir"].value,
        patient=node_ref(row["patient"], row.get("pl")),
        report=node_ref(row["case"], row.get("cl")) if "case" in row else None,
        window=window, window_detail=detail, before=_v(row, "before"),
        after=_v(row, "after"), certainty=_v(row, "certl"), course=_v(row, "coursel"),
        patient_level=_v(row, "level") == "patient")


#: One effect summary: target, direction, kind, effects, patients, case reports.
_Counted = tuple[Ref, str, str, int, int, int]


def _summaries(rows: list[Row]) -> list[_Counted]:
    return [(node_ref(row["t"], row.get("tl")), _v(row, "dirl") or row["dir"].value,
             row["kind"].value, int(row["n"].value), int(row["np"].value), int(row["nc"].value))
            for row in rows]


def _summed(counted: list[_Counted]) -> list[Tally]:
    """Tallies from the build's summaries: exact numbers of effects; the patients and reports
    of a (target, direction) summed over its summaries (stated and derived, one per drug) are
    exact when one summary counts them, else an upper bound (``at_most``)."""
    groups: dict[tuple[str, str], list[_Counted]] = defaultdict(list)
    for item in counted:
        groups[(item[0].iri, item[1])].append(item)
    out = [Tally(items[0][0], direction, sum(i[3] for i in items),
                 sum(i[3] for i in items if i[2] == "stated"),
                 sum(i[3] for i in items if i[2] == "derived"),
                 sum(i[4] for i in items), sum(i[5] for i in items), at_most=len(items) > 1)
           for (_, direction), items in groups.items()]
    return sorted(out, key=lambda t: (t.target.label.lower(), t.direction))


def _tally(rows: list[Effect]) -> list[Tally]:
    """Tallies of the listed observations (:attr:`Effect.observation`), as the build counts."""
    groups: dict[tuple[str, str], list[Effect]] = defaultdict(list)
    for e in (e for e in rows if e.observation):
        groups[(e.target.iri, e.direction)].append(e)
    out = [Tally(items[0].target, direction, len(items),
                 sum(e.kind == "stated" for e in items), sum(e.kind == "derived" for e in items),
                 len({e.patient.iri for e in items}),
                 len({e.report.iri for e in items if e.report}))
           for (_, direction), items in groups.items()]
    return sorted(out, key=lambda t: (t.target.label.lower(), t.direction))


@dataclass
class Claims:
    """The claims, approvals and hypotheses a page lists, by kind; ``limited`` when more name
    the resource, ``total``: how many links name it so (a claim can name it twice)."""

    kinds: dict[str, list[Claim]]
    limited: bool = False
    total: int = 0


def claims(rows: list[Row], total: int = 0) -> Claims:
    """Claims, approvals and hypotheses naming a resource (rows of ``CLAIMS``), by kind;
    ``total``: the count of the links by which they name it."""
    pairs = {(row["claim"].value, row["role"].value) for row in rows}
    limited = len(pairs) > CLAIM_ROWS  # the query reads one (claim, role) more than it lists
    if limited:
        kept = set(sorted(pairs)[:CLAIM_ROWS])
        rows = [row for row in rows if (row["claim"].value, row["role"].value) in kept]
    found: dict[str, Claim] = {}
    for row in rows:
        key = row["claim"].value
        claim = found.get(key)
        if claim is None:
            claim = found[key] = Claim(
                claim=node_ref(row["claim"], row.get("statement")), kind=row["kind"].value,
                roles=[], subject=node_ref(row["subj"], row.get("subjl")) if "subj" in row
                else None,
                object=node_ref(row["obj"], row.get("objl")) if "obj" in row else None,
                direction=_v(row, "dirl"), population=_v(row, "population"),
                region=_v(row, "region"), references=[], quote=_v(row, "quote"),
                section=_v(row, "section"),
                report=node_ref(row["case"], row.get("cl")) if "case" in row else None,
                certainty=_v(row, "certl"))
        if row["role"].value not in claim.roles:
            claim.roles.append(row["role"].value)
        ref_text = _v(row, "ref")
        if ref_text and ref_text not in claim.references:
            claim.references.append(ref_text)
    out: dict[str, list[Claim]] = defaultdict(list)
    for claim in sorted(found.values(), key=lambda c: c.claim.label):
        claim.references.sort(key=lambda r: (len(r), r))
        out[claim.kind].append(claim)
    return Claims({kind: out[kind] for kind in ("literature claim", "regulatory approval",
                                                "hypothesis") if kind in out},
                  limited, max(total, len(pairs) if not limited else 0))


def case_report(entity: Entity, rows: list[Row]) -> CaseReport:
    """What was extracted from a case report (counts by class; rows of ``CASE_REPORT``) and its
    curation notes."""
    counts: list[tuple[Ref, int]] = []
    notes: dict[str, Note] = {}
    for row in rows:
        if row["part"].value == "count":
            counts.append((node_ref(row["type"], row.get("tl")), int(row["n"].value)))
            continue
        key = row["note"].value
        note = notes.setdefault(key, Note(
            note=ref(key, _v(row, "comment")), comment=_v(row, "comment"),
            resolution=_v(row, "resolution"), certainty=_v(row, "certl"), facts=[]))
        fact = row.get("fact")
        if fact is not None and fact.value not in {f.iri for f in note.facts}:
            note.facts.append(node_ref(fact, row.get("fl")))
    citation = _literal(entity, DCTERMS + "bibliographicCitation")
    doi = _literal(entity, DCTERMS + "identifier")
    doi_url = next((v.ref.iri for p in _props(entity, RDFS + "seeAlso") for v in p
                    if v.ref and v.ref.iri.startswith("https://doi.org/")), None)
    counts.sort(key=lambda c: (-c[1], c[0].label))
    for note in notes.values():
        note.facts.sort(key=lambda r: r.label)
    patients = sorted((v.ref for values in _props(entity, str(K.hasPatient)) for v in values
                       if v.ref), key=lambda r: r.label)
    return CaseReport(citation, doi, doi_url, counts, list(notes.values()), patients)


def _props(entity: Entity, predicate: str) -> list[list]:
    return [p.values for _, props in entity.groups for p in props if p.predicate.iri == predicate]


def _literal(entity: Entity, predicate: str) -> str | None:
    return next((v.text for values in _props(entity, predicate) for v in values if v.text), None)
