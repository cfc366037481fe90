"""The named-query catalogue: ``queries/*.rq`` files with a YAML header of ``#+`` lines.

A header declares a title, a description and typed parameters::

    #+ title: Drugs followed by a rise of a lab value
    #+ description: Stated and derived effects whose direction is 'increased'.
    #+ params:
    #+   - name: test
    #+     type: curie
    #+     default: KGCASE:0000149
    #+     example: KGCASE:0000149
    #+     description: the laboratory test
    #+     kind: {KGCASE:0000024: laboratory test}

A ``curie`` or ``iri`` parameter may close its values: ``enum`` maps each allowed value (a
CURIE) to its label, and a value outside it is refused, naming the allowed ones; ``kind`` maps
one or more classes to their labels, and a value must be one of them, a subclass of one, or an
individual of one (checked against the graph by :mod:`kgcase.web.kinds`; pickers offer only
such values)::

    #+   - name: direction
    #+     type: curie
    #+     enum: {KGCASE:0000172: increased, KGCASE:0000173: decreased}

``#+ materialise: true`` (or ``per-report``) has the build answer the query for every parameter
value ahead of time, a few reports at a time; ``#+ materialise: whole-graph`` has it answer the
query once over the built store, for queries of what the build itself adds up, such as the
effect summaries (:mod:`kgcase.answers`).

``#+ evidence:`` links each row of a summary to the question that lists what it counts: the
detail query's name, its parameters filled from this row's columns (or this query's own
parameters), optionally the detail columns whose values pick out the counted rows (``match``,
detail column <- this row's column) and a label. It is checked when the catalogue loads::

    #+ evidence:
    #+   query: effects_of_drug
    #+   params: {drug: drug}
    #+   match: {target: target, direction: directionLabel, kind: kind}
    #+   label: the effects counted, with their sources

Parameter values are validated by type and bound as terms: a ``VALUES`` block of checked,
serialised terms (:mod:`kgcase.store.binding`); they are never pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
import yaml

from kgcase.errors import QueryFileError, QueryParameterError, quoted
from kgcase.iris import PREFIXES, CurieError, compress_iri, expand_curie

ParamType = Literal["iri", "curie", "string", "integer", "decimal", "date"]
PARAM_TYPES: tuple[str, ...] = ("iri", "curie", "string", "integer", "decimal", "date")
MAX_STRING = 1000
#: The header's ``materialise`` values, and the scope each stands for.
MATERIALISE: dict[bool | str, str] = {False: "", True: "per-report", "per-report": "per-report",
                                      "whole-graph": "whole-graph"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_IRI = re.compile(r"^(https?|urn):[^\x00-\x20\x7f-\x9f<>\"{}|\\^`]+$")
#: ASCII digits only: ``int()`` and ``\\d`` also take other scripts' digits ('١٢'), and
#: ``str.isdigit()`` takes '²', which ``int()`` then refuses.
_WHOLE = re.compile(r"[0-9]{1,15}")
_INTEGER = re.compile(r"[-+]?[0-9]{1,15}")
_DECIMAL = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Most allowed values an error message lists.
SHOWN_VALUES = 12
#: Control characters (C0 but tab, line feed and carriage return; DEL; C1): never in a value.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
XSD = "http://www.w3.org/2001/XMLSchema#"


def whole_number(name: str, text: str, low: int, high: int) -> int:
    """The whole number ``text`` (ASCII digits) from ``low`` to ``high``, for parameter ``name``.

    :raises QueryParameterError: anything else, naming the parameter and what it takes.

    >>> whole_number("limit", "12", 1, 50)
    12
    """
    if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
        raise QueryParameterError(f"{name}={quoted(text, 40)}: give a whole number from {low} "
                                  f"to {high} (digits 0-9)")
    return int(text)


def check_controls(where: str, text: str) -> None:
    """Refuse a value holding a control character (NUL, DEL …), naming the first found.

    :raises QueryParameterError: there is one.
    """
    found = _CONTROL.search(text)
    if found:
        raise QueryParameterError(f"{where}: control character U+{ord(found.group()):04X} "
                                  "is not allowed in a value")


@dataclass(frozen=True)
class Param:
    """One typed parameter; ``default`` None means the variable stays unbound when omitted."""

    name: str
    type: ParamType
    description: str = ""
    default: str | None = None
    example: str | None = None
    required: bool = False
    #: The closed set of allowed values, ``(CURIE, label)`` pairs (empty: any value).
    enum: tuple[tuple[str, str], ...] = ()
    #: The classes a value must be of, or below, ``(CURIE, label)`` pairs (empty: any).
    kind: tuple[tuple[str, str], ...] = ()

    def allowed(self) -> str:
        """The allowed values as text for a message: a bounded list, labels in brackets."""
        shown = [f"{curie} ({label})" for curie, label in self.enum[:SHOWN_VALUES]]
        more = len(self.enum) - SHOWN_VALUES
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    def kind_text(self) -> str:
        """The kind(s) as text for a message: 'a drug (KGCASE:0000020)'."""
        return " or ".join(f"a {label} ({curie})" for curie, label in self.kind)

    def to_term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """Validate ``raw`` against the type (and the ``enum``) and return the term to bind."""
        term = self._typed(raw)
        if self.enum and term.value not in {expand_curie(c) for c, _ in self.enum}:
            raise QueryParameterError(
                f"parameter {self.name!r}: {quoted(raw.strip(), 60)} is not one of the allowed "
                f"values: {self.allowed()}")
        return term

    def _typed(self, raw: str) -> ox.NamedNode | ox.Literal:
        raw = raw.strip()
        where = f"parameter {self.name!r} ({self.type})"
        check_controls(where, raw)
        if self.type in ("string",):
            if len(raw) > MAX_STRING:
                raise QueryParameterError(f"{where}: longer than {MAX_STRING} characters")
            return ox.Literal(raw)
        if self.type == "integer":
            if not _INTEGER.fullmatch(raw):
                raise QueryParameterError(f"{where}: {quoted(raw, 40)} is not an integer "
                                          "(digits 0-9, at most 15, an optional sign)")
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
        if self.type == "decimal":
            if len(raw) > 40 or not _DECIMAL.fullmatch(raw):
                raise QueryParameterError(f"{where}: {quoted(raw, 40)} is not a number "
                                          "(digits 0-9 and one '.', at most 40 characters)")
            value = Decimal(raw)
            return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
        if self.type == "date":
            try:
                if not _DATE.fullmatch(raw):
                    raise ValueError(raw)
                return ox.Literal(
                    date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(XSD + "date")
                )
            except ValueError:
                raise QueryParameterError(
                    f"{where}: {quoted(raw, 40)} is not a date YYYY-MM-DD") from None
        iri = raw
        if self.type == "curie" and not raw.startswith(("http://", "https://", "urn:")):
            try:
                iri = expand_curie(raw)
            except CurieError as exc:
                raise QueryParameterError(f"{where}: {exc}") from None
        valid = ", ".join(sorted(PREFIXES)) if self.type == "curie" else ""
        hint = f" (a CURIE with one of {valid}, or an http(s) IRI)" if valid else ""
        bad = QueryParameterError(f"{where}: {quoted(raw, 60)} is not a valid IRI{hint}")
        if len(iri) > 2000 or not _IRI.match(iri):
            raise bad
        try:
            return ox.NamedNode(iri)
        except ValueError:
            raise bad from None


@dataclass(frozen=True)
class Evidence:
    """A header's ``evidence``: the detail query that lists what a row of this one counts."""

    query: str
    #: ``(detail parameter, source)``: a column of this query, else one of its parameters.
    params: tuple[tuple[str, str], ...]
    #: ``(detail column, source column)``: the detail rows a row counts have these values.
    match: tuple[tuple[str, str], ...] = ()
    label: str = "the rows counted, with their sources"


