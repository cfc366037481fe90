"""Build-time counts: effect summaries, and the class and drug counts of the home page.

Effect summaries: per drug, target, direction and kind, how many observations, patients and
reports. An observation is one patient under one exposure: a derived effect counts only as its
patient-level effect (first → last of the series, :data:`K.PatientLevelEffect`), not once per
overlapping window, and several sentences stating the same effect for the same patient count once.

The graph only changes at build time, so the counts behind the aggregate named questions
("which drugs were followed by a rise of anti-dsDNA?") are computed once and stored as
:data:`kgcase.vocab.K.EffectSummary` nodes in their own named graph. Each worker counts its own
case (:func:`case_counts`, from the triples it wrote); a patient belongs to one case report, so
the build adds the per-case counts up exactly (:func:`add_counts`). They are counted in Python, not
by SPARQL, so that the tests can hold them against the same counts found by a SPARQL aggregate
over the raw effects (``tests/test_summary.py``, ``tests/test_scale.py``).

Class counts (individuals per kgcase class, asserted or inferred) and drug exposure counts
(exposures and exposed patients per drug) are gathered the same way, so that the home page reads
a few dozen stored numbers instead of counting every ``rdf:type`` of the corpus. Every individual
and exposure belongs to one case report, so these sums are exact too.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from kgcase.iris import mint
from kgcase.rdf.case_graph import Triple
from kgcase.vocab import KG, RDF, RDFS, XSD, K

#: (drug, target, direction, kind) → (effects, patients, case reports).
Counts = dict[tuple[str, str, str, str], tuple[int, int, int]]
#: kgcase class → its individuals.
ClassCounts = dict[str, int]
#: drug → (exposures that a patient has, those patients).
DrugCounts = dict[str, tuple[int, int]]


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


def case_counts(triples: Iterable[Triple]) -> Counts:
    """Count the observed effects among one case report's triples."""
    by_property: dict[URIRef, dict[URIRef, object]] = defaultdict(dict)
    wanted = {K.exposureDrug, K.effectInPatient, K.hasDirection, K.affects, K.effectOfExposure}
    derived: set[object] = set()
    patient_level: set[object] = set()
    for s, p, o in triples:
        if p in wanted:
            by_property[p][s] = o
        elif p == RDF.type and o == K.DerivedEffect:
            derived.add(s)
        elif p == RDF.type and o == K.PatientLevelEffect:
            patient_level.add(s)
    drug_of = by_property[K.exposureDrug]
    groups: dict[tuple[str, str, str, str], tuple[set[object], set[object]]] = defaultdict(
        lambda: (set(), set()))
    for effect, exposure in by_property[K.effectOfExposure].items():
        drug = drug_of.get(exposure)
        patient = by_property[K.effectInPatient].get(effect)
        target = by_property[K.affects].get(effect)
        direction = by_property[K.hasDirection].get(effect)
        if drug is None or patient is None or target is None or direction is None:
            continue  # an incomplete effect is SHACL's to report, not counted here
        if effect in derived and effect not in patient_level:
            continue  # a pairwise window: detail of its patient-level effect
        kind = "derived" if effect in derived else "stated"
        effects, patients = groups[(str(drug), str(target), str(direction), kind)]
        effects.add((patient, exposure))
        patients.add(patient)
    return {key: (len(e), len(p), 1) for key, (e, p) in groups.items()}


def class_counts(triples: Iterable[tuple[object, object, object]]) -> ClassCounts:
    """Count the distinct individuals of each kgcase class typed in ``triples``."""
    members: dict[str, set[object]] = defaultdict(set)
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef) and o.startswith(KG):
            members[str(o)].add(s)
    return {cls: len(individuals) for cls, individuals in members.items()}


def drug_counts(triples: Iterable[Triple]) -> DrugCounts:
    """Count, per drug, the exposures some patient has and those patients."""
    drugs_of: dict[object, set[object]] = defaultdict(set)
    patients_of: dict[object, set[object]] = defaultdict(set)
    for s, p, o in triples:
        if p == K.exposureDrug:
            drugs_of[s].add(o)
        elif p == K.hasDrugExposure:
            patients_of[o].add(s)
    exposures: dict[str, set[object]] = defaultdict(set)
    patients: dict[str, set[object]] = defaultdict(set)
    for exposure, drugs in drugs_of.items():
        if exposure in patients_of:
            for drug in drugs:
                exposures[str(drug)].add(exposure)
                patients[str(drug)] |= patients_of[exposure]
    return {drug: (len(exposures[drug]), len(patients[drug])) for drug in exposures}


