"""The columns of a ``SELECT *`` in the order the query names them.

pyoxigraph gives the variables of ``SELECT *`` sorted by name (``?o ?p ?s``); people read a
table's columns in the order they wrote the variables (``?s ?p ?o``), and YASGUI shows the
``head.vars`` it is sent. SPARQL leaves the order open, so the service picks the natural one.
"""

from __future__ import annotations

import re

#: Comments, strings and IRIs (skipped), then a variable, then the keyword SELECT.
_TOKEN = re.compile(r"""(?P<skip>\#[^\n]*|"{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|"(?:[^"\\\n]|\\.)*"
                        |'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>)
                      |[?$](?P<var>[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
                      |(?P<select>\bSELECT\b)""", re.VERBOSE | re.IGNORECASE)
_STAR = re.compile(r"\s*(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)


def star_order(sparql: str, columns: list[str]) -> list[str]:
    """``columns`` in the order their variables first appear in ``sparql`` if its (first)
    SELECT is ``SELECT *``; otherwise, or for any column not found, as given.

    >>> star_order("SELECT * WHERE { ?s ?p ?o }", ["o", "p", "s"])
    ['s', 'p', 'o']
    >>> star_order("SELECT ?o ?s WHERE { ?s ?p ?o }", ["o", "s"])
    ['o', 's']
    """
    seen: list[str] = []
    star = False
    for match in _TOKEN.finditer(sparql):
        if match.group("select") and not star:
            if not _STAR.match(sparql, match.end()):
                return columns
            star = True
        elif match.group("var") and star and match.group("var") not in seen:
            seen.append(match.group("var"))
    if not star:
        return columns
    wanted = set(columns)
    ordered = [name for name in seen if name in wanted]
    return ordered + [name for name in columns if name not in set(ordered)]
