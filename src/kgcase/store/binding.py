"""Bind query parameters as text: a ``VALUES`` block of validated terms serialised by rdflib.

Used for every remote store, and on the embedded store for named queries and the pages' effect
queries, where pyoxigraph's ``substitutions`` do not reach its planner: a named query whose
parameter ends a property path ran for minutes at 10 000 reports where the ``VALUES`` form
answers in 0.2 s. The other page queries keep ``substitutions``, which win there
(docs/decisions.md). Terms are checked and serialised, never pasted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')

SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*'
)
_TOKEN = re.compile(r"[{}()]|\bWHERE\b|\b(CONSTRUCT|SELECT|ASK|DESCRIBE)\b", re.IGNORECASE)


def _binding_points(sparql: str) -> list[int]:
    """Offsets just after the ``{`` opening the outermost WHERE group and each sub-SELECT's.

    Strings, IRIs and comments are skipped. A sub-SELECT is evaluated on its own (bottom-up),
    so a binding must be placed inside it too to act as pyoxigraph's ``substitutions`` do.
    """
    points: list[int] = []
    braces = parens = 0
    construct = after_where = False
    pending: list[int] = []  # brace depths of sub-SELECTs whose group has not opened yet
    position = 0
    while position < len(sparql):
        skipped = SKIP.match(sparql, position)
        if skipped:
            position = skipped.end()
            continue
        token = _TOKEN.match(sparql, position)
        if not token:
            position += 1
            continue
        symbol = token.group().upper()
        position = token.end()
        if symbol == "CONSTRUCT" and braces == 0:
            construct = True
        elif symbol == "SELECT" and braces > 0:
            pending.append(braces)
        elif symbol == "WHERE" and braces == 0:
            after_where = True
        elif symbol in ("(", ")"):
            parens += 1 if symbol == "(" else -1
        elif symbol == "{":
            if braces == 0 and parens == 0 and (not construct or after_where) and not points:
                points.append(position)
            elif pending and pending[-1] == braces and parens == 0:
                pending.pop()
                points.append(position)
            braces += 1
        elif symbol == "}":
            braces -= 1
            if braces == 0 and construct and not after_where:  # CONSTRUCT { template } {…}
                after_where = True
    return points


def term_n3(term: ox.NamedNode | ox.Literal) -> str:
    """A validated term in SPARQL syntax, serialised by rdflib."""
    from rdflib import Literal, URIRef  # imported here: workers of the embedded store skip it

    if isinstance(term, ox.NamedNode):
        if IRI_FORBIDDEN.search(term.value):
            raise ValueError(f"not an IRI that can be sent: {term.value!r}")
        return URIRef(term.value).n3()
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language).n3()
        datatype = None if term.datatype.value == XSD_STRING else URIRef(term.datatype.value)
        return Literal(term.value, datatype=datatype, normalize=False).n3()
    raise ValueError(f"cannot bind {term!r}: only IRIs and literals are parameters")


def bind_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal], *,
                as_bind: bool = False) -> str:
    """Return ``sparql`` with ``VALUES (?a ?b) { (t1 t2) }`` at the head of its WHERE group
    and of every sub-SELECT's, which is what pyoxigraph's ``substitutions`` amount to
    (``as_bind``: one ``BIND(t AS ?a)`` per variable there instead, the same single row).

    >>> bind_values('SELECT ?s WHERE { ?s ?p "{" }', {"x": ox.NamedNode("urn:a")})
    'SELECT ?s WHERE { VALUES (?x) { (<urn:a>) } ?s ?p "{" }'
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"not a variable name: {name!r}")
    if as_bind:  # the same single row, as BIND: Virtuoso can hang on VALUES (docs/deploy.md)
        block = "".join(f" BIND({term_n3(t)} AS ?{name})" for name, t in bindings.items())
    else:
        names = " ".join(f"?{name}" for name in bindings)
        block = f" VALUES ({names}) {{ ({' '.join(term_n3(t) for t in bindings.values())}) }}"
    points = _binding_points(sparql)
    if not points:
        raise ValueError("cannot bind parameters: the query has no WHERE group")
    for at in reversed(points):
        sparql = sparql[:at] + block + sparql[at:]
    return sparql