@dataclass(frozen=True)
class NamedQuery:
    """One ``queries/<name>.rq`` file: its header and its SPARQL."""

    name: str
    title: str
    description: str
    sparql: str
    path: Path
    params: tuple[Param, ...] = field(default_factory=tuple)
    #: Answered for every parameter value at build time (:mod:`kgcase.answers`): ``""`` (no),
    #: ``"per-report"`` or ``"whole-graph"``.
    materialise: str = ""
    #: The variables the query projects, in order.
    columns: tuple[str, ...] = ()
    evidence: Evidence | None = None

    def bind(self, given: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Turn request parameters into engine bindings; unknown names are an error."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise QueryParameterError(
                f"unknown parameter(s) {', '.join(quoted(u, 40) for u in unknown[:5])}"
                f"{' …' if len(unknown) > 5 else ''} for query {self.name!r}; "
                f"it takes: {names}"
            )
        out: dict[str, ox.NamedNode | ox.Literal] = {}
        for p in self.params:
            raw = given.get(p.name)
            if raw is None or raw == "":
                if p.required and p.default is None:
                    raise QueryParameterError(f"parameter {p.name!r} is required")
                raw = p.default
            if raw is not None:
                out[p.name] = p.to_term(str(raw))
        return out

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (used by the API listing and the docs)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "params": [{**p.__dict__, "enum": [{"value": v, "label": label} for v, label in p.enum],
                        "kind": [{"value": v, "label": label} for v, label in p.kind]}
                       for p in self.params],
        }


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file, or raise :class:`QueryFileError` naming file and line."""
    text = path.read_text(encoding="utf-8")
    header_lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip() and not line.startswith("#"):
            break
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise QueryFileError(f"{path}{line}: the #+ header is not valid YAML: {exc}") from None
    if not isinstance(header, dict) or "title" not in header:
        raise QueryFileError(f"{path}:1: the header needs '#+ title: …' (and description, params)")
    params = tuple(_param(path, i, p) for i, p in enumerate(header.get("params") or []))
    given = header.get("materialise", False)
    materialise = MATERIALISE.get(given) if isinstance(given, bool | str) else None
    if materialise is None:
        raise QueryFileError(f"{path}: the header's 'materialise' is true (per-report), "
                             f"whole-graph or false, not {given!r}")
    extra = set(header) - {"title", "description", "params", "materialise", "evidence"}
    if extra:
        raise QueryFileError(f"{path}: unknown header keys {', '.join(sorted(map(str, extra)))}")
    nq = NamedQuery(
        name=path.stem,
        title=str(header["title"]),
        description=str(header.get("description", "")),
        sparql=text,
        path=path,
        params=params,
        materialise=materialise,
    )
    nq = replace(nq, columns=_check_sparql(nq))
    if header.get("evidence") is not None:
        nq = replace(nq, evidence=_evidence(nq, header["evidence"]))
    return nq


def load_catalogue(directory: Path) -> dict[str, NamedQuery]:
    """Parse every ``*.rq`` in ``directory``; the first broken file raises.

    :raises QueryFileError: also for an ``evidence`` naming a query, parameter or column that
        the catalogue does not have.
    """
    catalogue: dict[str, NamedQuery] = {}
    for path in sorted(directory.glob("*.rq")):
        nq = parse_query_file(path)
        catalogue[nq.name] = nq
    for nq in catalogue.values():
        check_evidence(nq, catalogue)
    return catalogue


def check_evidence(nq: NamedQuery, catalogue: Mapping[str, NamedQuery]) -> None:
    """Check that ``nq``'s evidence names a query of ``catalogue``, its parameters and columns.

    :raises QueryFileError: naming the file and what is wrong.
    """
    ev = nq.evidence
    if ev is None:
        return
    where = f"{nq.path}: evidence"
    detail = catalogue.get(ev.query)
    if detail is None:
        raise QueryFileError(f"{where}: no named query {ev.query!r}; available: "
                             f"{', '.join(sorted(catalogue)) or 'none'}")
    takes = {p.name for p in detail.params}
    for name, _ in ev.params:
        if name not in takes:
            raise QueryFileError(f"{where}: {ev.query} has no parameter {name!r}; it takes: "
                                 f"{', '.join(sorted(takes)) or 'none'}")
    for column, _ in ev.match:
        if column not in detail.columns:
            raise QueryFileError(f"{where}: match: {ev.query} has no column {column!r}; it "
                                 f"projects: {', '.join(detail.columns)}")


def evidence_args(detail: NamedQuery, evidence: Evidence, row: Mapping[str, Any],
                  given: Mapping[str, str], defaults: Mapping[str, str | None]
                  ) -> dict[str, str] | None:
    """The detail query's parameters for one row, as its form and the API take them.

    A source is the row's value of that column, else this query's parameter as given (or its
    default). An IRI becomes a CURIE where the detail parameter is a ``curie`` one. ``None``
    when a value is missing (no link for that row).
    """
    types = {p.name: p.type for p in detail.params}
    out: dict[str, str] = {}
    for name, source in evidence.params:
        value = row.get(source)
        if value is None:
            value = given.get(source) or defaults.get(source)
        if value is None or value == "":
            return None
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if types.get(name) == "curie":
            text = compress_iri(text) or text
        out[name] = text
    return out


def _evidence(nq: NamedQuery, spec: Any) -> Evidence:
    """The header's ``evidence``, its sources checked against this query (the rest on load)."""
    where = f"{nq.path}: evidence"
    if not isinstance(spec, dict) or not isinstance(spec.get("query"), str) \
            or not isinstance(spec.get("params"), dict) or not spec["params"]:
        raise QueryFileError(f"{where}: write 'query: <name>' and 'params: {{detail parameter: "
                             "column or parameter of this query}}'")
    extra = set(spec) - {"query", "params", "match", "label"}
    if extra:
        raise QueryFileError(f"{where}: unknown keys {', '.join(sorted(map(str, extra)))}")
    match = spec.get("match") or {}
    if not isinstance(match, dict):
        raise QueryFileError(f"{where}: 'match' maps detail columns to columns of this query")
    own = {p.name for p in nq.params}
    for key, mapping, allowed in (("params", spec["params"], set(nq.columns) | own),
                                  ("match", match, set(nq.columns))):
        for target, source in mapping.items():
            if str(source) not in allowed:
                raise QueryFileError(
                    f"{where}: {key}: {target!r} <- {source!r}: {source!r} is not a column "
                    f"{'or parameter ' if key == 'params' else ''}of {nq.name} (columns: "
                    f"{', '.join(nq.columns)}; parameters: {', '.join(sorted(own)) or 'none'})")
    label = spec.get("label") or Evidence.label
    return Evidence(query=spec["query"],
                    params=tuple((str(k), str(v)) for k, v in spec["params"].items()),
                    match=tuple((str(k), str(v)) for k, v in match.items()), label=str(label))


