"""What the synthetic corpus draws from: terms, lab tests, drugs and their effect probabilities.

Every term here must resolve in the ontology (``tests/unit/test_synth.py`` checks it). The
effect table is the generator's model of the domain: it decides how often each index drug
raises or lowers each test, so aggregate queries over a corpus have answers worth asking.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- diseases -------------------------------------------------------------------------------
MCTD, PMCTD = "MONDO:0005854", "KGCASE:0000130"
JIA, POLY_JIA, RFNEG_JIA = "MONDO:0011429", "MONDO:0018456", "MONDO:0019432"
SLE, PSLE, JDM = "MONDO:0007915", "MONDO:0019725", "MONDO:0008054"
SSC, SJOGREN, OVERLAP = "MONDO:0005100", "MONDO:0010030", "MONDO:0016663"
KASUKAWA = "Kasukawa criteria for mixed connective tissue disease"
ILAR = "ILAR classification of juvenile idiopathic arthritis"

# --- phenotypes -----------------------------------------------------------------------------
ARTHRITIS, POLYARTHRITIS, RAYNAUD = "HP:0001369", "HP:0005764", "HP:0030880"
PUFFY_HANDS, SCLERODACTYLY, HEPATITIS = "HP:0007514", "HP:0011838", "HP:0012115"
SICCA, CRYO, DAT, DSDNA_POS = "HP:0001097", "HP:0100778", "HP:0032366", "HP:0020151"


@dataclass(frozen=True)
class Disease:
    slug: str  # the diagnosis id
    curie: str
    name: str  # as a report would write it in running text
    weight: float
    criteria: str | None
    findings: tuple[tuple[str, float], ...]  # (phenotype, probability)
    index_drugs: tuple[tuple[str, float], ...]  # (drug key, weight)
    adult_ok: bool = False


_JOINTS = ((POLYARTHRITIS, 0.8), (ARTHRITIS, 0.15))
_MCTD_F = ((RAYNAUD, 0.85), (POLYARTHRITIS, 0.7), (PUFFY_HANDS, 0.45), (SCLERODACTYLY, 0.25))
_MCTD_D = (("tcz", 5), ("mmf", 2), ("mtx", 2), ("ada", 1))
_JIA_D = (("tcz", 4), ("etn", 3), ("ada", 3), ("mtx", 2))
_SLE_F = ((DSDNA_POS, 0.8), (ARTHRITIS, 0.5), (RAYNAUD, 0.3), (DAT, 0.2), (HEPATITIS, 0.1))
_SLE_D = (("mmf", 5), ("tcz", 2), ("mtx", 1))

DISEASES: tuple[Disease, ...] = (
    Disease("mctd", MCTD, "mixed connective tissue disease", 0.13, KASUKAWA, _MCTD_F, _MCTD_D,
            adult_ok=True),
    Disease("pmctd", PMCTD, "paediatric-onset mixed connective tissue disease", 0.15, KASUKAWA,
            _MCTD_F, _MCTD_D),
    Disease("jia", JIA, "juvenile idiopathic arthritis", 0.08, ILAR, _JOINTS, _JIA_D),
    Disease("poly-jia", POLY_JIA, "polyarticular juvenile idiopathic arthritis", 0.1, ILAR,
            _JOINTS, _JIA_D),
    Disease("rfneg-jia", RFNEG_JIA, "rheumatoid factor-negative juvenile idiopathic arthritis",
            0.1, ILAR, _JOINTS, _JIA_D),
    Disease("sle", SLE, "systemic lupus erythematosus", 0.08, None, _SLE_F, _SLE_D,
            adult_ok=True),
    Disease("psle", PSLE, "paediatric systemic lupus erythematosus", 0.1, None, _SLE_F, _SLE_D),
    Disease("jdm", JDM, "juvenile dermatomyositis", 0.07, None,
            ((ARTHRITIS, 0.3), (RAYNAUD, 0.2)), (("mtx", 4), ("mmf", 2), ("tcz", 2))),
    Disease("ssc", SSC, "systemic sclerosis", 0.05, None,
            ((RAYNAUD, 0.95), (SCLERODACTYLY, 0.8)), (("tcz", 3), ("mmf", 3), ("mtx", 1)),
            adult_ok=True),
    Disease("sjogren", SJOGREN, "Sjogren syndrome", 0.05, None,
            ((SICCA, 0.9), (ARTHRITIS, 0.3), (CRYO, 0.2)), (("mmf", 2), ("tcz", 1), ("mtx", 1)),
            adult_ok=True),
    Disease("overlap", OVERLAP, "overlap syndrome", 0.07, None, (*_MCTD_F, (HEPATITIS, 0.2)),
            (("tcz", 4), ("mmf", 2), ("ada", 1))),
)
OVERLAP_COMPONENTS = (JDM, SSC, SLE, SJOGREN)
#: Diseases that may have been diagnosed years before the index disease.
EARLIER = {MCTD: (RFNEG_JIA, JIA), PMCTD: (RFNEG_JIA, JDM), OVERLAP: (JDM, JIA), PSLE: (JIA,)}


# --- drugs ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Drug:
    key: str  # the exposure id
    names: tuple[str, ...]  # how a case file may write it: label, synonym or CURIE
    prose: str  # in running text
    group: str  # il6 | tnfi | mmf | mtx | other
    doses: tuple[tuple[str, str | None], ...]  # (dose, interval)


DRUGS: dict[str, Drug] = {d.key: d for d in (
    Drug("tcz", ("tocilizumab", "TCZ", "KGCASE:0000100"), "tocilizumab", "il6",
         (("8 mg/kg", "4 wk"), ("8 mg/kg", "2 wk"), ("12 mg/kg", "2 wk"), ("162 mg", "1 wk"))),
    Drug("etn", ("etanercept", "KGCASE:0000101"), "etanercept", "tnfi",
         (("0.8 mg/kg", "1 wk"), ("50 mg", "1 wk"), ("0.4 mg/kg", "3.5 d"))),
    Drug("ada", ("adalimumab", "KGCASE:0000102"), "adalimumab", "tnfi",
         (("40 mg", "2 wk"), ("20 mg", "2 wk"), ("24 mg/m2", "2 wk"))),
    Drug("mmf", ("mycophenolate mofetil", "MMF"), "mycophenolate mofetil", "mmf",
         (("600 mg/m2", "12 h"), ("1000 mg", "12 h"), ("500 mg", "12 h"))),
    Drug("mtx", ("methotrexate", "MTX", "CHEBI:44185"), "methotrexate", "mtx",
         (("15 mg/m2", "1 wk"), ("10 mg/m2", "1 wk"), ("0.5 mg/kg", "1 wk"))),
    Drug("steroids", ("corticosteroid", "steroids", "CHEBI:50858"), "steroids", "other",
         (("5 mg/d", None), ("10 mg/d", None), ("1 mg/kg/d", None), ("0.5 mg/kg/d", None))),
    Drug("hcq", ("hydroxychloroquine", "HCQ", "CHEBI:5801"), "hydroxychloroquine", "other",
         (("200 mg/d", None), ("5 mg/kg/d", None))),
    Drug("nsaid", ("non-steroidal anti-inflammatory drug", "NSAID"), "NSAIDs", "other", ()),
)}
PREVIOUS = ("etn", "ada", "mtx", "nsaid", "mmf")
BACKGROUND = ("steroids", "hcq", "mtx")


# --- tests ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabTest:
    key: str  # the measurement id
    curie: str
    name: str  # in running text
    kind: str  # num | titre | qual | age
    row: str  # the table row label as printed
    share: float  # how often a patient has this test measured
    unit: str | None = None
    reference: str | None = None
    lo: float = 0.0  # baseline range
    hi: float = 0.0
    dec: int = 0  # decimals printed
    up: tuple[float, float] = (1.6, 3.0)  # ratio ranges for a rise / a fall
    down: tuple[float, float] = (0.2, 0.6)
    floor: float | None = None  # printed as <floor below it (detection limit)
    cap: float | None = None  # printed as >cap above it (top of the assay range)
    positive: tuple[str, ...] = ("+",)  # qualitative positive forms
    prior: float = 0.3  # qualitative: how often a flat series is positive
    phenotype: str | None = None  # qualitative: a finding present at M0 makes the test positive


TESTS: tuple[LabTest, ...] = (
    LabTest("age", "KGCASE:0000154", "age", "age", "Age (years)", 0.3, unit="a"),
    LabTest("cjadas", "KGCASE:0000155", "cJADAS", "num", "Joint manifestation (cJADAS)", 0.8,
         "{score}", None, 1.5, 28, 1, (1.6, 3.0), (0.0, 0.35)),
    LabTest("raynaud", RAYNAUD, "Raynaud's phenomenon", "qual", "Raynaud's phenomenon", 0.6,
         phenotype=RAYNAUD),
    LabTest("hb", "KGCASE:0000140", "haemoglobin", "num", "Hb (g/L)", 0.6, "g/L", "110-150",
         75, 140, 0, (1.25, 1.5), (0.62, 0.78)),
    LabTest("wcc", "KGCASE:0000141", "white cell count", "num", "WCC", 0.6, "10*9/L",
         "4.0-11.0", 2.5, 14, 2, (1.6, 2.2), (0.35, 0.6)),
    LabTest("lymphocytes", "KGCASE:0000142", "lymphocyte count", "num", "Lymphocytes", 0.4,
         "10*9/L", "1.0-4.8", 0.6, 4.5, 2, (1.4, 2.2), (0.35, 0.7)),
    LabTest("platelets", "KGCASE:0000143", "platelet count", "num", "Platelets", 0.5, "10*9/L",
         "150-450", 120, 600, 0, (1.4, 2.0), (0.4, 0.72)),
    LabTest("crp", "KGCASE:0000144", "CRP", "num", "CRP (<5 mg/L)", 1.0, "mg/L", "<5", 2, 90, 1,
         (2.6, 8.0), (0.01, 0.3), floor=0.2),
    LabTest("asat", "KGCASE:0000145", "ASAT", "num", "ASAT (<40 U/L)", 0.55, "U/L", "<40", 14,
         160, 0, (1.8, 5.0), (0.15, 0.6)),
    LabTest("alat", "KGCASE:0000146", "ALAT", "num", "ALAT (<40 U/L)", 0.55, "U/L", "<40", 14,
         160, 0, (1.8, 6.0), (0.15, 0.6)),
    LabTest("ck", "KGCASE:0000147", "CK", "num", "CK (<200 U/L)", 0.3, "U/L", "<200", 40, 1500,
         0, (1.8, 5.0), (0.05, 0.5)),
    LabTest("ana", "KGCASE:0000148", "antinuclear antibodies", "titre", "ANA", 0.6),
    LabTest("dsdna", "KGCASE:0000149", "anti-dsDNA antibodies", "num",
         "dsDNA Ab RIA (Farr assay >7 UI/mL)", 0.75, "[iU]/mL", "<=7", 4, 70, 0, (1.8, 4.0),
         (0.1, 0.5), cap=97),
    LabTest("ssa", "KGCASE:0000150", "anti-SSA antibodies", "qual", "Anti-SSA 60 kDa", 0.35,
         prior=0.25),
    LabTest("u1rnp", "KGCASE:0000151", "anti-U1RNP antibodies", "num", "Anti-U1RNP", 0.45,
         "{unreported}", None, 1.5, 9, 1, (1.6, 3.0), (0.2, 0.6), cap=8),
    LabTest("cryoglobulin", "KGCASE:0000152", "cryoglobulins", "qual", "Cryoglobulinaemia", 0.25,
         positive=("+", "+ (type III)", "+ (type II)", "positive"), prior=0.15, phenotype=CRYO),
)
TEST_BY_KEY = {t.key: t for t in TESTS}

#: (P(rise), P(fall)) of each test under each index drug group; the rest stays flat.
#: For qualitative tests a rise is "appeared" and a fall "resolved"; for cJADAS a fall is
#: "improved". Tocilizumab lowers CRP and cJADAS and often raises liver enzymes and
#: autoantibodies; TNF inhibitors raise anti-dsDNA and ANA; mycophenolate lowers anti-dsDNA.
EFFECTS: dict[str, dict[str, tuple[float, float]]] = {
    "il6": {"crp": (0.02, 0.85), "cjadas": (0.05, 0.8), "dsdna": (0.35, 0.08),
            "ana": (0.25, 0.08), "alat": (0.3, 0.05), "asat": (0.25, 0.05),
            "wcc": (0.05, 0.45), "lymphocytes": (0.05, 0.3), "platelets": (0.05, 0.4),
            "hb": (0.4, 0.05), "cryoglobulin": (0.15, 0.05), "u1rnp": (0.15, 0.2),
            "ck": (0.05, 0.3), "raynaud": (0.05, 0.1)},
    "tnfi": {"crp": (0.05, 0.6), "cjadas": (0.1, 0.65), "dsdna": (0.6, 0.05),
             "ana": (0.45, 0.05), "alat": (0.1, 0.05), "asat": (0.08, 0.05),
             "hb": (0.25, 0.05), "cryoglobulin": (0.1, 0.05), "ssa": (0.1, 0.05)},
    "mmf": {"crp": (0.1, 0.35), "cjadas": (0.15, 0.4), "dsdna": (0.05, 0.45),
            "ana": (0.05, 0.3), "lymphocytes": (0.05, 0.35), "wcc": (0.05, 0.3),
            "u1rnp": (0.05, 0.3)},
    "mtx": {"crp": (0.1, 0.5), "cjadas": (0.1, 0.55), "alat": (0.3, 0.05),
            "asat": (0.25, 0.05), "ck": (0.05, 0.5), "hb": (0.2, 0.05)},
}
DEFAULT_EFFECT = (0.1, 0.1)

#: phenotype -> (finding id, how the text names it)
PHENOTYPES: dict[str, tuple[str, str]] = {
    POLYARTHRITIS: ("polyarthritis", "polyarticular arthritis"),
    ARTHRITIS: ("arthritis", "arthritis"),
    RAYNAUD: ("raynaud", "Raynaud's phenomenon"),
    PUFFY_HANDS: ("puffy-hands", "puffy hands"),
    SCLERODACTYLY: ("sclerodactyly", "sclerodactyly"),
    HEPATITIS: ("hepatitis", "hepatitis"),
    SICCA: ("sicca", "keratoconjunctivitis sicca"),
    CRYO: ("cryo", "cryoglobulinaemia"),
    DAT: ("coombs", "a positive direct antiglobulin test"),
    DSDNA_POS: ("dsdna-positive", "anti-dsDNA antibody positivity"),
}
SURNAMES = (
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Garcia", "Rossi", "Ferrari", "Müller",
    "Schmidt", "Jansen", "de Vries", "Nowak", "Kowalski", "Silva", "Santos", "Smith", "Jones",
    "Taylor", "Brown", "Wilson", "Tanaka", "Sato", "Suzuki", "Kim", "Lee", "Chen", "Wang",
    "Okafor", "Haddad", "Novak", "Horvath", "Andersen", "Nielsen", "Larsen", "Costa", "Romano",
)
