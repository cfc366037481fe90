"""Which named queries a build answers ahead of time, and the form it runs them in.

A named query whose header says ``#+ materialise: true`` (or ``per-report``) is answered for
every value of its parameters at build time. Its author asserts what makes that exact: **every
answer row comes from one case report and the ontology** (an effect, its exposure, patient and
source are all in the report that states them). The build then runs the query with its
parameters unbound over a few reports at a time (:mod:`kgcase.answers.evaluate`), and the union
of those rows, filtered by the parameter values, is the answer over the whole graph.

``#+ materialise: whole-graph`` is for a query of what the build adds up over every report (the
effect summaries) or of the ontology alone: it is run once, with its parameters unbound, over the
built store. Its author asserts that it is cheap to run so, and that binding a parameter only
filters its rows. ``tests/test_answers.py`` holds every materialised answer against the same
query run on the built store with its parameters bound.

What a plan needs from the query, checked when it is loaded (a :class:`QueryFileError` names the
file otherwise): a SELECT whose parameters are all IRIs (a literal could match by value, not by
text), with an ``ORDER BY`` of plain variables and no ``LIMIT`` or ``OFFSET``. ORDER BY variables
that the query does not project are added to the SELECT of the form run at build time, which
needs them for the order; a ``DISTINCT`` query must project them itself, since adding one would
change which rows are distinct.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from kgcase.answers.table import AnswerRequest
from kgcase.errors import QueryFileError
from kgcase.queries import NamedQuery, load_catalogue

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "byte", "nonNegativeInteger", "positiveInteger",
                             "nonPositiveInteger", "negativeInteger", "unsignedInt",
                             "unsignedLong", "unsignedShort", "unsignedByte")}
_SELECT = re.compile(r"(?mi)^(SELECT(?:\s+(?:DISTINCT|REDUCED))?)(?=\s)")


@dataclass(frozen=True)
class AnswerPlan:
    """How the build runs one materialised query, and how its rows are keyed and ordered."""

    name: str
    digest: str  # of the query text: a table serves only the text it was built from
    sparql: str  # the query as run at build time (ORDER BY variables projected)
    columns: tuple[str, ...]  # the variables the query itself projects, in order
    params: tuple[str, ...]  # the parameter variables, in the header's order
    order: tuple[tuple[str, bool], ...]  # ORDER BY: (variable, descending)
    distinct: bool
    concat: tuple[tuple[str, str], ...] = ()  # GROUP_CONCAT columns and their separators
    scope: str = "per-report"  # or "whole-graph": run once over the built store


def query_digest(sparql: str) -> str:
    """The digest a table records for the text of the query it answers."""
    return hashlib.sha256(sparql.encode()).hexdigest()


def plan_for(named: NamedQuery) -> AnswerPlan:
    """The build-time form of a ``materialise: true`` query.

    :raises QueryFileError: the query is not one a table can answer exactly (see above).
    """
    where = f"{named.path}: materialise: {named.materialise}"
    bad = [p.name for p in named.params if p.type not in ("iri", "curie")]
    if bad:
        raise QueryFileError(f"{where} needs IRI parameters; {', '.join(bad)} is not one "
                             "(drop materialise, or make the parameter an iri or curie)")
    algebra = translateQuery(parseQuery(named.sparql)).algebra
    if algebra.name != "SelectQuery":
        raise QueryFileError(f"{where} needs a SELECT query")
    node, distinct = algebra.p, False
    while node.name in ("Distinct", "Reduced", "Project", "Slice"):
        if node.name == "Slice":
            raise QueryFileError(f"{where}: the query has its own LIMIT or OFFSET; drop it "
                                 "(the API pages with _limit and _offset)")
        distinct = distinct or node.name == "Distinct"
        node = node.p
    if node.name != "OrderBy":
        raise QueryFileError(f"{where} needs an ORDER BY, so that its answer has one order")
    order = tuple(_condition(where, c) for c in node.expr)
    columns = tuple(v.value for v in ox.Store().query(named.sparql).variables)
    extra = [v for v, _ in order if v not in columns]
    sparql = named.sparql
    if extra and distinct:
        raise QueryFileError(f"{where}: a DISTINCT query must SELECT what it orders by "
                             f"({', '.join('?' + v for v in extra)})")
    if extra:
        sparql, n = _SELECT.subn(lambda m: m.group(1) + "".join(f" ?{v}" for v in extra),
                                 sparql, count=1)
        projected = tuple(v.value for v in ox.Store().query(sparql).variables)
        if n != 1 or projected != (*extra, *columns):
            raise QueryFileError(f"{where}: cannot add {', '.join(extra)} to the SELECT; "
                                 "start the query's own SELECT on a line of its own")
    concat = tuple((c, sep) for c, sep in _group_concats(algebra).items() if c in columns)
    return AnswerPlan(named.name, query_digest(named.sparql), sparql, columns,
                      tuple(p.name for p in named.params), order, distinct, concat,
                      named.materialise)


def _group_concats(node: object) -> dict[str, str]:
    """Projected variables bound to a GROUP_CONCAT, with its separator."""
    separators: dict[str, str] = {}  # rdflib's internal result variable -> separator
    bound: dict[str, str] = {}  # internal result variable -> the variable it is bound to

    def walk(n: object) -> None:
        if isinstance(n, CompValue):
            if n.name == "Aggregate_GroupConcat":
                sep = n.get("separator")
                separators[str(n.res)] = " " if sep is None else str(sep)
            elif n.name == "Extend" and isinstance(n.expr, Variable):
                bound[str(n.expr)] = str(n.var)
            for value in n.values():
                walk(value)
        elif isinstance(n, list | tuple):
            for value in n:
                walk(value)

    walk(node)
    return {bound[res]: sep for res, sep in separators.items() if res in bound}


def natural_parts(text: str, separator: str) -> str:
    """The parts of a GROUP_CONCAT in natural order ("4, 5, 10"): SPARQL leaves their order to
    the engine, and engines differ, so the tables fix one."""
    parts = text.split(separator)
    return separator.join(sorted(parts, key=lambda part: [
        (0, int(piece), "") if piece.isdigit() else (1, 0, piece)
        for piece in re.split(r"(\d+)", part)]))


def _condition(where: str, condition: object) -> tuple[str, bool]:
    descending = False
    if isinstance(condition, CompValue) and condition.name == "OrderCondition":
        descending = condition.get("order") == "DESC"
        condition = condition.expr
    if not isinstance(condition, Variable):
        raise QueryFileError(f"{where}: ORDER BY may list only variables (with ASC or DESC); "
                             "BIND an expression to a variable first")
    return str(condition), descending


def param_key(values: Sequence[ox.NamedNode | ox.Literal | None]) -> str:
    """The key of one combination of parameter values (N-Triples terms, tab-separated)."""
    return "\t".join("" if v is None else str(v) for v in values)


def sort_key(values: Sequence[object], order: Sequence[tuple[str, bool]],
             encode: Callable[[object], bytes] | None = None) -> bytes:
    """A byte string whose order (``memcmp``, as SQLite sorts a BLOB) is the ORDER BY's.

    Each value is encoded as SPARQL orders it, and as pyoxigraph does for values of one kind:
    unbound, then blank nodes, IRIs, and literals; numbers by value, other literals by their text
    (code point order, which is UTF-8 byte order). The encoding is prefix-free, so a descending
    condition is the same bytes inverted. Literals of different kinds in one column (numbers and
    strings) have no order in SPARQL; pyoxigraph's and this one may differ there. ``encode``
    stands in for :func:`encode_value` (a cache of it, say).
    """
    encode = encode or encode_value
    out = bytearray()
    for value, (_, descending) in zip(values, order, strict=True):
        part = encode(value)
        out += part.translate(_INVERT) if descending else part
    return bytes(out)


_INVERT = bytes(range(255, -1, -1))


def encode_value(value: object) -> bytes:
    """One value's part of a :func:`sort_key`, ascending."""
    if value is None:
        return b"\x00"
    if isinstance(value, ox.BlankNode):
        return b"\x01" + _text(value.value)
    if isinstance(value, ox.NamedNode):
        return b"\x02" + _text(value.value)
    if isinstance(value, ox.Literal):
        if value.datatype.value in NUMERIC:
            number = _number(value.value)
            if number is not None:
                return b"\x03" + _double(number)
        return b"\x04" + _text(value.value)
    return b"\x05" + _text(str(value))


