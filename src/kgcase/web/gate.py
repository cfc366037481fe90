"""The safety gate: parse a request with rdflib's SPARQL parser before anything runs it.

Oxigraph has an HTTP client and would follow ``SERVICE <…>`` by itself, so a query is parsed and
its algebra walked here, in the web process, before it reaches a worker:

* an update (``INSERT``, ``LOAD`` …) sent as a query is refused;
* every ``SERVICE`` (also inside sub-queries, ``OPTIONAL``, with a prefixed name or a variable) is
  refused unless its IRI is on the allow-list — a variable never is;
* the form (SELECT/ASK/CONSTRUCT/DESCRIBE) picks the formats offered, the dataset clause decides
  how the default graph is built, and ``NOW()``, ``RAND()``, ``UUID()`` or ``BNODE()`` make a
  query uncacheable.

Text inside strings, IRIs and comments never counts: this is a real parse, not a search.

Parsing with rdflib costs 1–3 ms of pure-Python CPU, and rdflib's parser is not thread-safe, so
it runs under a lock. Most queries skip it: :func:`quick_check` lets a query through *unparsed*
when its text (after ``\\u`` escapes, case-folded) contains none of ``service``, ``from``,
``now``, ``rand``, ``uuid``, ``bnode``. Such a text cannot hold a SERVICE clause or a dataset
clause, nor a volatile function, so nothing the gate decides depends on it; the worker's engine
parses it and tells its form. This only ever sends *more* queries to the full parse.

:func:`quick_check` also marks a query ``bounded`` when its whole text is a SELECT or ASK of one
triple pattern — ``SELECT ?p ?o WHERE { <x> ?p ?o } LIMIT 10`` — with no variable twice, and
nothing else but ``PREFIX`` lines: no ``FILTER``, ``DISTINCT``, ``ORDER BY``, ``OFFSET``, comment or
escape. The engine streams such a query from one index range, one step per row, so reading the
``max_rows + 1`` rows the service reads at most costs what that many index steps cost, whatever the
store's size. The service runs such a query in the web process, without the hop to a worker that
makes the time limit enforceable (docs/decisions.md, "Lookups run in the web process").
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from kgcase.store.remote import boolean_bindings
from kgcase.web.errors import QueryRefusedError, QuerySyntaxError

QueryForm = Literal["select", "ask", "construct", "describe"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}
_VOLATILE = {"Builtin_NOW", "Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}
#: A query whose text holds none of these (case-folded) needs no parse here (see above).
_TRIGGERS = ("service", "from", "now", "rand", "uuid", "bnode")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_RDFLIB = threading.Lock()  # rdflib's pyparsing grammar is not safe across threads

# The one-pattern queries marked ``bounded``: the text matches as a whole, or not at all. The
# classes below exclude ``\\`` (escapes), ``#`` outside an IRI (comments), braces and quotes.
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_VAR = r"[?$][A-Za-z0-9_]+"
_PNAME = r"(?:[A-Za-z][\w.-]*)?:[\w.-]*"
_TERM = rf"({_IRI}|{_VAR}|{_PNAME}|a)"
_ONE_PATTERN = re.compile(
    rf"\s*(?:PREFIX\s+(?:[A-Za-z][\w.-]*)?:\s*{_IRI}\s*)*"
    rf"(SELECT\s+(?:\*|(?:{_VAR}\s*)+)|ASK)\s*(?:WHERE\s*)?"
    rf"\{{\s*{_TERM}\s+{_TERM}\s+{_TERM}\s*\.?\s*\}}\s*(?:LIMIT\s+\d+\s*)?",
    re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class CheckedQuery:
    """What the gate learnt about a query it let through."""

    form: QueryForm | None  # None: not parsed here; the engine will tell
    has_dataset: bool  # FROM / FROM NAMED in the query itself
    cacheable: bool
    services: tuple[str, ...] = ()
    projected: tuple[str, ...] = ()  # SELECT variables (pyoxigraph binds only these)
    booleans: tuple[str, ...] = ()  # bound to a boolean expression (Virtuoso answers 1/0)
    sliced: bool = False  # LIMIT or OFFSET on the outer query
    ordered: bool = False  # ORDER BY on the outer query
    bounded: bool = False  # one streamed triple pattern: safe to run without a time limit

    @property
    def pageable(self) -> bool:
        """Can the API page it by adding LIMIT and OFFSET (a SELECT in a fixed order)?"""
        return self.form == "select" and self.ordered and not self.sliced


def _walk(node: Any, found: dict[str, list[Any]]) -> None:
    """Collect SERVICE terms and volatile built-ins anywhere in an rdflib algebra tree."""
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found["services"].append(node.get("term"))
        elif node.name in _VOLATILE:
            found["volatile"].append(node.name)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list | tuple | set):
        for value in node:
            _walk(value, found)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, found)


def _refuse_services(terms: list[Any], allowed: frozenset[str]) -> tuple[str, ...]:
    iris = []
    for term in terms:
        if not isinstance(term, URIRef):
            raise QueryRefusedError(
                f"SERVICE {term.n3()} is refused: a SERVICE endpoint must be a fixed IRI "
                "on the service_allowlist setting"
            )
        if str(term) not in allowed:
            listed = ", ".join(sorted(allowed)) or "empty"
            raise QueryRefusedError(
                f"SERVICE <{term}> is refused: federated queries may only call endpoints on the "
                f"service_allowlist setting (now {listed})"
            )
        iris.append(str(term))
    return tuple(iris)


def _unescape(match: re.Match[str]) -> str:
    try:
        return chr(int(match.group(1) or match.group(2), 16))
    except (ValueError, OverflowError):
        return "service"  # an invalid escape: let the full parse judge the text


def quick_check(text: str) -> CheckedQuery | None:
    """Let ``text`` through unparsed if it cannot hold what the gate looks for, else ``None``.

    >>> quick_check("SELECT ?p ?o WHERE { <urn:x> ?p ?o }").form is None
    True
    >>> quick_check("SELECT * WHERE { SERVI\\u0043E <urn:x> { ?s ?p ?o } }") is None
    True
    """
    folded = _ESCAPE.sub(_unescape, text).casefold()
    if any(word in folded for word in _TRIGGERS):
        return None
    return CheckedQuery(form=None, has_dataset=False, cacheable=True, bounded=one_pattern(text))


def one_pattern(text: str) -> bool:
    """Is ``text`` a SELECT or ASK of a single triple pattern, with no variable twice?

    >>> one_pattern("SELECT ?p ?o WHERE { <urn:x> ?p ?o } LIMIT 5")
    True
    >>> one_pattern("SELECT ?s WHERE { ?s ?p ?s }")  # a filter on a scan of the whole store
    False
    """
    match = _ONE_PATTERN.fullmatch(text)
    if match is None:
        return False
    names = [term[1:] for term in match.groups()[1:] if term[0] in "?$"]
    return len(names) == len(set(names))


def _translate(parsed: Any, translate: Any) -> Any:
    try:
        return translate(parsed)
    # rdflib raises a bare Exception for an undeclared prefix ("Unknown namespace prefix : x");
    # anything it raises while resolving the parse tree means the request is malformed.
    except Exception as exc:
        raise QuerySyntaxError(f"the query cannot be resolved: {exc}") from None


@lru_cache(maxsize=4096)
def check_query(text: str, allowed_services: frozenset[str] = frozenset()) -> CheckedQuery:
    """Parse ``text`` as a SPARQL query and apply the rules above.

    :raises QuerySyntaxError: the text is not a SPARQL query (400).
    :raises QueryRefusedError: it is an update, or calls a SERVICE not on the list (403).
    """
    with _RDFLIB:
        try:
            parsed = parseQuery(text)
        except ParseException as exc:
            try:
                parseUpdate(text)
            except ParseException:
                raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
            raise QueryRefusedError(
                "SPARQL Update is not accepted at /sparql: the endpoint is read-only "
                "(the graph changes only through `kgcase build`, or /sparql/update when an "
                "admin token is configured)"
            ) from None
        algebra = _translate(parsed, translateQuery).algebra
    found: dict[str, list[Any]] = {"services": [], "volatile": []}
    _walk(algebra, found)
    return CheckedQuery(
        form=_FORMS[algebra.name],
        has_dataset=bool(algebra.get("datasetClause")),
        cacheable=not found["volatile"],
        services=_refuse_services(found["services"], allowed_services),
        projected=tuple(str(v) for v in algebra.get("PV") or ()),
        booleans=tuple(sorted(boolean_bindings(algebra))),
        sliced=algebra.p.name == "Slice",
        ordered=_outer_order(algebra.p),
    )


def _outer_order(node: CompValue) -> bool:
    """Is there an ``ORDER BY`` under the outer query's LIMIT, DISTINCT and projection?"""
    while node.name in ("Slice", "Distinct", "Reduced", "Project"):
        node = node.p
    return node.name == "OrderBy"


def check_update(text: str) -> None:
    """Parse ``text`` as a SPARQL Update; refuse ``LOAD`` (files, network) and any ``SERVICE``.

    :raises QuerySyntaxError: not a SPARQL Update (400).
    :raises QueryRefusedError: it loads a document or calls a remote endpoint (403).
    """
    with _RDFLIB:
        try:
            parsed = parseUpdate(text)
        except ParseException as exc:
            raise QuerySyntaxError(f"SPARQL Update syntax error: {exc}") from None
        update = _translate(parsed, translateUpdate)
    for operation in update.algebra:
        if operation.name == "Load":
            raise QueryRefusedError("LOAD is refused: the update endpoint reads no file or URL")
    found: dict[str, list[Any]] = {"services": [], "volatile": []}
    _walk(list(update.algebra), found)
    _refuse_services(found["services"], frozenset())