def _param(path: Path, index: int, spec: Any) -> Param:
    where = f"{path}: params[{index}]"
    if not isinstance(spec, dict) or "name" not in spec or "type" not in spec:
        raise QueryFileError(f"{where}: each parameter needs 'name' and 'type'")
    if not _NAME.match(str(spec["name"])):
        raise QueryFileError(f"{where}: name {spec['name']!r} must be snake_case")
    if spec["type"] not in PARAM_TYPES:
        raise QueryFileError(
            f"{where}: type {spec['type']!r} is not one of {', '.join(PARAM_TYPES)}"
        )
    extra = set(spec) - {"name", "type", "description", "default", "example", "required", "enum",
                         "kind"}
    if extra:
        raise QueryFileError(f"{where}: unknown keys {', '.join(sorted(extra))}")
    if (spec.get("enum") or spec.get("kind")) and spec["type"] not in ("curie", "iri"):
        raise QueryFileError(f"{where}: 'enum' and 'kind' are for curie and iri parameters")
    param = Param(
        name=str(spec["name"]),
        type=spec["type"],
        description=str(spec.get("description", "")),
        default=None if spec.get("default") is None else str(spec["default"]),
        example=None if spec.get("example") is None else str(spec["example"]),
        required=bool(spec.get("required", False)),
        enum=_labelled(where, "enum", spec.get("enum")),
        kind=_labelled(where, "kind", spec.get("kind")),
    )
    for value in (param.default, param.example):
        if value is not None:
            try:
                param.to_term(value)
            except QueryParameterError as exc:
                raise QueryFileError(f"{where}: {exc}") from None
    return param


