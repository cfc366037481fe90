"""Bind named-query parameters as text, for places that cannot use pyoxigraph substitutions.

``kgcase query --endpoint`` and the editor's examples need the bound query itself. The
placement is the remote store's (:func:`kgcase.store.remote.bind_values`: a ``VALUES`` block
at the head of the WHERE group and of every sub-SELECT's); this module adds the safety gate
before and after.

>>> import pyoxigraph as ox
>>> bind_with_values('SELECT ?s WHERE { ?s ?p "{" FILTER(?s = ?x) }', {"x": ox.NamedNode("urn:a")})
'SELECT ?s WHERE { VALUES (?x) { (<urn:a>) } ?s ?p "{" FILTER(?s = ?x) }'
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from kgcase.store.binding import bind_values
from kgcase.web.gate import check_query


def bind_with_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Return ``sparql`` with its parameters bound by a VALUES block, checked by the gate."""
    if not bindings:
        return sparql
    check_query(sparql)
    bound = bind_values(sparql, bindings)
    check_query(bound)
    return bound
