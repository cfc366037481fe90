"""Namespaces and the kgcase terms the code refers to by name.

``TERMS`` is the contract between code and ontology: every entry must be declared in
``ontology/kgcase-edit.ttl`` with this IRI, this OWL kind and this label (a test checks it).
The ontology may hold more terms than the code names.
"""

from __future__ import annotations

from typing import Literal as Kind

from rdflib import Namespace, URIRef
from rdflib import namespace as _ns

from kgcase.iris import DEFAULT_BASE, PREFIXES, term


class CachedNamespace:
    """An rdflib namespace whose terms are looked up once: a ``DefinedNamespace`` builds a new
    ``URIRef`` on every attribute access, which the per-case loops of a build do millions of
    times. ``RDF.type`` etc. are then plain attribute reads."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        value = getattr(self._namespace, name)
        setattr(self, name, value)
        return value

    def __str__(self) -> str:
        return str(self._namespace)


DCTERMS = CachedNamespace(_ns.DCTERMS)
OWL = CachedNamespace(_ns.OWL)
PROV = CachedNamespace(_ns.PROV)
RDF = CachedNamespace(_ns.RDF)
RDFS = CachedNamespace(_ns.RDFS)
SKOS = CachedNamespace(_ns.SKOS)
XSD = CachedNamespace(_ns.XSD)


OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
KG = Namespace(DEFAULT_BASE)
IAO_DEFINITION = OBO.IAO_0000115

TermKind = Kind["class", "object", "data", "annotation", "individual"]

# name -> (number, kind, label)
_TABLE: dict[str, tuple[int, TermKind, str]] = {
    # --- core model classes -------------------------------------------------------------
    "CaseReport": (1, "class", "case report"),
    "Patient": (2, "class", "patient"),
    "Diagnosis": (3, "class", "diagnosis"),
    "DrugExposure": (4, "class", "drug exposure"),
    "TimePoint": (5, "class", "time point"),
    "Measurement": (6, "class", "measurement"),
    "ObservedEffect": (7, "class", "observed effect"),
    "StatedEffect": (8, "class", "stated effect"),
    "DerivedEffect": (9, "class", "derived effect"),
    "LiteratureClaim": (10, "class", "literature claim"),
    "Hypothesis": (11, "class", "hypothesis"),
    "TextExcerpt": (12, "class", "text excerpt"),
    "TableCell": (13, "class", "table cell"),
    "EffectDirection": (14, "class", "effect direction"),
    "CertaintyLevel": (15, "class", "certainty level"),
    "CurationNote": (16, "class", "curation note"),
    "FindingOccurrence": (17, "class", "finding occurrence"),
    "DiagnosticCriteria": (18, "class", "diagnostic criteria"),
    "DiseaseActivityCategory": (19, "class", "disease activity category"),
    "Drug": (20, "class", "drug"),
    "Protein": (22, "class", "protein"),
    "SignallingPathway": (23, "class", "signalling pathway"),
    "LaboratoryTest": (24, "class", "laboratory test"),
    "ClinicalAssessment": (25, "class", "clinical assessment"),
    "QualitativeResult": (26, "class", "qualitative result"),
    "ReferenceStatus": (27, "class", "reference status"),
    "RegulatoryApproval": (28, "class", "regulatory approval"),
    "CJADASMeasurement": (30, "class", "cJADAS measurement"),
    "InactiveDiseaseMeasurement": (31, "class", "inactive disease cJADAS measurement"),
    "LowActivityMeasurement": (32, "class", "low disease activity cJADAS measurement"),
    "ModerateActivityMeasurement": (33, "class", "moderate disease activity cJADAS measurement"),
    "HighActivityMeasurement": (34, "class", "high disease activity cJADAS measurement"),
    "IL6PathwayInhibitor": (40, "class", "IL-6 pathway inhibitor"),
    "IL6ReceptorBlocker": (41, "class", "IL-6 receptor blocking agent"),
    "TNFInhibitor": (42, "class", "TNF inhibitor"),
    "TransSignallingInhibitor": (43, "class", "IL-6 trans-signalling inhibitor"),
    "ClassicSignallingInhibitor": (44, "class", "IL-6 classic signalling inhibitor"),
    "MonoclonalAntibody": (45, "class", "monoclonal antibody drug"),
    "HumanisedMonoclonalAntibody": (46, "class", "humanised monoclonal antibody drug"),
    "EffectSummary": (50, "class", "effect summary"),
    "ClassCount": (51, "class", "class count"),
    "DrugExposureCount": (52, "class", "drug exposure count"),
    "RangeCourse": (68, "class", "reference range course"),
    "PatientLevelEffect": (69, "class", "patient-level effect"),
    "ValueNotReported": (70, "class", "value not reported"),
    "ExposureStop": (71, "class", "exposure stop"),
    "Approval": (72, "class", "approval of a drug for an indication in a region"),
    "GeographicRegion": (73, "class", "geographic region"),
    # --- domain classes -------------------------------------------------------------------
    "Tocilizumab": (100, "class", "tocilizumab"),
    "Etanercept": (101, "class", "etanercept"),
    "Adalimumab": (102, "class", "adalimumab"),
    "MycophenolateMofetil": (103, "class", "mycophenolate mofetil"),
    "NSAID": (104, "class", "non-steroidal anti-inflammatory drug"),
    "IL6": (110, "class", "interleukin-6"),
    "IL6R": (111, "class", "interleukin-6 receptor subunit alpha"),
    "MembraneIL6R": (112, "class", "membrane-bound interleukin-6 receptor"),
    "SolubleIL6R": (113, "class", "soluble interleukin-6 receptor"),
    "GP130": (114, "class", "glycoprotein 130"),
    "IL6SolubleIL6RComplex": (115, "class", "IL-6/soluble IL-6 receptor complex"),
    "TNF": (116, "class", "tumour necrosis factor"),
    "ClassicSignalling": (120, "class", "IL-6 classic signalling pathway"),
    "TransSignalling": (121, "class", "IL-6 trans-signalling pathway"),
    "IL6RPositiveCell": (122, "class", "IL-6 receptor-bearing cell"),
    "IL6RNegativeCell": (123, "class", "IL-6 receptor-negative cell"),
    "PaediatricOnsetMCTD": (130, "class", "paediatric-onset mixed connective tissue disease"),
    "HaemoglobinTest": (140, "class", "haemoglobin concentration test"),
    "WhiteCellCountTest": (141, "class", "white cell count"),
    "LymphocyteCountTest": (142, "class", "lymphocyte count"),
    "PlateletCountTest": (143, "class", "platelet count"),
    "CRPTest": (144, "class", "C-reactive protein test"),
    "ASATTest": (145, "class", "aspartate aminotransferase test"),
    "ALATTest": (146, "class", "alanine aminotransferase test"),
    "CKTest": (147, "class", "creatine kinase test"),
    "ANATest": (148, "class", "antinuclear antibody titre"),
    "AntiDsDNATest": (149, "class", "anti-dsDNA antibody test (Farr radioimmunoassay)"),
    "AntiSSATest": (150, "class", "anti-SSA/Ro 60 kDa antibody test"),
    "AntiU1RNPTest": (151, "class", "anti-U1 RNP antibody test"),
    "CryoglobulinTest": (152, "class", "cryoglobulin test"),
    "AntiglobulinTest": (153, "class", "direct antiglobulin test"),
    "AgeObservation": (154, "class", "age observation"),
    "CJADAS": (155, "class", "clinical juvenile arthritis disease activity score"),
    "AutoantibodyTest": (156, "class", "autoantibody test"),
    # --- individuals -------------------------------------------------------------------------
    "KasukawaCriteria": (
        160,
        "individual",
        "Kasukawa criteria for mixed connective tissue disease",
    ),
    "ILARCriteria": (161, "individual", "ILAR classification of juvenile idiopathic arthritis"),
    "Improved": (170, "individual", "improved"),
    "Resolved": (171, "individual", "resolved"),
    "Increased": (172, "individual", "increased"),
    "Decreased": (173, "individual", "decreased"),
    "Appeared": (174, "individual", "appeared"),
    "Unchanged": (175, "individual", "unchanged"),
    "Indeterminate": (176, "individual", "indeterminate"),
    "Worsened": (177, "individual", "worsened"),
    "Certain": (180, "individual", "certain"),
    "Probable": (181, "individual", "probable"),
    "Uncertain": (182, "individual", "uncertain"),
    "InactiveDisease": (185, "individual", "inactive disease"),
    "LowDiseaseActivity": (186, "individual", "low disease activity"),
    "ModerateDiseaseActivity": (187, "individual", "moderate disease activity"),
    "HighDiseaseActivity": (188, "individual", "high disease activity"),
    "Normal": (190, "individual", "within reference range"),
    "Abnormal": (191, "individual", "outside reference range"),
    "Positive": (192, "individual", "positive"),
    "Negative": (193, "individual", "negative"),
    "MovedOutOfRange": (250, "individual", "moved out of range"),
    "MovedIntoRange": (251, "individual", "moved back into range"),
    "ChangedWithinRange": (252, "individual", "changed within range"),
    "StayedWithinRange": (253, "individual", "stayed within range"),
    "StayedOutsideRange": (254, "individual", "stayed outside range"),
    "StayedBeyondLimit": (255, "individual", "stayed beyond the reporting limit"),
    # --- object properties ---------------------------------------------------------------------
    "hasPatient": (1001, "object", "has patient"),
    "hasDiagnosis": (1002, "object", "has diagnosis"),
    "diagnosedDisease": (1003, "object", "diagnosed disease"),
    "meetsCriteria": (1004, "object", "meets criteria"),
    "hasComponentDisease": (1005, "object", "has component disease"),
    "hasDrugExposure": (1006, "object", "has drug exposure"),
    "exposureDrug": (1007, "object", "exposure drug"),
    "hasIndication": (1008, "object", "has indication"),
    "concomitantWith": (1009, "object", "concomitant with"),
    "startsAt": (1010, "object", "starts at"),
    "endsAt": (1011, "object", "ends at"),
    "hasMeasurement": (1012, "object", "has measurement"),
    "measuredEntity": (1013, "object", "measured entity"),
    "atTimePoint": (1014, "object", "at time point"),
    "hasQualitativeResult": (1015, "object", "has qualitative result"),
    "hasReferenceStatus": (1016, "object", "has reference status"),
    "hasFinding": (1017, "object", "has finding"),
    "findingPhenotype": (1018, "object", "finding phenotype"),
    "effectOfExposure": (1019, "object", "effect of exposure"),
    "affects": (1020, "object", "affects"),
    "effectInPatient": (1021, "object", "effect in patient"),
    "hasDirection": (1022, "object", "has direction"),
    "fromTimePoint": (1023, "object", "from time point"),
    "toTimePoint": (1024, "object", "to time point"),
    "basedOnMeasurement": (1025, "object", "based on measurement"),
    "hasCertainty": (1026, "object", "has certainty"),
    "claimSubject": (1027, "object", "claim subject"),
    "claimObject": (1028, "object", "claim object"),
    "claimDirection": (1029, "object", "claim direction"),
    "hypothesisConcerns": (1030, "object", "hypothesis concerns"),
    "inhibitsPathway": (1031, "object", "inhibits pathway"),
    "occursInCellType": (1034, "object", "occurs in cell type"),
    "hasOverlappingFeaturesOf": (1035, "object", "has overlapping features of"),
    "approvedDrug": (1037, "object", "approved drug"),
    "approvedIndication": (1038, "object", "approved indication"),
    "describedIn": (1040, "object", "described in"),
    "assessesPhenotype": (1041, "object", "assesses phenotype"),
    "indicatesActivity": (1042, "object", "indicates disease activity"),
    "hasCurationNote": (1043, "object", "has curation note"),
    "concernsFact": (1044, "object", "concerns fact"),
    "targetsPathwayVia": (1045, "object", "targets pathway via participant"),
    "hasTimePoint": (1046, "object", "has time point"),
    "relativeTo": (1047, "object", "relative to"),
    "claimAbout": (1048, "object", "claim about"),
    "summarisesDrug": (1049, "object", "summarises drug"),
    "summarisesTarget": (1050, "object", "summarises target"),
    "summarisesDirection": (1051, "object", "summarises direction"),
    "countsClass": (1052, "object", "counts class"),
    "countsExposuresTo": (1053, "object", "counts exposures to"),
    "hasRangeCourse": (1250, "object", "has range course"),
    "extremeMeasurement": (1251, "object", "extreme measurement"),
    "summarisesObservation": (1252, "object", "summarises observation"),
    "hasValueNotReported": (1253, "object", "has value not reported"),
    "hasStop": (1254, "object", "has stop"),
    "endsBefore": (1255, "object", "ends before"),
    "notReportedTest": (1256, "object", "test not reported"),
    "inRegion": (1257, "object", "in region"),
    "restsOn": (1258, "object", "rests on"),
    "hasApproval": (1259, "object", "has approval"),
    # --- data properties -------------------------------------------------------------------------
    "numericValue": (2001, "data", "numeric value"),
    "comparator": (2002, "data", "comparator"),
    "reportedValue": (2003, "data", "reported value"),
    "unit": (2004, "data", "unit (UCUM)"),
    "unitAsPrinted": (2005, "data", "unit as printed"),
    "titreDenominator": (2006, "data", "titre denominator"),
    "monthsFromIndex": (2007, "data", "months from index"),
    "ageYears": (2008, "data", "age in years"),
    "doseValue": (2009, "data", "dose value"),
    "doseUnit": (2010, "data", "dose unit"),
    "intervalValue": (2011, "data", "dosing interval value"),
    "intervalUnit": (2012, "data", "dosing interval unit"),
    "referenceRange": (2013, "data", "reference range"),
    "referenceLower": (2014, "data", "reference lower limit"),
    "referenceUpper": (2015, "data", "reference upper limit"),
    "derivationMethod": (2016, "data", "derivation method"),
    "relativeChange": (2017, "data", "relative change"),
    "tableRow": (2018, "data", "table row"),
    "tableColumn": (2019, "data", "table column"),
    "sectionName": (2020, "data", "section"),
    "tableName": (2021, "data", "table"),
    "citedReference": (2022, "data", "cited reference"),
    "sex": (2023, "data", "sex"),
    "curatorNote": (2024, "data", "curator note"),
    "qualitativeQualifier": (2025, "data", "qualitative qualifier"),
    "caseIdentifier": (2026, "data", "case identifier"),
    "valueBefore": (2027, "data", "value before"),
    "valueAfter": (2028, "data", "value after"),
    "population": (2029, "data", "population"),
    "region": (2030, "data", "region"),
    "isSynthetic": (2031, "data", "is synthetic"),
    "resolution": (2032, "data", "resolution"),
    "quote": (2033, "data", "quote"),
    "doseNote": (2034, "data", "dose note"),
    "effectCount": (2035, "data", "effect count"),
    "patientCount": (2036, "data", "patient count"),
    "caseReportCount": (2037, "data", "case report count"),
    "effectKind": (2038, "data", "effect kind"),
    "instanceCount": (2039, "data", "instance count"),
    "exposureCount": (2040, "data", "exposure count"),
    "exposedPatientCount": (2041, "data", "exposed patient count"),
    "changeRule": (2250, "data", "change rule"),
    "changeThreshold": (2251, "data", "change threshold"),
    "thresholdSource": (2252, "data", "threshold source"),
    "stopReason": (2253, "data", "stop reason"),
}


class _Terms:
    """Attribute access to ``TERMS``: ``K.Tocilizumab`` is a :class:`rdflib.URIRef`."""

    def __init__(self, table: dict[str, tuple[int, TermKind, str]]) -> None:
        for name, (number, _kind, _label) in table.items():
            setattr(self, name, URIRef(term(number)))

    def __getattr__(self, name: str) -> URIRef:  # pragma: no cover - typo guard
        raise AttributeError(f"no kgcase term named {name!r}; add it to vocab._TABLE")


K = _Terms(_TABLE)
TERMS: dict[str, tuple[URIRef, TermKind, str]] = {
    name: (URIRef(term(n)), kind, label) for name, (n, kind, label) in _TABLE.items()
}

# Reused standard terms the code names directly.
RO_MOLECULARLY_INTERACTS_WITH = OBO.RO_0002436
RO_HAS_PARTICIPANT = OBO.RO_0000057
RO_HAS_PHENOTYPE = OBO.RO_0002200

__all__ = [
    "DCTERMS",
    "IAO_DEFINITION",
    "KG",
    "OBO",
    "OBOINOWL",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "TERMS",
    "XSD",
    "K",
]