def add_counts(total: dict[Any, Any], counts: Mapping[Any, Any]) -> None:
    """Add one case report's counts to ``total``: effect, class or drug counts (numbers or
    equal-length tuples of numbers)."""
    for key, value in counts.items():
        if isinstance(value, int):
            total[key] = total.get(key, 0) + value
        else:
            old = total.get(key, (0,) * len(value))
            total[key] = tuple(a + b for a, b in zip(old, value, strict=True))


def summaries(total: Counts) -> list[Summary]:
    return [Summary(*key, *total[key]) for key in sorted(total)]


def summary_iri(s: Summary) -> str:
    key = "|".join((s.drug, s.target, s.direction, s.kind))
    return mint("summary", "effect", hashlib.sha256(key.encode()).hexdigest()[:16])


def summary_quads(items: list[Summary], graph: str,
                  labels: Mapping[str, str] | None = None) -> Iterator[ox.Quad]:
    """The summaries as quads in ``graph``: one :data:`K.EffectSummary` node each, labelled
    with the drug, target and direction (``labels``: IRI → label, e.g. the ontology's)."""
    labels = labels or {}
    g = ox.NamedNode(graph)
    for s in items:
        node = ox.NamedNode(summary_iri(s))
        named = ", ".join(_label(labels, i) for i in (s.drug, s.target, s.direction))
        yield from _count_node(
            node, K.EffectSummary, f"effect summary: {named} ({s.kind})", g,
            links=((K.summarisesDrug, s.drug), (K.summarisesTarget, s.target),
                   (K.summarisesDirection, s.direction)),
            counts=((K.effectCount, s.effects), (K.patientCount, s.patients),
                    (K.caseReportCount, s.cases)))
        yield ox.Quad(node, ox.NamedNode(str(K.effectKind)), ox.Literal(s.kind), g)


def count_quads(classes: ClassCounts, drugs: DrugCounts, graph: str,
                labels: Mapping[str, str] | None = None) -> Iterator[ox.Quad]:
    """The class and drug exposure counts as quads in ``graph``: one :data:`K.ClassCount` or
    :data:`K.DrugExposureCount` node each, labelled with the class or drug."""
    labels = labels or {}
    g = ox.NamedNode(graph)
    for cls in sorted(classes):
        yield from _count_node(
            _keyed_node("class", cls), K.ClassCount, f"class count: {_label(labels, cls)}", g,
            links=((K.countsClass, cls),), counts=((K.instanceCount, classes[cls]),))
    for drug in sorted(drugs):
        exposures, patients = drugs[drug]
        yield from _count_node(
            _keyed_node("drug", drug), K.DrugExposureCount,
            f"drug exposure count: {_label(labels, drug)}", g,
            links=((K.countsExposuresTo, drug),),
            counts=((K.exposureCount, exposures), (K.exposedPatientCount, patients)))


def _count_node(node: ox.NamedNode, cls: URIRef, label: str, graph: ox.NamedNode, *,
                links: Iterable[tuple[URIRef, str]],
                counts: Iterable[tuple[URIRef, int]]) -> Iterator[ox.Quad]:
    """One stored count: its type, label, the IRIs it counts for and its integer counts."""
    yield ox.Quad(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls)), graph)
    yield ox.Quad(node, ox.NamedNode(str(RDFS.label)), ox.Literal(label), graph)
    for prop, iri in links:
        yield ox.Quad(node, ox.NamedNode(str(prop)), ox.NamedNode(iri), graph)
    integer = ox.NamedNode(str(XSD.integer))
    for prop, n in counts:
        yield ox.Quad(node, ox.NamedNode(str(prop)), ox.Literal(str(n), datatype=integer), graph)


def _keyed_node(kind: str, iri: str) -> ox.NamedNode:
    return ox.NamedNode(mint("summary", kind, hashlib.sha256(iri.encode()).hexdigest()[:16]))


def _label(labels: Mapping[str, str], iri: str) -> str:
    return labels.get(iri, iri.rsplit("/", 1)[-1])
