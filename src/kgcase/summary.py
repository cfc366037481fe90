"""Effect summaries: per drug, target, direction and kind, how many effects, patients and reports.

The graph only changes at build time, so the counts behind the aggregate named questions
("which drugs were followed by a rise of anti-dsDNA?") are computed once, after the bulk load,
and stored as :data:`kgcase.vocab.K.EffectSummary` nodes in their own named graph. They are
counted here by scanning the store's quads in Python, not by SPARQL, so that the tests can hold
them against the same counts computed by a SPARQL aggregate over the raw effects
(``tests/test_summary.py``); ``docs/benchmarks.md`` shows the two agree at scale too.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kgcase.iris import mint
from kgcase.vocab import RDF, RDFS, XSD, K

#: (drug, target, direction, kind): the key of one summary.
Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class Summary:
    """The counts of one (drug, target, direction, kind) group."""

    drug: str
    target: str
    direction: str
    kind: str  # "stated" or "derived"
    effects: int
    patients: int
    cases: int


def _objects(store: ox.Store, predicate: str) -> dict[str, str]:
    """subject -> object for one functional-by-construction property, over every graph."""
    node = ox.NamedNode(predicate)
    return {q.subject.value: q.object.value
            for q in store.quads_for_pattern(None, node, None, None)
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)}


def effect_summaries(store: ox.Store) -> list[Summary]:
    """Count every observed effect in ``store`` by drug, target, direction and kind."""
    drug_of = _objects(store, str(K.exposureDrug))
    case_of = _objects(store, str(K.describedIn))
    patient_of = _objects(store, str(K.effectInPatient))
    direction_of = _objects(store, str(K.hasDirection))
    target_of = _objects(store, str(K.affects))
    derived = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(K.DerivedEffect)), None)}
    groups: dict[Key, tuple[set[str], set[str], set[str]]] = defaultdict(
        lambda: (set(), set(), set()))
    exposure = ox.NamedNode(str(K.effectOfExposure))
    for quad in store.quads_for_pattern(None, exposure, None, None):
        effect, exp = quad.subject.value, quad.object.value
        drug, patient = drug_of.get(exp), patient_of.get(effect)
        target, direction = target_of.get(effect), direction_of.get(effect)
        if None in (drug, patient, target, direction) or patient not in case_of:
            continue  # an incomplete effect is SHACL's to report, not counted here
        key = (drug, target, direction, "derived" if effect in derived else "stated")
        effects, patients, cases = groups[key]  # type: ignore[index]
        effects.add(effect)
        patients.add(patient)  # type: ignore[arg-type]
        cases.add(case_of[patient])  # type: ignore[index]
    return [Summary(*key, effects=len(e), patients=len(p), cases=len(c))
            for key, (e, p, c) in sorted(groups.items())]


def summary_iri(s: Summary) -> str:
    key = "|".join((s.drug, s.target, s.direction, s.kind))
    return mint("summary", "effect", hashlib.sha256(key.encode()).hexdigest()[:16])


def summary_quads(summaries: list[Summary], graph: str) -> Iterator[ox.Quad]:
    """The summaries as quads in ``graph``: one :data:`K.EffectSummary` node each."""
    g = ox.NamedNode(graph)
    integer = ox.NamedNode(str(XSD.integer))
    for s in summaries:
        node = ox.NamedNode(summary_iri(s))
        yield ox.Quad(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(K.EffectSummary)), g)
        yield ox.Quad(node, ox.NamedNode(str(RDFS.label)),
                      ox.Literal(f"effect summary ({s.kind})"), g)
        for prop, value in ((K.summarisesDrug, s.drug), (K.summarisesTarget, s.target),
                            (K.summarisesDirection, s.direction)):
            yield ox.Quad(node, ox.NamedNode(str(prop)), ox.NamedNode(value), g)
        for prop, count in ((K.effectCount, s.effects), (K.patientCount, s.patients),
                            (K.caseReportCount, s.cases)):
            yield ox.Quad(node, ox.NamedNode(str(prop)), ox.Literal(str(count), datatype=integer),
                          g)
        yield ox.Quad(node, ox.NamedNode(str(K.effectKind)), ox.Literal(s.kind), g)
