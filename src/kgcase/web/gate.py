"""The safety gate: decide what a request's SPARQL may do, on the text the engine will run.

A request's text is first normalised (:func:`kgcase.web.lexer.normalise`: comments removed,
escapes decoded, nesting bounded), and from then on that text is the only one: the gate decides on
it and the engine runs it, so no comment or escape can read one way to the gate and another to the
engine (docs/security.md). On it, rdflib's SPARQL parser and an algebra walk decide that

* an update (``INSERT``, ``LOAD`` …) sent as a query is refused; a text with no query at all
  (empty, comments, ``PREFIX`` lines) is a syntax error;
* every ``SERVICE`` (also inside sub-queries, ``OPTIONAL``, with a prefixed name or a variable) is
  refused unless its IRI is on the allow-list — a variable never is — and the parse must find as
  many ``SERVICE`` clauses as the lexer saw ``SERVICE`` keywords, or the query is refused;
* the form (SELECT/ASK/CONSTRUCT/DESCRIBE) picks the formats offered, the dataset clause decides
  how the default graph is built.

rdflib's parse is pure-Python CPU (1–3 ms, and seconds for a large text) and its parser is not
thread-safe, so the web process never runs it for a request: :func:`prepare_query` only
normalises and scans the text, and a text that needs the parse has it done by the query worker
that then runs it, inside that worker's time limit (``Job.gate``). Most queries need none:
a text (normalised, case-folded) with none of ``service``, ``from``, ``load`` cannot hold a
SERVICE or dataset clause, so nothing the gate decides depends on its parse. A text with
``now``, ``rand``, ``uuid`` or ``bnode`` anywhere is not cached.

:func:`prepare_query` also marks a query ``bounded`` when its whole text is a SELECT or ASK of one
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

from kgcase.errors import KgcaseError
from kgcase.store.remote import boolean_bindings
from kgcase.web.errors import QueryRefusedError, QuerySyntaxError
from kgcase.web.lexer import normalise

QueryForm = Literal["select", "ask", "construct", "describe"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}
_VOLATILE = {"Builtin_NOW", "Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}
#: A query whose text holds none of these (case-folded) needs no parse (see above).
_TRIGGERS = ("service", "from", "load")
#: A query whose text holds one of these is not cached (NOW(), RAND(), UUID(), BNODE()).
_VOLATILE_WORDS = ("now", "rand", "uuid", "bnode")
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
    """What the gate learnt about a query it let through, and the text to run."""

    form: QueryForm | None  # None: not parsed here; the engine will tell
    has_dataset: bool  # FROM / FROM NAMED in the query itself
    cacheable: bool
    services: tuple[str, ...] = ()
    projected: tuple[str, ...] = ()  # SELECT variables (pyoxigraph binds only these)
    booleans: tuple[str, ...] = ()  # bound to a boolean expression (Virtuoso answers 1/0)
    sliced: bool = False  # LIMIT or OFFSET on the outer query
    ordered: bool = False  # ORDER BY on the outer query
    bounded: bool = False  # one streamed triple pattern: safe to run without a time limit
    text: str = ""  # the normalised text: what the engine runs (set by prepare_query)
    parse: bool = False  # rdflib's parse is still due: the worker does it before running
    service_words: int = 0  # SERVICE keywords the lexer saw, held against the parse

    @property
    def pageable(self) -> bool:
        """Can the API page it by adding LIMIT and OFFSET (a SELECT in a fixed order)?"""
        return self.form == "select" and self.ordered and not self.sliced


_NO_QUERY = ("the request holds no query (only white space, comments or PREFIX lines): send a "
             "SELECT, ASK, CONSTRUCT or DESCRIBE query")
_PROLOGUE_ONLY = re.compile(
    rf"\s*(?:(?:PREFIX\s+(?:[A-Za-z][\w.-]*)?:|BASE)\s*{_IRI}\s*)*", re.IGNORECASE)


def prepare_query(raw: str, *, max_depth: int = 100) -> CheckedQuery:
    """Normalise a request's query and say what is left to check; no parse happens here.

    :raises QuerySyntaxError: the text cannot be normalised (400, see :mod:`kgcase.web.lexer`).

    >>> prepare_query("SELECT ?p ?o WHERE { <urn:x> ?p ?o }").parse
    False
    >>> prepare_query("SELECT * WHERE { # x\\rSERVICE <urn:x> { ?s ?p ?o } }").parse
    True
    """
    normalised = normalise(raw, max_depth=max_depth)
    text = normalised.text
    if _PROLOGUE_ONLY.fullmatch(text):
        raise QuerySyntaxError(_NO_QUERY)
    folded = text.casefold()
    return CheckedQuery(
        form=None, has_dataset=False,
        cacheable=not any(word in folded for word in _VOLATILE_WORDS),
        bounded=one_pattern(text), text=text,
        parse=any(word in folded for word in _TRIGGERS),
        service_words=normalised.service_words,
    )


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


_UPDATE_REFUSED = (
    "SPARQL Update is not accepted at /sparql: the endpoint is read-only (the graph changes only "
    "through `kgcase build`, or /sparql/update when an admin token is configured)"
)


def _parse(parse: Any, text: str) -> Any:
    """``parse(text)`` under the lock; a parse that recurses too deep is the client's 400."""
    try:
        return parse(text)
    except RecursionError:
        raise QuerySyntaxError(
            "the query nests too deeply to be parsed: flatten it (fewer nested groups or "
            "parentheses)"
        ) from None


