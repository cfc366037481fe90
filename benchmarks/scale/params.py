"""Parameter values for the named queries, drawn from a built store.

Each parameter gets candidate values from a small SPARQL query: by its name when it is a known
one (``drug``: the drugs that have exposures, ``test``: the tests that have measurements, …),
else from a triple pattern of the named query itself that has the parameter as its object
(``?s kg:p ?param`` -> every object of ``kg:p``), else the parameter's example (or default).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from kgcase.errors import QueryParameterError
from kgcase.queries import NamedQuery, Param

PREFIXES = ("PREFIX kg: <https://w3id.org/kgcase/>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
#: Parameter name -> graph pattern binding ``?v`` to the values a user would ask about.
BY_NAME: dict[str, str] = {
    "drug": "?exposure kg:KGCASE_0001007 ?v",  # drugs that have exposures
    "test": "?measurement kg:KGCASE_0001013 ?v",  # tests that have measurements
    "phenotype": "?finding kg:KGCASE_0001018 ?v",  # findings reported in a patient
    "disease": "?diagnosis kg:KGCASE_0001003 ?v",  # diseases diagnosed in a patient
    "object_class": "?claim kg:KGCASE_0001028 ?v",  # objects of literature claims
    "case": "?v a kg:KGCASE_0000001",
    "patient": "?v a kg:KGCASE_0000002",
}
PATIENTS = "?v a kg:KGCASE_0000002"
_PREFIX_LINE = re.compile(r"^\s*PREFIX\s+[\w-]*:\s*<[^>]*>", re.IGNORECASE | re.MULTILINE)


@dataclass
class Draw:
    """The parameter sets of one named query: one dict per request, and where they came from."""

    values: list[dict[str, str]]
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def distinct(self) -> int:
        return len({tuple(sorted(v.items())) for v in self.values})


def object_pattern(query: NamedQuery, name: str) -> str | None:
    """``?s <predicate> ?v`` from the query's first plain predicate with ``?name`` as object."""
    match = re.search(rf"(?<![/^|*+])((?:[A-Za-z][\w.-]*)?:[\w.-]+|<[^>\s]+>)\s+[?$]{name}\b",
                      query.sparql)
    if not match or match.group(1).lower().startswith(("http:", "https:", "urn:")):
        return None
    return f"?s {match.group(1)} ?v"


def select_values(store: ox.Store, pattern: str, prefixes: str = PREFIXES,
                  limit: int = 2000) -> list[ox.NamedNode | ox.Literal]:
    """Distinct ``?v`` of ``pattern`` (IRIs and literals), in a stable order."""
    sparql = f"{prefixes}SELECT DISTINCT ?v WHERE {{ {pattern} }} ORDER BY ?v LIMIT {limit}"
    return [row["v"] for row in store.query(sparql, use_default_graph_as_union=True)
            if isinstance(row["v"], ox.NamedNode | ox.Literal)]


def candidates(store: ox.Store, query: NamedQuery, param: Param) -> tuple[list[str], str]:
    """Valid values for ``param`` and their source (``name``, ``pattern`` or ``example``)."""
    prefixes = PREFIXES + "\n".join(_PREFIX_LINE.findall(query.sparql)) + "\n"
    found = object_pattern(query, param.name)
    for source, pattern in (("name", BY_NAME.get(param.name)), ("pattern", found)):
        if pattern is None:
            continue
        values = [_valid(param, term) for term in select_values(store, pattern, prefixes)]
        kept = [v for v in values if v is not None]
        if kept:
            return kept, source
    fallback = param.example or param.default
    return ([fallback], "example") if fallback is not None else ([], "none")


def draw(store: ox.Store, query: NamedQuery, count: int, seed: int = 0) -> Draw:
    """``count`` parameter sets, distinct as far as the candidates allow: the example (or
    default) first, so that at least one request asks what the query was written for, then
    the candidates in shuffled order."""
    rng = random.Random(f"{seed}:{query.name}")
    columns: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    for param in query.params:
        values, sources[param.name] = candidates(store, query, param)
        rng.shuffle(values)
        first = param.example or param.default
        if first is not None:
            first = param.to_term(first).value
            values = [first, *(v for v in values if v != first)]
        if values:
            columns[param.name] = values
    sets = [{name: values[i % len(values)] for name, values in columns.items()}
            for i in range(count)]
    return Draw(sets, sources)


def patients(store: ox.Store, limit: int = 2000) -> list[str]:
    """Patient IRIs, for the concurrent lookups."""
    return [t.value for t in select_values(store, PATIENTS, limit=limit)]


def _valid(param: Param, term: ox.NamedNode | ox.Literal) -> str | None:
    if isinstance(term, ox.NamedNode) != (param.type in ("iri", "curie")):
        return None
    try:
        param.to_term(term.value)
    except QueryParameterError:
        return None
    return term.value