def _labelled(where: str, key: str, given: Any) -> tuple[tuple[str, str], ...]:
    """``enum`` or ``kind``: a CURIE, a list of CURIEs, or a mapping of CURIEs to labels."""
    if given is None:
        return ()
    if isinstance(given, str):
        given = [given]
    if isinstance(given, list):
        given = {item: item for item in given}
    if not isinstance(given, dict) or not given:
        raise QueryFileError(f"{where}: {key!r} maps CURIEs to labels (or lists CURIEs)")
    out = []
    for curie, label in given.items():
        try:
            expand_curie(str(curie))
        except CurieError as exc:
            raise QueryFileError(f"{where}: {key} {curie!r}: {exc}") from None
        out.append((str(curie), str(label)))
    return tuple(out)


def _check_sparql(nq: NamedQuery) -> tuple[str, ...]:
    """Parse the query and run it on an empty store with each example bound; its columns back.

    This catches syntax errors and parameters that are not variables of the query (the
    engine binds only variables that the query projects).
    """
    for p in nq.params:
        if not re.search(rf"[?$]{p.name}\b", nq.sparql):
            raise QueryFileError(f"{nq.path}: parameter {p.name!r} is not a variable of the query")
    bindings = {
        ox.Variable(p.name): p.to_term(p.example or p.default)
        for p in nq.params
        if (p.example or p.default) is not None
    }
    try:
        answer = ox.Store().query(nq.sparql, substitutions=bindings or None)
    except SyntaxError as exc:
        raise QueryFileError(f"{nq.path}: SPARQL syntax error: {exc}") from None
    except RuntimeError as exc:
        line = next((n for n, text in enumerate(nq.sparql.splitlines(), start=1)
                     if text.lstrip().upper().startswith("SELECT")), 1)
        raise QueryFileError(
            f"{nq.path}:{line}: cannot bind the parameters ({exc}): the engine binds only "
            "variables the SELECT projects, so add each parameter to the SELECT (and to "
            "GROUP BY if there is one)"
        ) from None
    if isinstance(answer, ox.QuerySolutions):
        return tuple(v.value for v in answer.variables)
    return ()
