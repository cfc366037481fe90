"""Parsing of printed values and reference ranges (every form in Table 1 of the source)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgcase.values import (
    VALUE_FORMS,
    ReferenceRange,
    ReportedValue,
    ValueSyntaxError,
    parse_range,
    parse_value,
)

quick = settings(database=None, max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("text", "number", "comparator"),
    [
        ("36.2", "36.2", "="),
        ("5.04", "5.04", "="),
        ("1292", "1292", "="),
        ("0", "0", "="),
        ("20", "20", "="),
        ("7.4", "7.4", "="),
        ("3.7", "3.7", "="),
        ("<0.2", "0.2", "<"),
        ("<40", "40", "<"),
        (">97", "97", ">"),
        (">8", "8", ">"),
        (">2", "2", ">"),
        ("<=5", "5", "<="),
        ("≤5", "5", "<="),
        (">=3", "3", ">="),
        ("≥3", "3", ">="),
        ("< 0.2", "0.2", "<"),
        ("1,5", "1.5", "="),
        (" 36.2 ", "36.2", "="),
    ],
)
def test_numeric_forms(text: str, number: str, comparator: str) -> None:
    v = parse_value(text)
    assert v.kind == "numeric"
    assert v.number == Decimal(number)
    assert v.comparator == comparator
    assert v.censored is (comparator != "=")
    assert v.qualitative is None
    assert v.text == text.strip()


@pytest.mark.parametrize(("raw", "number"), [(20, "20"), (36.2, "36.2"), (1e-07, "0.0000001")])
def test_numbers_given_as_python_numbers(raw: float, number: str) -> None:
    v = parse_value(raw)
    assert (v.kind, v.number, v.comparator) == ("numeric", Decimal(number), "=")


@pytest.mark.parametrize(
    ("text", "denominator"), [("1/1600", 1600), ("1/1280", 1280), ("1:160", 160), ("1 / 80", 80)]
)
def test_titres(text: str, denominator: int) -> None:
    v = parse_value(text)
    assert (v.kind, v.number, v.censored) == ("titre", Decimal(denominator), False)


@pytest.mark.parametrize(
    ("text", "sign", "qualifier"),
    [
        ("+", "positive", None),
        ("−", "negative", None),
        ("-", "negative", None),
        ("–", "negative", None),
        ("+ (type III)", "positive", "type III"),
        ("+(type III)", "positive", "type III"),
        ("positive", "positive", None),
        ("Negative", "negative", None),
    ],
)
def test_qualitative(text: str, sign: str, qualifier: str | None) -> None:
    v = parse_value(text)
    assert (v.kind, v.qualitative, v.qualifier, v.number) == ("qualitative", sign, qualifier, None)


@pytest.mark.parametrize(
    "text",
    ["abc", "1/", ">>2", "", "   ", "1/0", "<", "2/3", "1/2/4", "+ (", "++", "5 mg", "nan",
     "inf", "--2", "<>2"],
)
def test_rejects(text: str) -> None:
    with pytest.raises(ValueSyntaxError):
        parse_value(text)


@pytest.mark.parametrize("raw", [True, float("nan"), float("inf")])
def test_rejects_non_numbers(raw: object) -> None:
    with pytest.raises(ValueSyntaxError):
        parse_value(raw)  # type: ignore[arg-type]


def test_error_names_accepted_forms() -> None:
    with pytest.raises(ValueSyntaxError, match="titre") as err:
        parse_value("abc")
    assert VALUE_FORMS in str(err.value)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<5", ReferenceRange("<5", upper=Decimal(5), upper_inclusive=False)),
        ("<40", ReferenceRange("<40", upper=Decimal(40), upper_inclusive=False)),
        ("<200", ReferenceRange("<200", upper=Decimal(200), upper_inclusive=False)),
        ("<=7", ReferenceRange("<=7", upper=Decimal(7), upper_inclusive=True)),
        ("≤7", ReferenceRange("≤7", upper=Decimal(7), upper_inclusive=True)),
        (">1", ReferenceRange(">1", lower=Decimal(1), lower_inclusive=False)),
        (">=1", ReferenceRange(">=1", lower=Decimal(1), lower_inclusive=True)),
        ("3.5-5.0", ReferenceRange("3.5-5.0", lower=Decimal("3.5"), upper=Decimal("5.0"))),
        ("3.5–5.0", ReferenceRange("3.5–5.0", lower=Decimal("3.5"), upper=Decimal("5.0"))),
    ],
)
def test_ranges(text: str, expected: ReferenceRange) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "5", "5-3", "<", "<<5", "1/80"])
def test_range_rejects(text: str) -> None:
    with pytest.raises(ValueSyntaxError):
        parse_range(text)


numbers = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False)


@quick
@given(number=numbers, comparator=st.sampled_from(["", "<", ">", "<=", ">="]))
def test_numbers_round_trip(number: Decimal, comparator: str) -> None:
    text = f"{comparator}{number:f}"
    v = parse_value(text)
    assert v == ReportedValue(text, "numeric", number, comparator or "=")  # type: ignore[arg-type]


@quick
@given(st.integers(min_value=1, max_value=10**12))
def test_titres_round_trip(denominator: int) -> None:
    assert parse_value(f"1/{denominator}").number == denominator


@quick
@given(st.text(alphabet="abcxyz/<>=. ", min_size=1, max_size=6))
def test_text_without_digits_or_signs_is_rejected(text: str) -> None:
    with pytest.raises(ValueSyntaxError):
        parse_value(text)
