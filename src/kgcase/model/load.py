"""Read one case file into a validated :class:`Case`, or raise a :class:`CaseFileError`.

Checks, each reported with file, line and field: YAML syntax and duplicate keys; the schema
(types, required fields); unique ids; references to time points, exposures and tables; values
and units; every term resolved against the ontology; every quote found in the source text.
Term references in the returned case are replaced by the IRIs they resolve to.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kgcase.errors import CaseFileError, Problem
from kgcase.model.certainty import check_certainty
from kgcase.model.schema import Case
from kgcase.model.terms import TermError, TermIndex
from kgcase.model.yamlpos import Loc, dotted, line_for, load_yaml_with_lines
from kgcase.values import VALUE_FORMS, ValueSyntaxError, parse_value

#: (path pattern, role) for every field that names an ontology term. ``*`` matches a list index.
TERM_FIELDS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("patients", "*", "diagnoses", "*", "disease"), None),
    (("patients", "*", "diagnoses", "*", "criteria"), "criteria"),
    (("patients", "*", "diagnoses", "*", "components", "*"), None),
    (("patients", "*", "findings", "*", "phenotype"), None),
    (("patients", "*", "exposures", "*", "drug"), "drug"),
    (("patients", "*", "exposures", "*", "indication", "*"), None),
    (("patients", "*", "measurements", "*", "test"), None),
    (("patients", "*", "effects", "*", "target"), None),
    (("claims", "*", "subject"), None),
    (("claims", "*", "object"), None),
    (("claims", "*", "objects", "*"), None),
    (("claims", "*", "regions", "*"), None),
    (("hypotheses", "*", "concerns", "*"), None),
)
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"}


@dataclass(frozen=True)
class LoadedCase:
    """A validated case with where it came from."""

    case: Case
    path: Path
    sha256: str
    lines: dict[Loc, int]


def load_case(path: Path, terms: TermIndex) -> LoadedCase:
    """Load, validate and resolve one case file."""
    raw, lines = load_yaml_with_lines(path)
    problems: list[Problem] = []

    def report(loc: Loc, message: str, hint: str = "") -> None:
        problems.append(Problem(path, line_for(lines, loc), dotted(loc), message, hint))

    if not isinstance(raw, dict):
        report((), "the top level must be a mapping (id:, title:, citation:, patients: …)")
        raise CaseFileError(problems)
    try:
        case = Case.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            report(tuple(err["loc"]), _schema_message(err), _schema_hint(err))
        raise CaseFileError(problems) from None

    _check_ids_and_refs(case, report)
    _check_concerns(case, report)
    _check_rests_on(case, report)
    check_certainty(case, report)
    _check_values(case, report)
    _check_sources(case, path, report)
    resolved = _resolve_terms(raw, terms, report)
    if problems:
        raise CaseFileError(problems)
    case = Case.model_validate(resolved)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedCase(case=case, path=path, sha256=digest, lines=lines)


def draft_facts(case: Case) -> int:
    """How many facts of ``case`` still say ``status: draft``."""
    return sum(1 for _loc, item in _items(case) if getattr(item, "status", None) == "draft")


def _items(case: Case) -> list[tuple[Loc, Any]]:
    out: list[tuple[Loc, Any]] = []
    for i, p in enumerate(case.patients):
        for key in ("diagnoses", "findings", "exposures", "measurements", "effects"):
            out += [(("patients", i, key, j), x) for j, x in enumerate(getattr(p, key))]
    for key in ("claims", "hypotheses"):
        out += [((key, j), x) for j, x in enumerate(getattr(case, key))]
    return out


def _schema_message(err: dict[str, Any]) -> str:
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field"
    return str(err["msg"]).removeprefix("Value error, ")


def _schema_hint(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return f"add '{err['loc'][-1]}:' here (see docs/case-format.md)"
    if kind == "extra_forbidden":
        return "remove it or check its spelling against docs/case-format.md"
    if kind == "literal_error":
        return "use one of the values listed"
    if kind in ("int_parsing", "decimal_parsing", "float_parsing"):
        return "write a plain number"
    return "see docs/case-format.md"


def _check_ids_and_refs(case: Case, report: Any) -> None:
    _unique(("patients",), [p.id for p in case.patients], report)
    for key in ("claims", "hypotheses", "ambiguities"):
        _unique((key,), [x.id for x in getattr(case, key)], report)
    for i, p in enumerate(case.patients):
        base: Loc = ("patients", i)
        for key in ("time_points", "diagnoses", "findings", "exposures", "measurements", "effects"):
            _unique((*base, key), [x.id for x in getattr(p, key)], report)
        tps = {t.id for t in p.time_points}
        exposures = {e.id for e in p.exposures}
        tp_hint = (
            f"use one of this patient's time points: {', '.join(sorted(tps)) or 'none declared'}"
        )
        ex_hint = (
            f"use one of this patient's exposure ids: {', '.join(sorted(exposures)) or 'none'}"
        )

        def tp(loc: Loc, ref: str | None, tps: set[str] = tps, hint: str = tp_hint) -> None:
            if ref is not None and ref not in tps:
                report(loc, f"unknown time point {ref!r}", hint)

        for j, t in enumerate(p.time_points):
            if t.relative_to is not None and t.relative_to not in exposures:
                report(
                    (*base, "time_points", j, "relative_to"),
                    f"unknown exposure {t.relative_to!r}",
                    ex_hint,
                )
        for j, e in enumerate(p.exposures):
            tp((*base, "exposures", j, "start"), e.start)
            tp((*base, "exposures", j, "end"), e.end)
            tp((*base, "exposures", j, "end_before"), e.end_before)
            for k, c in enumerate(e.concomitant):
                if c not in exposures:
                    report(
                        (*base, "exposures", j, "concomitant", k),
                        f"unknown exposure {c!r}",
                        ex_hint,
                    )
        for j, f in enumerate(p.findings):
            tp((*base, "findings", j, "time_point"), f.time_point)
        for j, m in enumerate(p.measurements):
            for t in m.values:
                tp((*base, "measurements", j, "values", t), t)
        stated: dict[tuple[str, str, str], str] = {}
        for j, eff in enumerate(p.effects):
            key = (eff.exposure, eff.target, eff.direction)
            if key in stated:
                report(
                    (*base, "effects", j),
                    f"effect {eff.id!r} states again what effect {stated[key]!r} states "
                    f"({eff.direction} under {eff.exposure}) for this patient",
                    "keep one effect and list this sentence under its 'also:' "
                    "(see docs/case-format.md)",
                )
            stated.setdefault(key, eff.id)
            tp((*base, "effects", j, "from"), eff.from_)
            tp((*base, "effects", j, "to"), eff.to)
            if eff.exposure not in exposures:
                report(
                    (*base, "effects", j, "exposure"), f"unknown exposure {eff.exposure!r}", ex_hint
                )


def _check_rests_on(case: Case, report: Any) -> None:
    """A hypothesis rests on claims of this case (by id) or effects (patient/effects/id)."""
    claims = {c.id for c in case.claims}
    effects = {f"{p.id}/effects/{e.id}" for p in case.patients for e in p.effects}
    for i, h in enumerate(case.hypotheses):
        for k, ref in enumerate(h.rests_on):
            if ref not in claims and ref not in effects:
                report(("hypotheses", i, "rests_on", k), f"{ref!r} names no claim or effect",
                       "write a claim id of this case, or patient/effects/id")


def _check_concerns(case: Case, report: Any) -> None:
    """Ambiguity ``concerns`` are paths ``patient[/collection[/id]]`` that must exist."""
    collections = ("time_points", "diagnoses", "findings", "exposures", "measurements", "effects")
    patients = {p.id: p for p in case.patients}
    for i, amb in enumerate(case.ambiguities):
        for k, ref in enumerate(amb.concerns):
            parts = ref.split("/")
            patient = patients.get(parts[0])
            ok = patient is not None and (len(parts) <= 3 or (
                len(parts) == 4 and parts[1] == "measurements"))
            if ok and len(parts) >= 2:
                ok = parts[1] in collections
                if ok and len(parts) >= 3:
                    items = {x.id: x for x in getattr(patient, parts[1])}
                    ok = parts[2] in items
                    if ok and len(parts) == 4:
                        ok = parts[3] in items[parts[2]].values
            if not ok:
                report(
                    ("ambiguities", i, "concerns", k),
                    f"{ref!r} names nothing in this case",
                    "write patient[/collection[/id]], e.g. p1/exposures/tcz, or one reported "
                    "cell as patient/measurements/id/time point, e.g. p1/measurements/ana/M12",
                )


def _unique(loc: Loc, ids: list[str], report: Any) -> None:
    seen: set[str] = set()
    for n, ident in enumerate(ids):
        if ident in seen:
            report((*loc, n, "id"), f"duplicate id {ident!r}", "give each entry its own id")
        seen.add(ident)


def _check_values(case: Case, report: Any) -> None:
    for i, p in enumerate(case.patients):
        for j, m in enumerate(p.measurements):
            loc: Loc = ("patients", i, "measurements", j)
            numeric = False
            for t, cell in m.values.items():
                if cell is None:
                    continue
                text = cell if isinstance(cell, str) else cell.value
                try:
                    v = parse_value(text)
                except ValueSyntaxError:
                    report(
                        (*loc, "values", t),
                        f"value {text!r} is not a reported value",
                        f"write {VALUE_FORMS}; leave a missing cell as null",
                    )
                    continue
                numeric |= v.kind == "numeric"
            if numeric and not m.unit:
                report(
                    (*loc, "unit"),
                    "numeric values need a unit",
                    "add 'unit:' with a UCUM code (e.g. mg/L, g/L, [iU]/mL, 10*9/L, {score})",
                )


def normalise_text(text: str) -> str:
    """Make extracted PDF text and typed quotes comparable (ligatures, dashes, spaces, case)."""
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    return re.sub(r"\s+", "", text).casefold()


def quote_found(quote: str, normalised_source: str) -> bool:
    """True if every fragment of ``quote`` (split at '…') occurs in the source, in order."""
    pos = 0
    for fragment in _ELLIPSIS.split(quote):
        frag = normalise_text(fragment)
        if not frag:
            continue
        found = normalised_source.find(frag, pos)
        if found < 0:
            return False
        pos = found + len(frag)
    return True


def _check_sources(case: Case, path: Path, report: Any) -> None:
    source = None
    if case.source_text:
        src_path = (path.parent / case.source_text).resolve()
        if not src_path.is_file():
            report(
                ("source_text",),
                f"source text {case.source_text!r} not found",
                "give a path relative to the case file",
            )
        else:
            source = normalise_text(src_path.read_text(encoding="utf-8"))
    for tid, table in case.tables.items():
        for n, row in enumerate(table.rows):
            if source is not None and normalise_text(row) not in source:
                report(
                    ("tables", tid, "rows", n),
                    f"row label {row!r} is not in the source text",
                    "copy the row label exactly as printed",
                )
    for loc, src in _sources(case):
        if src.quote is not None and source is not None and not quote_found(src.quote, source):
            report(
                (*loc, "quote"),
                "quote not found in the source text",
                "copy the sentence exactly; mark omissions with '…'",
            )
        if src.table is not None:
            table = case.tables.get(src.table)
            if table is None:
                report(
                    (*loc, "table"),
                    f"unknown table {src.table!r}",
                    f"declare it under 'tables:' ({', '.join(case.tables) or 'none declared'})",
                )
            elif src.row not in table.rows:
                report(
                    (*loc, "row"),
                    f"row {src.row!r} is not a row of {src.table}",
                    "use a row label listed in the table's 'rows'",
                )


def _sources(case: Case) -> list[tuple[Loc, Any]]:
    out: list[tuple[Loc, Any]] = []
    for i, p in enumerate(case.patients):
        for key in ("diagnoses", "findings", "exposures", "measurements", "effects"):
            for j, item in enumerate(getattr(p, key)):
                out.append((("patients", i, key, j, "source"), item.source))
                for k, more in enumerate(getattr(item, "also", ())):
                    out.append((("patients", i, key, j, "also", k), more))
                if getattr(item, "end_source", None) is not None:
                    out.append((("patients", i, key, j, "end_source"), item.end_source))
    for key in ("claims", "hypotheses", "review"):
        for j, item in enumerate(getattr(case, key)):
            out.append(((key, j, "source"), item.source))
    return out


def _resolve_terms(raw: dict[str, Any], terms: TermIndex, report: Any) -> dict[str, Any]:
    """Return a copy of ``raw`` with every term reference replaced by its IRI."""
    import copy

    out = copy.deepcopy(raw)
    for pattern, role in TERM_FIELDS:
        for loc, container, key in _walk(out, pattern, ()):
            value = container[key]
            if value is None:
                continue
            try:
                container[key] = terms.resolve(str(value), role=role)
            except TermError as exc:
                hint = (
                    "write a CURIE (e.g. MONDO:0005854) or an exact label/synonym from the ontology"
                )
                if role == "drug":
                    hint = "add the drug to ontology/kgcase-edit.ttl first, or fix the spelling"
                report(loc, str(exc), hint)
    return out


def _walk(node: Any, pattern: tuple[str, ...], loc: Loc) -> list[tuple[Loc, Any, Any]]:
    head, rest = pattern[0], pattern[1:]
    keys: list[Any]
    if head == "*":
        keys = list(range(len(node))) if isinstance(node, list) else []
    else:
        keys = [head] if isinstance(node, dict) and head in node else []
    found: list[tuple[Loc, Any, Any]] = []
    for k in keys:
        if not rest:
            found.append(((*loc, k), node, k))
        else:
            found.extend(_walk(node[k], rest, (*loc, k)))
    return found