def _no_query(exc: ParseException, text: str) -> KgcaseError:
    """The error for a text that is not a query: a refused update, or a syntax error."""
    try:
        update = _parse(parseUpdate, text)
    except ParseException:
        return QuerySyntaxError(f"SPARQL syntax error: {exc}")
    if "request" not in update:  # CompValue.get() answers the key itself when it is missing
        return QuerySyntaxError(_NO_QUERY)
    return QueryRefusedError(_UPDATE_REFUSED)


#: Verdicts on texts up to this size are kept (up to 1 024 of them): larger texts are rare, and
#: keeping them would let a client fill a worker's memory with the texts it sent.
_CACHED_TEXT = 16_384


def check_query(text: str, allowed_services: frozenset[str] = frozenset(),
                service_words: int | None = None) -> CheckedQuery:
    """Parse ``text`` (normalised) as a SPARQL query and apply the rules above.

    ``service_words`` is how many ``SERVICE`` keywords the lexer saw in the text; the parse must
    find as many SERVICE clauses, or the two readings disagree and the query is refused.

    :raises QuerySyntaxError: the text is not a SPARQL query (400).
    :raises QueryRefusedError: it is an update, or calls a SERVICE not on the list (403).
    """
    if len(text) <= _CACHED_TEXT:
        return _cached_check(text, allowed_services, service_words)
    return _check(text, allowed_services, service_words)


def _check(text: str, allowed_services: frozenset[str],
           service_words: int | None) -> CheckedQuery:
    with _RDFLIB:
        try:
            parsed = _parse(parseQuery, text)
        except ParseException as exc:
            raise _no_query(exc, text) from None
        algebra = _translate(parsed, translateQuery).algebra
    found: dict[str, list[Any]] = {"services": [], "volatile": []}
    _walk(algebra, found)
    if service_words is not None and len(found["services"]) != service_words:
        raise QueryRefusedError(
            f"the query is refused: it holds {service_words} SERVICE keyword(s) outside strings "
            f"and IRIs, but parses to {len(found['services'])} SERVICE call(s); write SERVICE "
            "only as a keyword, separated from the names around it by white space"
        )
    return CheckedQuery(
        form=_FORMS[algebra.name],
        has_dataset=bool(algebra.get("datasetClause")),
        cacheable=not found["volatile"],
        services=_refuse_services(found["services"], allowed_services),
        projected=tuple(str(v) for v in algebra.get("PV") or ()),
        booleans=tuple(sorted(boolean_bindings(algebra))),
        sliced=algebra.p.name == "Slice",
        ordered=_outer_order(algebra.p),
        text=text,
    )


_cached_check = lru_cache(maxsize=1024)(_check)


def _outer_order(node: CompValue) -> bool:
    """Is there an ``ORDER BY`` under the outer query's LIMIT, DISTINCT and projection?"""
    while node.name in ("Slice", "Distinct", "Reduced", "Project"):
        node = node.p
    return node.name == "OrderBy"


def check_update(text: str, *, service_words: int | None = None,
                 load_words: int | None = None) -> None:
    """Parse ``text`` (normalised) as a SPARQL Update; refuse ``LOAD`` (files, network) and any
    ``SERVICE``, and a text whose keywords the parse does not account for.

    :raises QuerySyntaxError: not a SPARQL Update, or one with no operation (400).
    :raises QueryRefusedError: it loads a document or calls a remote endpoint (403).
    """
    with _RDFLIB:
        try:
            parsed = _parse(parseUpdate, text)
        except ParseException as exc:
            raise QuerySyntaxError(f"SPARQL Update syntax error: {exc}") from None
        if "request" not in parsed:
            raise QuerySyntaxError(
                "the update holds no operation (only white space, comments or PREFIX lines)"
            )
        update = _translate(parsed, translateUpdate)
    if load_words or any(operation.name == "Load" for operation in update.algebra):
        raise QueryRefusedError("LOAD is refused: the update endpoint reads no file or URL")
    found: dict[str, list[Any]] = {"services": [], "volatile": []}
    _walk(list(update.algebra), found)
    if service_words:
        raise QueryRefusedError("SERVICE is refused in an update: it calls no other endpoint")
    _refuse_services(found["services"], frozenset())
