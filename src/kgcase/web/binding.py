"""Bind named-query parameters for a *remote* endpoint, where pyoxigraph substitutions don't exist.

The terms are validated by ``NamedQuery.bind`` and serialised by pyoxigraph (``str(term)`` is
N-Triples, escaped), then placed in a ``VALUES`` block as the first element of the query's
outermost ``WHERE`` group. Placed there, the values are in scope for every ``FILTER``, ``BIND``,
``GROUP BY`` and ``HAVING`` of the query — unlike a trailing ``VALUES`` clause, which is joined
after them. The result is re-parsed before it is sent.

>>> import pyoxigraph as ox
>>> bind_with_values('SELECT ?s WHERE { ?s ?p "{" FILTER(?s = ?x) }', {"x": ox.NamedNode("urn:a")})
'SELECT ?s WHERE { VALUES (?x) { (<urn:a>) } ?s ?p "{" FILTER(?s = ?x) }'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from kgcase.web.gate import check_query

#: Tokens inside which braces do not count: strings (long and short), IRIs, comments.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*'
)
_STRUCTURE = re.compile(r"[{}()]|\bWHERE\b", re.IGNORECASE)


def _structure(sparql: str) -> Iterator[tuple[int, str]]:
    """Positions of braces, parentheses and WHERE outside strings, IRIs and comments."""
    position = 0
    while position < len(sparql):
        skipped = _SKIP.match(sparql, position)
        if skipped:
            position = skipped.end()
            continue
        found = _STRUCTURE.match(sparql, position)
        if found:
            yield position, found.group().upper()
            position = found.end()
        else:
            position += 1


def _where_group(sparql: str, form: str) -> int | None:
    """Offset just after the ``{`` opening the outermost WHERE group (``None``: no group)."""
    braces = parens = 0
    groups: list[int] = []
    after_where = False
    for position, symbol in _structure(sparql):
        if symbol == "(":
            parens += 1
        elif symbol == ")":
            parens -= 1
        elif symbol == "WHERE" and braces == 0:
            after_where = True
        elif symbol == "{":
            if braces == 0 and parens == 0:
                groups.append(position + 1)
                if form != "construct" or after_where:
                    return position + 1
            braces += 1
        elif symbol == "}":
            braces -= 1
    return groups[0] if groups else None


def bind_with_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Return ``sparql`` with a VALUES block binding ``bindings`` at the head of its WHERE group."""
    if not bindings:
        return sparql
    checked = check_query(sparql)
    names = " ".join(f"?{name}" for name in bindings)
    block = f" VALUES ({names}) {{ ({' '.join(str(t) for t in bindings.values())}) }}"
    at = _where_group(sparql, checked.form)
    bound = f"{sparql}\n{block.strip()}" if at is None else sparql[:at] + block + sparql[at:]
    check_query(bound)
    return bound
