"""UCUM unit codes as people write and say them: ``10*9/L`` is shown ×10⁹/L and read
"× 10 to the 9th per litre"; annotations (``{score}``, ``{unreported}``) are not shown.

A small, tested table of the atoms the case files use, and a reader for the few UCUM
constructs they combine (``10*n`` powers, ``/`` division, ``[iU]`` brackets, ``{…}``
annotations). A code with an atom outside the table is shown as printed, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint
from markupsafe import Markup

#: atom → (shown, said). Prefixed atoms are listed whole: the case files use few.
_ATOMS: dict[str, tuple[str, str]] = {
    "L": ("L", "litre"), "dL": ("dL", "decilitre"), "mL": ("mL", "millilitre"),
    "g": ("g", "gram"), "mg": ("mg", "milligram"), "ug": ("µg", "microgram"),
    "ng": ("ng", "nanogram"), "kg": ("kg", "kilogram"),
    "mol": ("mol", "mole"), "mmol": ("mmol", "millimole"), "umol": ("µmol", "micromole"),
    "U": ("U", "units"), "[iU]": ("IU", "international units"),
    "[IU]": ("IU", "international units"),
    "%": ("%", "percent"), "a": ("years", "years"), "mo": ("months", "months"),
    "wk": ("weeks", "weeks"), "d": ("days", "days"), "h": ("h", "hours"), "min": ("min", "minutes"),
    "s": ("s", "seconds"), "mm[Hg]": ("mmHg", "millimetres of mercury"), "fL": ("fL", "femtolitre"),
    "pg": ("pg", "picogram"), "1": ("", ""),
}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_ANNOTATION = re.compile(r"\{[^{}]*\}")
_POWER = re.compile(r"^10\*(-?\d+)$")
#: Annotations that mean "no unit was printed": said so, not hidden.
UNREPORTED = "{unreported}"


@dataclass(frozen=True)
class Unit:
    """A unit for people: ``shown`` on screen, ``said`` by screen readers, ``code`` as stored."""

    code: str
    shown: str
    said: str
    unreported: bool = False


def _term(code: str) -> tuple[str, str] | None:
    power = _POWER.match(code)
    if power:
        n = power.group(1)
        return f"×10{n.translate(_SUPERSCRIPT)}", f"times 10 to the {n}"
    return _ATOMS.get(code)


def humanise(code: str | None) -> Unit:
    """The unit ``code`` (UCUM) as shown and said; unknown atoms are kept as printed."""
    code = (code or "").strip()
    bare = _ANNOTATION.sub("", code)
    if not bare:
        return Unit(code, "", "", unreported=code == UNREPORTED)
    shown, said = [], []
    parts = [p for n, p in enumerate(bare.split("/")) if p or n == 0]  # "/{dose}" divides by 1
    for n, part in enumerate(parts):
        factors = [_term(f) for f in part.split(".")] if part else [("", "")]
        if any(f is None for f in factors):
            return Unit(code, bare, bare)
        text = "".join(f[0] for f in factors if f)  # type: ignore[index]
        words = " ".join(f[1] for f in factors if f and f[1])  # type: ignore[index]
        shown.append(text if n == 0 else "/" + text)
        said.append(words if n == 0 else "per " + words)
    return Unit(code, "".join(shown).strip(), " ".join(w for w in said if w).strip())


def unit_markup(code: str | None) -> Markup:
    """HTML for a unit: what is seen, hidden from screen readers, and what is said, hidden
    from the eye; an unreported unit says so."""
    unit = humanise(code)
    if unit.unreported:
        return Markup('<span class="unit unreported">unit not printed</span>')
    if not unit.shown:
        return Markup("")
    if unit.shown == unit.said:
        return Markup('<span class="unit">{}</span>').format(unit.shown)
    return Markup('<span class="unit"><span aria-hidden="true">{}</span>'
                  '<span class="visually-hidden">{}</span></span>').format(unit.shown, unit.said)


_IN_LABEL = re.compile(r"(?<=\d) (10\*-?\d+/[A-Za-z\[\]]+|\[iU\]/mL|\{[^{}]*\}|[a-zA-Z\[\]%*/.]+)"
                       r"(?=$|[ )])")


def humanise_label(label: str) -> str:
    """A label minted with a UCUM code after a number (``15 a``, ``6.17 10*9/L``) with the unit
    as people write it (``15 years``, ``6.17 ×10⁹/L``); other text is left alone."""
    def swap(match: re.Match[str]) -> str:
        code = match.group(1)
        unit = humanise(code)
        if unit.code == unit.shown and code != "%":  # not a unit we know: keep the text
            return match.group(0)
        return f" {unit.shown}" if unit.shown else ""
    return _IN_LABEL.sub(swap, label)


def said_label(label: str) -> str:
    """Plain text for ``aria-label``s: :func:`humanise_label`, with powers spelled out."""
    return re.sub(r"×10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)",
                  lambda m: "times 10 to the " + m.group(1).translate(
                      str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")),
                  humanise_label(label))


def time_key(text: str, *, fold: bool = True) -> list[object]:
    """Natural order for labels with numbers: M0, M6, M12 (not M0, M12, M6); ``fold``: ignore
    case."""
    return [int(part) if part.isdigit() else part.lower() if fold else part
            for part in re.split(r"(\d+)", text)]


def register(bp: Blueprint) -> None:
    """The template filters: ``unit`` (a code as HTML), ``human`` (a label with its units)."""
    bp.add_app_template_filter(unit_markup, "unit")
    bp.add_app_template_filter(humanise_label, "human")
    bp.add_app_template_filter(said_label, "said")
