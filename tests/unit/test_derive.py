"""Directions of change derived from measurement series (Table 1 of the tocilizumab report)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kgcase.derive import (
    DEFAULT_MIN_RELATIVE_CHANGE,
    DerivedEffect,
    compare_values,
    derive_effects,
    reference_status,
)
from kgcase.model.schema import (
    Case,
    Citation,
    Exposure,
    Measurement,
    Patient,
    Source,
    TimePoint,
)
from kgcase.values import ReferenceRange, ReportedValue, parse_range, parse_value
from kgcase.vocab import K

quick = settings(database=None, max_examples=300, deadline=None)
P = parse_value


def compare(before: str, after: str, thr: Decimal = DEFAULT_MIN_RELATIVE_CHANGE) -> str:
    return compare_values(P(before), P(after), min_relative_change=thr)


# --- Table 1 pairs -----------------------------------------------------------------------------

TABLE1 = [
    # P1 anti-dsDNA (Farr, positive >7): M0 30, M6 85, M12 >97
    ("30", "85", "increased"),
    ("30", ">97", "increased"),
    # Every value above 97 is above 85: the interval rule decides (the issue's own example).
    ("85", ">97", "increased"),
    # P2 anti-dsDNA: 7.4, 7.1, 7
    ("7.4", "7.1", "unchanged"),
    ("7.1", "7", "unchanged"),
    ("7.4", "7", "unchanged"),
    # CRP P1: 36.2, <0.2, <0.2; P2: 18.6, <0.2, <0.2
    ("36.2", "<0.2", "decreased"),
    ("18.6", "<0.2", "decreased"),
    ("<0.2", "<0.2", "indeterminate"),
    # P2 anti-SSA: >2, >2, 3.7
    (">2", ">2", "indeterminate"),
    (">2", "3.7", "indeterminate"),
    # P2 anti-U1RNP: >2, >2, >8; P1: >8, 4, (missing)
    (">2", ">8", "indeterminate"),
    (">8", "4", "decreased"),
    # ANA: 1/1600, 1/1280, 1/1280
    ("1/1600", "1/1280", "unchanged"),
    ("1/1280", "1/1280", "unchanged"),
    ("1/160", "1/1280", "increased"),
    ("1/1280", "1/160", "decreased"),
    # Cryoglobulinaemia P1: −, + (type III), + (type III); P2: − throughout
    ("−", "+ (type III)", "appeared"),
    ("+ (type III)", "+ (type III)", "unchanged"),
    ("+", "+ (type III)", "unchanged"),
    ("+ (type III)", "−", "resolved"),
    ("−", "−", "unchanged"),
    # cJADAS P1: 20, 0, 0; P2: 14, 1, 0 (plain comparison; improved/worsened is per test)
    ("20", "0", "decreased"),
    ("0", "0", "unchanged"),
    ("14", "1", "decreased"),
    ("1", "0", "decreased"),
    ("14", "0", "decreased"),
    # P2 ALAT (<40): 88, 326, <40
    ("88", "326", "increased"),
    ("326", "<40", "decreased"),
    ("88", "<40", "decreased"),
    # mixed kinds
    ("4", "+", "indeterminate"),
    ("1/1600", "30", "indeterminate"),
    ("−", "1/1280", "indeterminate"),
]


@pytest.mark.parametrize(("before", "after", "expected"), TABLE1)
def test_table1_pairs(before: str, after: str, expected: str) -> None:
    assert compare(before, after) == expected


@pytest.mark.parametrize(
    ("before", "after", "thr", "expected"),
    [
        ("85", ">97", "0.10", "increased"),  # intervals decide; the threshold is for exact pairs
        ("85", ">97", "0.50", "increased"),
        ("10", "12", "0.20", "increased"),  # exactly 20 % of before
        ("10", "11.9", "0.20", "unchanged"),
        ("12", "10", "0.20", "decreased"),  # 20 % of the smaller value
        ("7.4", "7.1", "0", "decreased"),  # threshold 0: any nonzero difference
        ("0", "0.001", "0.20", "increased"),  # before == 0: any nonzero difference
        ("<5", "5", "0.20", "increased"),  # every reading of <5 lies below 5
        ("<5", "5", "0", "increased"),
        ("<=5", "5", "0", "indeterminate"),  # 5 is a possible value of <=5
        (">=5", "5", "0", "indeterminate"),
        ("<-1", ">10", "2.5", "increased"),  # separated intervals, whatever the threshold
        ("1/160", "1/320", "0.20", "unchanged"),  # one doubling dilution
        ("1/160", "1/640", "0.20", "increased"),
    ],
)
def test_thresholds(before: str, after: str, thr: str, expected: str) -> None:
    assert compare(before, after, Decimal(thr)) == expected


def test_negative_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="min_relative_change"):
        compare("1", "2", Decimal("-0.1"))


@pytest.mark.parametrize(
    ("value", "reference", "expected"),
    [
        ("<0.2", "<5", "normal"),
        ("36.2", "<5", "abnormal"),
        ("5", "<5", "abnormal"),
        ("<40", "<40", "normal"),
        ("88", "<40", "abnormal"),
        ("326", "<40", "abnormal"),
        ("40", "<=40", "normal"),
        (">2", "<=1", "abnormal"),
        ("30", "<=7", "abnormal"),
        (">97", "<=7", "abnormal"),
        ("7.1", "<=7", "abnormal"),
        ("7", "<=7", "normal"),
        ("<10", "<5", None),
        (">2", "<=7", None),
        (">2", ">1", "normal"),
        ("4.0", "3.5-5.0", "normal"),
        ("5.0", "3.5-5.0", "normal"),
        ("5.1", "3.5-5.0", "abnormal"),
        ("<3", "3.5-5.0", "abnormal"),
        ("<4", "3.5-5.0", None),
        ("36.2", None, None),
        ("+", None, "abnormal"),
        ("+ (type III)", None, "abnormal"),
        ("−", None, "normal"),
        ("+", "<5", None),
        ("1/1600", None, None),
        ("1/1600", "<80", "abnormal"),
        ("1/40", "<80", "normal"),
    ],
)
def test_reference_status(value: str, reference: str | None, expected: str | None) -> None:
    rng = parse_range(reference) if reference is not None else None
    assert reference_status(P(value), rng) == expected


# --- properties ----------------------------------------------------------------------------------

CMPS = ["", "<", ">", "<=", ">="]
signed = st.decimals(min_value=-(10**6), max_value=10**6, places=3)
nonneg = st.decimals(min_value=0, max_value=10**6, places=3).map(abs)
thresholds = st.decimals(min_value=0, max_value=3, places=2).map(abs)


def number(cmp: str, x: Decimal) -> ReportedValue:
    return P(f"{cmp}{x:f}")


exact = st.builds(number, st.just(""), signed)
numeric = st.builds(number, st.sampled_from(CMPS), signed)
lab = st.builds(number, st.sampled_from(CMPS), nonneg)  # non-negative, as lab values are
titres = st.integers(min_value=1, max_value=10**7).map(lambda n: P(f"1/{n}"))
qualitative = st.sampled_from(["+", "−", "+ (type III)", "positive", "negative"]).map(P)


def sample(data: st.DataObject, v: ReportedValue) -> Decimal:
    """A concrete value the printed value may stand for (``<x``, x > 0, read as [0, x))."""
    x, cmp = v.number, v.comparator
    assert x is not None
    if cmp == "=":
        return x
    if cmp.startswith("<") and x > 0:
        steps = 10**6 if cmp == "<=" else 10**6 - 1
        return x * data.draw(st.integers(0, steps)) / 10**6
    delta = data.draw(st.decimals(min_value=0 if "=" in cmp else Decimal("0.000001"),
                                  max_value=10**7, places=6))
    return x - delta if cmp.startswith("<") else x + delta


def expected_exact(x: Decimal, y: Decimal, thr: Decimal) -> str:
    """The relative rule written out independently of the implementation."""
    if x == y:
        return "unchanged"
    smaller = min(abs(x), abs(y))
    if smaller != 0 and abs(y - x) < thr * smaller:
        return "unchanged"
    return "increased" if y > x else "decreased"


@quick
@given(a=numeric, b=numeric, thr=thresholds)
def test_antisymmetry_numeric(a: ReportedValue, b: ReportedValue, thr: Decimal) -> None:
    ab = compare_values(a, b, min_relative_change=thr)
    ba = compare_values(b, a, min_relative_change=thr)
    assert (ab == "increased") == (ba == "decreased")
    assert (ab == "decreased") == (ba == "increased")
    assert (ab == "unchanged") == (ba == "unchanged")


@quick
@given(a=titres, b=titres)
def test_antisymmetry_titres(a: ReportedValue, b: ReportedValue) -> None:
    ab, ba = compare_values(a, b), compare_values(b, a)
    assert (ab == "increased") == (ba == "decreased")
    assert (ab == "decreased") == (ba == "increased")


@quick
@given(v=numeric | titres | qualitative)
def test_identity(v: ReportedValue) -> None:
    result = compare_values(v, v)
    assert result in ("unchanged", "indeterminate")
    if not v.censored:
        assert result == "unchanged"


@quick
@given(x=signed, y=signed, thr=thresholds)
def test_exact_rule(x: Decimal, y: Decimal, thr: Decimal) -> None:
    result = compare_values(number("", x), number("", y), min_relative_change=thr)
    assert result == expected_exact(x, y, thr)
    if 0 < x < y:  # for increases the rule is literally |after - before| / |before| >= thr
        assert (result == "increased") == ((y - x) / x >= thr)


@quick
@given(data=st.data(), before=numeric, after=numeric, thr=thresholds)
def test_censored_soundness(
    data: st.DataObject, before: ReportedValue, after: ReportedValue, thr: Decimal
) -> None:
    assume(before.censored or after.censored)
    result = compare_values(before, after, min_relative_change=thr)
    assert result != "unchanged"  # a censored value always leaves a large change possible
    if result in ("increased", "decreased"):
        x, y = sample(data, before), sample(data, after)
        assert (y > x) if result == "increased" else (y < x)


@quick
@given(data=st.data(), before=lab, after=lab)
def test_censored_soundness_lab_values(
    data: st.DataObject, before: ReportedValue, after: ReportedValue
) -> None:
    result = compare_values(before, after)
    if result in ("increased", "decreased"):
        x, y = sample(data, before), sample(data, after)
        assert (y > x) if result == "increased" else (y < x)
        if not (before.censored or after.censored):  # the threshold applies to exact pairs
            assert expected_exact(x, y, DEFAULT_MIN_RELATIVE_CHANGE) == result


@quick
@given(n=st.integers(min_value=1, max_value=10**7), data=st.data())
def test_one_step_titre_invariance(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(min_value=n, max_value=2 * n))
    assert compare_values(P(f"1/{n}"), P(f"1/{m}")) == "unchanged"
    assert compare_values(P(f"1/{m}"), P(f"1/{n}")) == "unchanged"
    assert compare_values(P(f"1/{n}"), P(f"1/{2 * n + 1}")) == "increased"
    assert compare_values(P(f"1/{2 * n + 1}"), P(f"1/{n}")) == "decreased"


@quick
@given(
    a=numeric,
    b=numeric,
    k=st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3),
    thr=thresholds,
)
def test_scale_invariance(a: ReportedValue, b: ReportedValue, k: Decimal, thr: Decimal) -> None:
    def scaled(v: ReportedValue) -> ReportedValue:
        assert v.number is not None
        return number("" if v.comparator == "=" else v.comparator, v.number * k)

    assert compare_values(scaled(a), scaled(b), min_relative_change=thr) == compare_values(
        a, b, min_relative_change=thr
    )


def inside(x: Decimal, r: ReferenceRange) -> bool:
    above_lower = r.lower is None or x > r.lower or (x == r.lower and r.lower_inclusive)
    below_upper = r.upper is None or x < r.upper or (x == r.upper and r.upper_inclusive)
    return above_lower and below_upper


def _interval_range(a: Decimal, b: Decimal) -> ReferenceRange:
    return parse_range(f"{min(a, b):f}-{max(a, b):f}")


ranges = st.builds(
    lambda cmp, x: parse_range(f"{cmp}{x:f}"), st.sampled_from(["<", "<=", ">", ">="]), nonneg
) | st.builds(_interval_range, nonneg, nonneg)


@quick
@given(data=st.data(), value=numeric, reference=ranges)
def test_reference_status_agrees_with_samples(
    data: st.DataObject, value: ReportedValue, reference: ReferenceRange
) -> None:
    status = reference_status(value, reference)
    if not value.censored:
        assert status is not None
    if status is not None:
        for _ in range(3):
            assert inside(sample(data, value), reference) == (status == "normal")


# --- derive_effects ------------------------------------------------------------------------

SRC = Source(table="t1", row="row")
CJADAS, AGE = str(K.CJADAS), str(K.AgeObservation)


def tp(id_: str, months: int, relative_to: str | None = "tcz") -> TimePoint:
    return TimePoint(id=id_, label=id_, months=months, relative_to=relative_to)


def exposure(id_: str, start: str | None, end: str | None = None, *, ongoing: bool = False
             ) -> Exposure:
    return Exposure(id=id_, drug=f"drug {id_}", start=start, end=end, ongoing=ongoing, source=SRC)


def measurement(id_: str, test: str, values: dict[str, str | None], ref: str | None = None
                ) -> Measurement:
    return Measurement(id=id_, test=test, values=values, reference=ref, source=SRC)


def case(*patients: Patient) -> Case:
    citation = Citation(authors=["A"], title="T", journal="J", year=2016, doi="10.1136/x.1")
    return Case(id="c1", title="test case", citation=citation, patients=list(patients))


def patient1(*measurements: Measurement) -> Patient:
    return Patient(
        id="p1",
        label="Patient 1",
        time_points=[tp("M12", 12), tp("Mpre", -12, None), tp("M0", 0), tp("M6", 6)],
        exposures=[
            exposure("tcz", "M0"),
            exposure("steroids", "Mpre"),
            exposure("mtx", "Mpre", "M6"),
            exposure("etanercept", "Mpre", "M0"),
            exposure("hcq", None),
            exposure("later", "M6"),
        ],
        measurements=list(measurements),
    )


DSDNA = measurement("dsdna", "LOINC:dsdna", {"M0": "30", "M6": "85", "M12": ">97"}, "<=7")


def windows(effects: list[DerivedEffect]) -> list[tuple[str, str, str, str]]:
    return [(e.measurement_id, e.from_tp, e.to_tp, e.direction) for e in effects]


def test_consecutive_pairs_and_first_to_last() -> None:
    effects = derive_effects(case(patient1(DSDNA)))
    assert windows(effects) == [
        ("dsdna", "M0", "M6", "increased"),
        ("dsdna", "M6", "M12", "increased"),
        ("dsdna", "M0", "M12", "increased"),
    ]
    first = effects[0]
    assert (first.patient_id, first.exposure_id) == ("p1", "tcz")
    assert (first.before, first.after) == (P("30"), P("85"))
    assert (first.status_before, first.status_after) == ("abnormal", "abnormal")
    assert first.relative_change == Decimal(55) / Decimal(30)
    assert effects[1].relative_change is None and effects[2].relative_change is None
    assert "20%" in first.method and first.method.endswith(".") and "\n" not in first.method
    assert "first and last of 3" in effects[2].method
    assert "first and last" not in first.method


def test_concomitant_exposures_active_over_the_whole_window() -> None:
    effects = derive_effects(case(patient1(DSDNA)))
    assert [e.concomitant for e in effects] == [
        ("steroids", "mtx"),  # M0→M6: mtx ends at M6; etanercept ended at M0; hcq undated
        ("steroids", "later"),  # M6→M12
        ("steroids",),  # M0→M12
    ]


def test_undated_ongoing_exposure_counts_as_concomitant() -> None:
    """No start = began before the first time point; active only if marked ongoing."""
    p = patient1(DSDNA)
    p = p.model_copy(update={"exposures": [*p.exposures, exposure("ssz", None, ongoing=True),
                                           exposure("nsaid", None, "M0")]})
    effects = derive_effects(case(p))
    assert all("ssz" in e.concomitant for e in effects)
    assert not any("nsaid" in e.concomitant for e in effects)


def test_threshold_is_passed_through() -> None:
    effects = derive_effects(case(patient1(DSDNA)), min_relative_change=Decimal("0.10"))
    assert [e.direction for e in effects] == ["increased", "increased", "increased"]


def test_missing_cells_are_bridged() -> None:
    crp = measurement("crp", "LOINC:crp", {"M12": "<0.2", "M0": "36.2", "M6": None}, "<5")
    u1rnp = measurement("u1rnp", "LOINC:u1", {"M0": ">8", "M6": "4", "M12": None})
    effects = derive_effects(case(patient1(crp, u1rnp)))
    assert windows(effects) == [
        ("crp", "M0", "M12", "decreased"),
        ("u1rnp", "M0", "M6", "decreased"),
    ]
    assert "bridges the missing value(s) at M6" in effects[0].method
    assert "first and last" not in effects[0].method
    assert (effects[0].status_before, effects[0].status_after) == ("abnormal", "normal")
    assert "bridges" not in effects[1].method


def test_higher_is_worse_scores() -> None:
    cjadas = measurement("cjadas", CJADAS, {"M0": "20", "M6": "0", "M12": "0"})
    worse = measurement("cjadas2", CJADAS, {"M0": "1", "M6": "14", "M12": "0"})
    effects = derive_effects(case(patient1(cjadas, worse)))
    assert [e.direction for e in effects] == [
        "improved", "unchanged", "improved", "worsened", "improved", "improved",
    ]
    assert "higher values of this score are worse" in effects[0].method
    plain = derive_effects(case(patient1(cjadas)), higher_is_worse=())
    assert [e.direction for e in plain] == ["decreased", "unchanged", "decreased"]
    as_strings = derive_effects(case(patient1(cjadas)), higher_is_worse=[CJADAS])
    assert [e.direction for e in as_strings] == ["improved", "unchanged", "improved"]


def test_titres_and_qualitative_series() -> None:
    ana = measurement("ana", "LOINC:ana", {"M0": "1/1600", "M6": "1/1280", "M12": "1/1280"})
    cryo = measurement("cryo", "LOINC:cryo", {"M0": "−", "M6": "+ (type III)",
                                              "M12": "+ (type III)"})
    effects = derive_effects(case(patient1(ana, cryo)))
    assert [e.direction for e in effects] == ["unchanged"] * 3 + [
        "appeared", "unchanged", "appeared",
    ]
    assert {e.status_before for e in effects[:3]} == {None}
    assert [(e.status_before, e.status_after) for e in effects[3:5]] == [
        ("normal", "abnormal"), ("abnormal", "abnormal"),
    ]


def test_age_is_skipped_and_unindexed_windows_are_dropped() -> None:
    age = measurement("age", AGE, {"M0": "15", "M6": "16", "M12": "17"})
    early = measurement("early", "LOINC:x", {"Mpre": "1", "M0": "2", "M6": "3"})
    effects = derive_effects(case(patient1(age, early)))
    # Mpre has no relative_to: Mpre→M0 and the first→last Mpre→M6 are attributed to nothing
    assert windows(effects) == [("early", "M0", "M6", "increased")]
    with_age = derive_effects(case(patient1(age)), skip_tests=())
    assert len(with_age) == 3


def test_index_exposure_must_be_active_and_an_exposure() -> None:
    p2 = Patient(
        id="p2",
        label="Patient 2",
        time_points=[tp("A", 0), tp("B", 6), tp("C", 12, "dx"), tp("D", 18, "dx")],
        exposures=[exposure("tcz", "B")],
        measurements=[measurement("m", "LOINC:x", {"A": "10", "B": "20", "C": "40", "D": "80"})],
    )
    p3 = Patient(
        id="p3",
        label="Patient 3",
        time_points=[tp("M0", 0), tp("M6", 6), tp("M12", 12)],
        exposures=[exposure("tcz", "M0", "M6")],
        measurements=[measurement("m", "LOINC:x", {"M0": "10", "M6": "20", "M12": "40"})],
    )
    effects = derive_effects(case(p2, p3))
    # p2: A→B tcz starts later; C→D relative to a non-exposure; first→last A→D starts at A.
    # p3: tcz ended at M6, so only M0→M6.
    assert [(e.patient_id, e.from_tp, e.to_tp) for e in effects] == [
        ("p2", "B", "C"), ("p3", "M0", "M6"),
    ]
    assert effects == derive_effects(case(p2, p3))  # deterministic


def test_unknown_time_points_are_reported() -> None:
    bad_values = measurement("m", "LOINC:x", {"M0": "1", "M99": "2"})
    with pytest.raises(ValueError, match="M99"):
        derive_effects(case(patient1(bad_values)))
    p = Patient(id="p", label="p", time_points=[tp("M0", 0), tp("M6", 6)],
                exposures=[exposure("tcz", "M0", "Mx")],
                measurements=[measurement("m", "LOINC:x", {"M0": "1", "M6": "2"})])
    with pytest.raises(ValueError, match="Mx"):
        derive_effects(case(p))
