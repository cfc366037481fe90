"""Parameters of a kind: values checked against the graph, and search restricted to the kind.

A named query's header may say which kind of resource a parameter takes (``kind:`` in
:mod:`kgcase.queries`): a value is of the kind when it is one of the classes, a subclass of one,
or an individual of one. The classes come from the header, never from a request; the value is
bound by the engine (pyoxigraph ``substitutions``), never pasted into the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from kgcase.errors import QueryParameterError, StoreUnavailableError, quoted
from kgcase.iris import expand_curie
from kgcase.queries import NamedQuery, Param

#: A row when ``?x`` is of one of the classes listed in ``{kinds}`` (a ``VALUES ?kind``
#: block), none otherwise. Not ``BIND(EXISTS {…} AS ?ok)``: pyoxigraph evaluates that EXISTS
#: without the bound ``?x``, over every typed resource, which took 50-60 s at 1 000 reports
#: (so every kind-checked named query ran into the time limit); this form walks the path from
#: ``?x`` and takes about a millisecond there (docs/benchmarks.md, 2026-12-07).
MEMBER = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x WHERE {{ {kinds} ?x rdf:type?/rdfs:subClassOf* ?kind }} LIMIT 1"""
#: Put into the search's inner query, after its text filter: only the classes of the kind. Not
#: their individuals: ``rdf:type?/`` (or a UNION with ``?s a ?t``) here made a search of the
#: seed graph run past the 30 s limit instead of 0.07 s; the kinds the queries name are classes.
SEARCH_FILTER = "FILTER(CONTAINS(?lt, ?q))"
KIND_FILTER = "\n       FILTER EXISTS {{ {kinds} ?s rdfs:subClassOf* ?kind }}"


def kinds_block(curies: Iterable[str]) -> str:
    """A ``VALUES ?kind`` block of the header's classes (serialised by pyoxigraph)."""
    from kgcase.web.pages.runner import values_block  # the pages package imports the API's
    return values_block("kind", (expand_curie(c) for c in curies))


def is_of_kind(value: ox.NamedNode, curies: Iterable[str]) -> bool | None:
    """Whether ``value`` is one of the classes ``curies``, below one, or an individual of one;
    ``None`` when the store cannot tell (Virtuoso refuses a transitive path whose ends are bound
    by ``BIND``, error 37000): the value is then not checked, and a value of another kind gets
    the query's empty answer, as before kinds were checked."""
    from kgcase.web.pages.runner import select
    try:
        rows = select(MEMBER.format(kinds=kinds_block(curies)), x=value)
    except StoreUnavailableError:
        return None
    return bool(rows)


def check_kinds(named: NamedQuery, bindings: Mapping[str, ox.NamedNode | ox.Literal],
                given: Mapping[str, str]) -> None:
    """Refuse a bound value that is not of its parameter's kind, naming the value as ``given``
    (or the default) and the kind.

    :raises QueryParameterError: a value of another kind (or absent from the graph).
    """
    for param in named.params:
        value = bindings.get(param.name)
        if param.kind and isinstance(value, ox.NamedNode) and is_of_kind(
                value, (c for c, _ in param.kind)) is False:
            raise QueryParameterError(
                f"parameter {param.name!r}: {quoted(given.get(param.name) or value.value, 80)} "
                f"is not "
                f"{param.kind_text()}, nor a kind of one; search for one by its label "
                "(/api/search?kind=…)")


def catalogue_kinds(params: Iterable[Param]) -> dict[str, str]:
    """Every kind the catalogue's parameters name: ``{CURIE: label}``."""
    return {curie: label for p in params for curie, label in p.kind}


def search_text(search: str, curies: Iterable[str]) -> str:
    """The search query restricted to resources of the classes ``curies``."""
    filter_ = KIND_FILTER.format(kinds=kinds_block(curies))
    if search.count(SEARCH_FILTER) != 1:  # pragma: no cover - the search query changed
        raise RuntimeError("the search query has no single text filter to follow")
    return search.replace(SEARCH_FILTER, SEARCH_FILTER + filter_)