def _number(text: str) -> float | None:
    try:
        return float(Decimal(text.strip()))
    except (InvalidOperation, ValueError, OverflowError):
        try:
            return float(text)  # INF, NaN, 1e400
        except ValueError:
            return None


def _double(number: float) -> bytes:
    """8 bytes whose unsigned order is the number's (IEEE 754 with the sign bit flipped)."""
    (bits,) = struct.unpack(">Q", struct.pack(">d", number))
    return struct.pack(">Q", bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | 1 << 63)


def _text(text: str) -> bytes:
    """UTF-8, with 0x00 escaped and a 0x00 0x00 terminator: prefix-free, order kept."""
    return text.encode("utf-8", "surrogatepass").replace(b"\x00", b"\x00\xff") + b"\x00\x00"


def answer_plans(directory: Path, cache_dir: Path | None = None) -> tuple[AnswerPlan, ...]:
    """The plans of the ``materialise: true`` queries of ``directory`` (none if it is absent),
    kept in ``cache_dir`` by the text they were made from: parsing a query with rdflib costs
    about a second of a build that changes one report.

    :raises QueryFileError: a query file that cannot be loaded, or materialised.
    """
    if not directory.is_dir():
        return ()
    return tuple(_cached_plan(q, cache_dir) for q in load_catalogue(directory).values()
                 if q.materialise)


def _cached_plan(named: NamedQuery, cache_dir: Path | None) -> AnswerPlan:
    if cache_dir is None:
        return plan_for(named)
    from kgcase import __version__

    key = hashlib.sha256(json.dumps([__version__, named.name, named.sparql, named.materialise,
                                     [[p.name, p.type] for p in named.params]]).encode())
    path = cache_dir / "plans" / f"{key.hexdigest()}.json"
    try:
        d = json.loads(path.read_text())
        return AnswerPlan(d["name"], d["digest"], d["sparql"], tuple(d["columns"]),
                          tuple(d["params"]), tuple((v, bool(o)) for v, o in d["order"]),
                          bool(d["distinct"]), tuple((c, sep) for c, sep in d["concat"]),
                          d["scope"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    plan = plan_for(named)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(asdict(plan)))
    tmp.replace(path)
    return plan


def answer_request(named: NamedQuery, bindings: Mapping[str, ox.NamedNode | ox.Literal],
                   offset: int = 0) -> AnswerRequest | None:
    """Where a build's tables hold this answer: a materialised query, every parameter bound."""
    names = [p.name for p in named.params]
    if not named.materialise or any(name not in bindings for name in names):
        return None
    return AnswerRequest(named.name, query_digest(named.sparql),
                         param_key([bindings[name] for name in names]), offset)
