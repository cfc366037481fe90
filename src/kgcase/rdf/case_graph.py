"""Turn one validated case (and its derived effects) into an RDF graph. Pure: no I/O, no store.

Instance IRIs are minted from the case file's ids (see :mod:`kgcase.iris`), so rebuilding
gives the same IRIs. Every curated fact links to its evidence with ``prov:wasDerivedFrom``: a
text excerpt (quote + section) or a table cell (table, row, column, printed value).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef

from kgcase.derive import DerivedEffect, reference_status
from kgcase.iris import doi_iri, mint
from kgcase.model.schema import (
    Case,
    CellValue,
    Claim,
    Curated,
    Exposure,
    Measurement,
    Patient,
    Source,
)
from kgcase.values import ReportedValue, parse_range
from kgcase.vocab import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, K

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_CERTAINTY = {"certain": K.Certain, "probable": K.Probable, "uncertain": K.Uncertain}
_DIRECTION = {
    "improved": K.Improved,
    "resolved": K.Resolved,
    "increased": K.Increased,
    "decreased": K.Decreased,
    "appeared": K.Appeared,
    "unchanged": K.Unchanged,
    "indeterminate": K.Indeterminate,
    "worsened": K.Worsened,
}
_STATUS = {"normal": K.Normal, "abnormal": K.Abnormal}
_QUALITATIVE = {"positive": K.Positive, "negative": K.Negative}
_COURSE = {
    "moved out of range": K.MovedOutOfRange,
    "moved back into range": K.MovedIntoRange,
    "changed within range": K.ChangedWithinRange,
    "stayed within range": K.StayedWithinRange,
    "stayed outside range": K.StayedOutsideRange,
    "stayed beyond the reporting limit": K.StayedBeyondLimit,
}


#: Literals already made, by (type, text): units, ranges, certainties, rules and their sources
#: recur across the facts of a report and across reports, and an rdflib ``Literal`` is costly to
#: make (about a fifth of the case graph's time). Cleared when full, so it stays bounded.
_LITERALS: dict[tuple[type, str], Literal] = {}
_LITERAL_CACHE_SIZE = 20_000


class CaseGraphBuilder:
    """Accumulates the triples of one case; ``build()`` returns the graph."""

    def __init__(self, case: Case, labels: Mapping[str, str], *, base: str | None = None) -> None:
        self.case = case
        self.labels = labels
        self.base = base
        self.triples: list[Triple] = []
        self._evidence: set[URIRef] = set()
        self._windows: dict[tuple[str, str, str], list[DerivedEffect]] = {}
        self._printed: set[URIRef] = set()
        self.case_iri = self.iri("case", case.id)

    # -- helpers ---------------------------------------------------------------------------
    def iri(self, *segments: str) -> URIRef:
        return URIRef(mint(*segments, base=self.base))

    def label_of(self, iri: str) -> str:
        return self.labels.get(iri, iri.rsplit("/", 1)[-1])

    def add(
        self,
        s: URIRef,
        p: URIRef,
        o: URIRef | Literal | BNode | str | Decimal | int | None,
    ) -> None:
        if o is None:
            return
        if isinstance(o, (URIRef, Literal, BNode)):
            self.triples.append((s, p, o))
            return
        key = (type(o), str(o))  # str: Decimal("1.0") == Decimal("1.00") but prints apart
        lit = _LITERALS.get(key)
        if lit is None:
            if isinstance(o, bool):
                lit = Literal(o)
            elif isinstance(o, Decimal):
                lit = Literal(o, datatype=XSD.decimal)
            elif isinstance(o, int):
                lit = Literal(o, datatype=XSD.integer)
            else:
                lit = Literal(str(o))
            if len(_LITERALS) >= _LITERAL_CACHE_SIZE:
                _LITERALS.clear()
            _LITERALS[key] = lit
        self.triples.append((s, p, lit))

    def node(self, iri: URIRef, rdf_type: URIRef, label: str) -> URIRef:
        # No ``owl:NamedIndividual`` declaration: OWL 2 does not require one for an
        # individual, and at about 68 a report it was 8.5 % of the quads a build loads.
        self.triples.append((iri, RDF.type, rdf_type))
        self.triples.append((iri, RDFS.label, Literal(label)))
        return iri

    def curated(self, iri: URIRef, item: Curated) -> None:
        self.add(iri, K.hasCertainty, _CERTAINTY[item.certainty])
        self.add(iri, K.curatorNote, item.note)

    def evidence(
        self, fact: URIRef, src: Source, *, column: str | None = None, printed: str | None = None
    ) -> URIRef:
        """Link ``fact`` to its excerpt or table cell (created once per distinct source)."""
        if src.table is not None:
            table = self.case.tables[src.table]
            col = src.column or column
            r = table.rows.index(src.row) if src.row in table.rows else -1
            c = table.columns.index(col) if col in table.columns else -1
            ev = self.iri("case", self.case.id, "table", src.table, f"r{r + 1}c{c + 1}")
            if ev not in self._evidence:
                self._evidence.add(ev)
                self.node(ev, K.TableCell, f"{src.table} · {src.row} · {col or 'all columns'}")
                self.triples.append((ev, RDF.type, PROV.Entity))
                self.add(ev, K.tableName, f"{src.table}: {table.caption}")
                self.add(ev, K.tableRow, src.row)
                self.add(ev, K.tableColumn, col)
                self.add(ev, PROV.wasQuotedFrom, self.case_iri)
            if printed is not None and ev not in self._printed:
                # the cell's printed value, even when a fact that does not print it (a
                # diagnosis read from the cell) reached the cell first
                self._printed.add(ev)
                self.add(ev, PROV.value, printed)
        else:
            digest = hashlib.sha256(f"{src.section}|{src.quote}".encode()).hexdigest()[:12]
            ev = self.iri("case", self.case.id, "excerpt", digest)
            if ev not in self._evidence:
                self._evidence.add(ev)
                short = (src.quote or "")[:60] + ("…" if len(src.quote or "") > 60 else "")
                self.node(ev, K.TextExcerpt, f"“{short}”")
                self.triples.append((ev, RDF.type, PROV.Entity))
                self.add(ev, K.sectionName, src.section)
                self.add(ev, K.quote, src.quote)
                self.add(ev, PROV.value, src.quote)
                self.add(ev, PROV.wasQuotedFrom, self.case_iri)
        self.triples.append((fact, PROV.wasDerivedFrom, ev))
        return ev

    # -- the case ---------------------------------------------------------------------------
    def build(self, derived: Iterable[DerivedEffect] = ()) -> list[Triple]:
        c = self.case
        self.node(self.case_iri, K.CaseReport, c.title)
        self.triples.append((self.case_iri, RDF.type, PROV.Entity))
        self.add(self.case_iri, DCTERMS.title, c.title)
        # a draft may not know its DOI yet: it is then identified by its case id
        ident = f"doi:{c.citation.doi}" if c.citation.doi else f"kgcase-case:{c.id}"
        self.add(self.case_iri, DCTERMS.identifier, ident)
        self.add(self.case_iri, DCTERMS.bibliographicCitation, _citation(c))
        if c.citation.doi:
            self.add(self.case_iri, RDFS.seeAlso, URIRef(doi_iri(c.citation.doi)))
        self.add(self.case_iri, K.caseIdentifier, c.id)
        self.add(self.case_iri, K.isSynthetic, Literal(c.synthetic))
        for p in c.patients:
            self.patient(p)
        derived = list(derived)
        for effect in derived:
            key = (effect.patient_id, effect.exposure_id, effect.measurement_id)
            self._windows.setdefault(key, []).append(effect)
        for effect in derived:
            self.derived_effect(effect)
        for claim in c.claims:
            kind = K.RegulatoryApproval if claim.kind == "approval" else K.LiteratureClaim
            iri = self.node(self.iri("case", c.id, "claim", claim.id), kind, claim.statement)
            if claim.kind == "approval":
                self.triples.append((iri, RDF.type, K.LiteratureClaim))
                self.add(iri, K.approvedDrug, _ref(claim.subject))
                for indication in claim.all_objects():
                    self.add(iri, K.approvedIndication, URIRef(indication))
                self.approvals(iri, claim)
            self.add(iri, K.describedIn, self.case_iri)
            self.add(iri, K.claimSubject, _ref(claim.subject))
            for obj in claim.all_objects():
                self.add(iri, K.claimObject, URIRef(obj))
            for region in claim.regions:
                self.add(iri, K.inRegion, URIRef(region))
            self.add(iri, K.claimDirection, _DIRECTION.get(claim.direction or ""))
            self.add(iri, K.population, claim.population)
            self.add(iri, K.region, claim.region)
            for ref in claim.references:
                self.add(iri, K.citedReference, ref)
            self.curated(iri, claim)
            self.evidence(iri, claim.source)
        for h in c.hypotheses:
            iri = self.node(self.iri("case", c.id, "hypothesis", h.id), K.Hypothesis, h.statement)
            self.add(iri, K.describedIn, self.case_iri)
            for concern in h.concerns:
                self.add(iri, K.hypothesisConcerns, URIRef(concern))
            for ref in h.rests_on:
                parts = ref.split("/")
                self.add(iri, K.restsOn, self.patient_iri(parts[0], "effect", parts[2])
                         if len(parts) == 3 else self.iri("case", c.id, "claim", ref))
            self.curated(iri, h)
            self.evidence(iri, h.source)
        for amb in c.ambiguities:
            iri = self.node(self.iri("case", c.id, "note", amb.id), K.CurationNote, amb.description)
            self.add(self.case_iri, K.hasCurationNote, iri)
            self.add(iri, RDFS.comment, amb.description)
            self.add(iri, K.resolution, amb.resolution)
            self.add(iri, K.hasCertainty, _CERTAINTY[amb.certainty])
            for concern in amb.concerns:
                for target in self.concern_iris(concern):
                    self.add(iri, K.concernsFact, target)
        return self.triples

    def approvals(self, iri: URIRef, claim: Claim) -> None:
        """One (drug, indication, region) fact per indication and region of an approval."""
        for i, indication in enumerate(claim.all_objects()):
            for j, region in enumerate(claim.regions or [None]):
                where = f" in {self.label_of(region)}" if region else ""
                a = self.node(
                    self.iri("case", self.case.id, "claim", claim.id, f"approval-{i}-{j}"),
                    K.Approval, f"{self.label_of(claim.subject or '')} approved for "
                    f"{self.label_of(indication)}{where}")
                self.add(iri, K.hasApproval, a)
                self.add(a, K.approvedDrug, _ref(claim.subject))
                self.add(a, K.approvedIndication, URIRef(indication))
                self.add(a, K.inRegion, _ref(region))
                self.curated(a, claim)
                self.evidence(a, claim.source)

    def patient_iri(self, pid: str, *segments: str) -> URIRef:
        """The IRI of a patient, or of something under it (``exposure/tcz``)."""
        return self.iri("case", self.case.id, "patient", pid, *segments)

    def concern_iris(self, path: str) -> list[URIRef]:
        parts = path.split("/")
        if len(parts) < 3:
            return [self.patient_iri(parts[0])]
        patient = next(p for p in self.case.patients if p.id == parts[0])
        if parts[1] == "measurements":
            m = next(x for x in patient.measurements if x.id == parts[2])
            return [
                self.iri("case", self.case.id, "patient", parts[0],
                         "measurement" if v is not None else "missing", m.id, t)
                for t, v in m.values.items()
                if len(parts) < 4 or t == parts[3]
            ] or [self.patient_iri(parts[0])]
        kind = {
            "exposures": "exposure",
            "diagnoses": "diagnosis",
            "findings": "finding",
            "effects": "effect",
            "time_points": "time",
        }[parts[1]]
        return [self.iri("case", self.case.id, "patient", parts[0], kind, parts[2])]

    def patient(self, p: Patient) -> None:
        cid = self.case.id
        piri = self.node(self.patient_iri(p.id), K.Patient, f"{p.label} ({cid})")
        self.add(self.case_iri, K.hasPatient, piri)
        self.add(piri, K.describedIn, self.case_iri)
        self.add(piri, K.sex, p.sex)

        def sub(*segments: str) -> URIRef:
            return self.patient_iri(p.id, *segments)

        for t in p.time_points:
            tiri = self.node(sub("time", t.id), K.TimePoint, f"{t.label} ({p.label})")
            self.add(piri, K.hasTimePoint, tiri)
            self.add(tiri, K.monthsFromIndex, t.months)
            self.add(tiri, K.ageYears, t.age)
            if t.relative_to:
                self.add(tiri, K.relativeTo, sub("exposure", t.relative_to))
        for d in p.diagnoses:
            diri = self.node(
                sub("diagnosis", d.id), K.Diagnosis, f"{self.label_of(d.disease)} ({p.label})"
            )
            self.add(piri, K.hasDiagnosis, diri)
            self.add(diri, K.diagnosedDisease, URIRef(d.disease))
            self.add(diri, K.ageYears, d.age)
            self.add(diri, K.meetsCriteria, _ref(d.criteria))
            for comp in d.components:
                self.add(diri, K.hasComponentDisease, URIRef(comp))
            self.curated(diri, d)
            self.evidence(diri, d.source)
        for f in p.findings:
            if f.absent:  # never asserted as present; the graph has no absence term yet
                continue
            firi = self.node(
                sub("finding", f.id),
                K.FindingOccurrence,
                f"{self.label_of(f.phenotype)} ({p.label})",
            )
            self.add(piri, K.hasFinding, firi)
            self.add(firi, K.findingPhenotype, URIRef(f.phenotype))
            self.add(firi, K.ageYears, f.age)
            if f.time_point:
                self.add(firi, K.atTimePoint, sub("time", f.time_point))
            self.curated(firi, f)
            self.evidence(firi, f.source)
        for e in p.exposures:
            self.exposure(p, e)
        for m in p.measurements:
            self.measurement(p, m)
        for eff in p.effects:
            eiri = self.node(
                sub("effect", eff.id),
                K.StatedEffect,
                f"{self.label_of(_drug_of(p, eff.exposure))} → "
                f"{self.label_of(eff.target)}: {eff.direction} ({p.label})",
            )
            self.triples.append((eiri, RDF.type, K.ObservedEffect))
            self.add(eiri, K.effectOfExposure, sub("exposure", eff.exposure))
            self.add(eiri, K.effectInPatient, piri)
            self.add(eiri, K.affects, URIRef(eff.target))
            self.add(eiri, K.hasDirection, _DIRECTION[eff.direction])
            if eff.from_:
                self.add(eiri, K.fromTimePoint, sub("time", eff.from_))
            if eff.to:
                self.add(eiri, K.toTimePoint, sub("time", eff.to))
            self.add(eiri, RDFS.comment, eff.window_note)
            self.curated(eiri, eff)
            self.evidence(eiri, eff.source)
            for more in eff.also:
                self.evidence(eiri, more)

    def exposure(self, p: Patient, e: Exposure) -> None:
        dose = f" {e.dose.value} {e.dose.unit}" if e.dose else ""
        every = f" every {e.interval.value} {e.interval.unit}" if e.interval else ""
        eiri = self.node(
            self.patient_iri(p.id, "exposure", e.id),
            K.DrugExposure,
            f"{self.label_of(e.drug)}{dose}{every} ({p.label})",
        )
        self.add(self.patient_iri(p.id), K.hasDrugExposure, eiri)
        self.add(eiri, K.exposureDrug, URIRef(e.drug))
        if e.dose:
            self.add(eiri, K.doseValue, e.dose.value)
            self.add(eiri, K.doseUnit, e.dose.unit)
        if e.interval:
            self.add(eiri, K.intervalValue, e.interval.value)
            self.add(eiri, K.intervalUnit, e.interval.unit)
        self.add(eiri, K.doseNote, e.dose_note)
        self.add(eiri, K.ageYears, e.start_age)
        if e.start:
            self.add(eiri, K.startsAt, self.patient_iri(p.id, "time", e.start))
        if e.end:
            self.add(eiri, K.endsAt, self.patient_iri(p.id, "time", e.end))
        if e.end_before:
            self.add(eiri, K.endsBefore, self.patient_iri(p.id, "time", e.end_before))
        if e.end or e.end_before:
            self.stop(p, e, eiri)
        for ind in e.indication:
            self.add(eiri, K.hasIndication, URIRef(ind))
        for other in e.concomitant:
            self.add(eiri, K.concomitantWith, self.patient_iri(p.id, "exposure", other))
        self.curated(eiri, e)
        self.evidence(eiri, e.source)

    def stop(self, p: Patient, e: Exposure, eiri: URIRef) -> None:
        """The exposure's stop as an event: when (at, or at or before, a time point), with its
        own sentence, certainty and reason (the exposure's when the report gives none)."""
        when = f"at {e.end}" if e.end else f"at an unknown time at or before {e.end_before}"
        siri = self.node(self.patient_iri(p.id, "exposure", e.id, "stop"), K.ExposureStop,
                         f"{self.label_of(e.drug)} stopped {when} ({p.label})")
        self.add(eiri, K.hasStop, siri)
        if e.end:
            self.add(siri, K.atTimePoint, self.patient_iri(p.id, "time", e.end))
        else:
            self.add(siri, K.endsBefore, self.patient_iri(p.id, "time", e.end_before or ""))
        self.add(siri, K.stopReason, e.end_reason)
        self.add(siri, K.hasCertainty, _CERTAINTY[e.end_certainty or e.certainty])
        self.evidence(siri, e.end_source or e.source)

    def measurement(self, p: Patient, m: Measurement) -> None:
        columns = {t.id: t.column for t in p.time_points}
        ref = parse_range(m.reference) if m.reference else None
        test_label = self.label_of(m.test)
        for tp, (value, cell) in m.parsed().items():
            miri = self.node(
                self.patient_iri(p.id, "measurement", m.id, tp),
                K.Measurement,
                f"{test_label} at {tp}: {value.text}"
                f"{' ' + m.unit if m.unit and value.kind == 'numeric' else ''}"
                f" ({p.label})",
            )
            if m.test == str(K.CJADAS):
                self.triples.append((miri, RDF.type, K.CJADASMeasurement))
            self.add(self.patient_iri(p.id), K.hasMeasurement, miri)
            self.add(miri, K.measuredEntity, URIRef(m.test))
            self.add(miri, K.atTimePoint, self.patient_iri(p.id, "time", tp))
            self.value(miri, value)
            if value.kind == "numeric":
                self.add(miri, K.unit, m.unit)
                self.add(miri, K.unitAsPrinted, m.unit_as_printed)
            if ref is not None:
                self.add(miri, K.referenceRange, ref.text)
                self.add(miri, K.referenceLower, ref.lower)
                self.add(miri, K.referenceUpper, ref.upper)
            status = reference_status(value, ref)
            self.add(miri, K.hasReferenceStatus, _STATUS.get(status or ""))
            self.curated(miri, cell if isinstance(cell, CellValue) else m)
            if isinstance(cell, CellValue) and m.note:
                self.add(miri, K.curatorNote, m.note)
            self.evidence(miri, m.source, column=columns.get(tp), printed=value.text)
        for tp, cell in m.values.items():
            if cell is None:
                self.not_reported(p, m, tp, columns.get(tp))

    def not_reported(self, p: Patient, m: Measurement, tp: str, column: str | None) -> None:
        """A blank cell: recorded as a value not reported, with the note that explains it."""
        iri = self.node(
            self.patient_iri(p.id, "missing", m.id, tp), K.ValueNotReported,
            f"{self.label_of(m.test)} at {tp}: not reported ({p.label})")
        self.add(self.patient_iri(p.id), K.hasValueNotReported, iri)
        self.add(iri, K.notReportedTest, URIRef(m.test))
        self.add(iri, K.atTimePoint, self.patient_iri(p.id, "time", tp))
        self.add(iri, K.curatorNote, m.note)
        self.evidence(iri, m.source, column=column)

    def value(self, iri: URIRef, v: ReportedValue) -> None:
        self.add(iri, K.reportedValue, v.text)
        if v.kind == "numeric":
            self.add(iri, K.numericValue, v.number)
            if v.censored:
                self.add(iri, K.comparator, v.comparator)
        elif v.kind == "titre":
            self.add(iri, K.titreDenominator, int(v.number or 0))
        else:
            self.add(iri, K.hasQualitativeResult, _QUALITATIVE[v.qualitative or "negative"])
            self.add(iri, K.qualitativeQualifier, v.qualifier)

    def derived_effect(self, d: DerivedEffect) -> None:
        def sub(*segments: str) -> URIRef:
            return self.patient_iri(d.patient_id, *segments)

        patient = next(p for p in self.case.patients if p.id == d.patient_id)
        m = next(x for x in patient.measurements if x.id == d.measurement_id)
        iri = sub("derived", d.measurement_id, f"{d.from_tp}-{d.to_tp}")
        verdict = d.direction + (f", {d.range_course}" if d.range_course else "")
        # An arrow, never "=": the values are printed as they are, unequal or not.
        self.node(
            iri,
            K.DerivedEffect,
            f"{self.label_of(_drug_of(patient, d.exposure_id))} → {self.label_of(m.test)}: "
            f"{verdict}, {d.before.text} → {d.after.text} "
            f"({d.from_tp}→{d.to_tp}, {patient.label})",
        )
        self.triples.append((iri, RDF.type, K.ObservedEffect))
        self.add(iri, K.effectOfExposure, sub("exposure", d.exposure_id))
        self.add(iri, K.effectInPatient, self.patient_iri(d.patient_id))
        self.add(iri, K.affects, URIRef(m.test))
        self.add(iri, K.hasDirection, _DIRECTION[d.direction])
        self.add(iri, K.hasRangeCourse, _COURSE.get(d.range_course or ""))
        self.add(iri, K.fromTimePoint, sub("time", d.from_tp))
        self.add(iri, K.toTimePoint, sub("time", d.to_tp))
        self.add(iri, K.valueBefore, d.before.text)
        self.add(iri, K.valueAfter, d.after.text)
        self.add(iri, K.relativeChange, d.relative_change)
        if d.rule is not None:
            self.add(iri, K.changeRule, d.rule.rule)
            self.add(iri, K.changeThreshold, d.rule.threshold)
            self.add(iri, K.thresholdSource, d.rule.source)
        method = d.method
        if d.concomitant:
            method += f" Concomitant exposures over the window: {', '.join(d.concomitant)}."
        self.add(iri, K.derivationMethod, method)
        for tp in (d.from_tp, d.to_tp):
            source = sub("measurement", d.measurement_id, tp)
            self.add(iri, K.basedOnMeasurement, source)
            self.add(iri, PROV.wasDerivedFrom, source)
        if d.patient_level:
            self.patient_level(d, iri, patient, m.test)

    def patient_level(self, d: DerivedEffect, iri: URIRef, patient: Patient, test: str) -> None:
        """Mark the first → last effect as the patient's one observation of this target under
        this exposure: it links the pairwise windows and the authors' statements on the same
        patient, exposure and target, and keeps their evidence."""
        self.triples.append((iri, RDF.type, K.PatientLevelEffect))
        if d.extreme_tp is not None:
            self.add(iri, K.extremeMeasurement,
                     self.patient_iri(d.patient_id, "measurement", d.measurement_id,
                                      d.extreme_tp))
        for w in self._windows.get((d.patient_id, d.exposure_id, d.measurement_id), ()):
            if w is not d:
                self.add(iri, K.summarisesObservation, self.patient_iri(
                    d.patient_id, "derived", d.measurement_id, f"{w.from_tp}-{w.to_tp}"))
        for stated in patient.effects:
            if stated.exposure == d.exposure_id and stated.target == test:
                self.add(iri, K.summarisesObservation,
                         self.patient_iri(d.patient_id, "effect", stated.id))
                for src in (stated.source, *stated.also):
                    self.evidence(iri, src)


def _ref(value: str | None) -> URIRef | None:
    return URIRef(value) if value else None


def _drug_of(p: Patient, exposure_id: str) -> str:
    return next(e.drug for e in p.exposures if e.id == exposure_id)


def _citation(c: Case) -> str:
    ct = c.citation
    authors = ", ".join(ct.authors)
    if ct.doi is None:
        parts = [authors, ct.title, ct.journal, str(ct.year) if ct.year else None]
        return ". ".join(p for p in parts if p) + "."
    return f"{authors}. {ct.title}. {ct.journal} {ct.year};{ct.volume}:{ct.article}. doi:{ct.doi}"


def case_to_graph(
    case: Case,
    derived: Iterable[DerivedEffect],
    labels: Mapping[str, str],
    *,
    base: str | None = None,
) -> Graph:
    """Build the RDF graph of one case; ``labels`` maps term IRIs to labels for readable names."""
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in case_to_triples(case, derived, labels, base=base))
    return graph


def case_to_triples(
    case: Case,
    derived: Iterable[DerivedEffect],
    labels: Mapping[str, str],
    *,
    base: str | None = None,
) -> list[Triple]:
    """The triples of one case, without building a graph (the fast path for large builds)."""
    return CaseGraphBuilder(case, labels, base=base).build(derived)


__all__ = ["SKOS", "case_to_graph"]
