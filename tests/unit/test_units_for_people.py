"""UCUM codes as people read and hear them; natural order of time points; where xrefs point."""

from __future__ import annotations

import pytest

from kgcase.web.pages.units import humanise, humanise_label, said_label, time_key, unit_markup
from kgcase.web.pages.xrefs import external_url


@pytest.mark.parametrize(("code", "shown", "said"), [
    ("10*9/L", "×10⁹/L", "times 10 to the 9 per litre"),
    ("10*12/L", "×10¹²/L", "times 10 to the 12 per litre"),
    ("[iU]/mL", "IU/mL", "international units per millilitre"),
    ("a", "years", "years"),
    ("g/L", "g/L", "gram per litre"),
    ("mg/L", "mg/L", "milligram per litre"),
    ("U/L", "U/L", "units per litre"),
    ("{score}", "", ""),
    ("mg/kg/{dose}", "mg/kg", "milligram per kilogram"),
])
def test_codes_are_shown_and_said_as_people_write_them(code: str, shown: str, said: str) -> None:
    unit = humanise(code)
    assert (unit.shown, unit.said) == (shown, said)


def test_an_unknown_atom_is_kept_as_printed_never_guessed() -> None:
    assert humanise("furlong/fortnight").shown == "furlong/fortnight"


def test_an_unreported_unit_says_so_instead_of_printing_the_annotation() -> None:
    html = str(unit_markup("{unreported}"))
    assert "unit not printed" in html and "{" not in html


def test_screen_readers_hear_words_not_the_code() -> None:
    html = str(unit_markup("10*9/L"))
    assert 'aria-hidden="true">×10⁹/L<' in html
    assert 'class="visually-hidden">times 10 to the 9 per litre<' in html
    assert "10*9" not in html


@pytest.mark.parametrize(("label", "shown"), [
    ("age observation at M0: 15 a (Patient 2)", "age observation at M0: 15 years (Patient 2)"),
    ("white cell count at M6: 7.5 10*9/L (Patient 2)",
     "white cell count at M6: 7.5 ×10⁹/L (Patient 2)"),
    ("cJADAS at M0: 14 {score} (Patient 2)", "cJADAS at M0: 14 (Patient 2)"),
    ("anti-SSA at M6: >2 {unreported} (Patient 2)", "anti-SSA at M6: >2 (Patient 2)"),
    ("Patient 2 in the report", "Patient 2 in the report"),
])
def test_labels_minted_with_a_code_read_as_people_write_them(label: str, shown: str) -> None:
    assert humanise_label(label) == shown


def test_said_labels_spell_out_powers() -> None:
    assert said_label("WCC 7.5 10*9/L") == "WCC 7.5 times 10 to the 9/L"


def test_time_points_sort_in_natural_order() -> None:
    assert sorted(["M12", "M0", "M6"], key=time_key) == ["M0", "M6", "M12"]


@pytest.mark.parametrize(("curie", "url"), [
    ("DOID:3492", "http://purl.obolibrary.org/obo/DOID_3492"),
    ("Orphanet:809", "https://www.orpha.net/en/disease/detail/809"),
    ("NCIT:C84892", "http://purl.obolibrary.org/obo/NCIT_C84892"),
    ("kgcase:curator", None),
    ("DOID:", None),
])
def test_xrefs_point_at_their_source(curie: str, url: str | None) -> None:
    assert external_url(curie) == url
