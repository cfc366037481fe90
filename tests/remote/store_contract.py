"""The store contract: what every GraphStore backend must answer the same way as the embedded one.

After OAK's ``ComplianceTester``: the checks live here, once; ``test_store_contract.py`` runs them
against every backend. Answers are compared as sets of rows in a neutral form: IRIs and strings
as they are, numbers and booleans as numbers (9 significant digits: Virtuoso stores decimals as
doubles and answers ``EXISTS`` with 1/0), blank nodes as one placeholder, and a ``GROUP_CONCAT``
as the sorted list of its parts (SPARQL 1.1 leaves their order to the store).

Virtuoso 7.2.5 has defects that gave wrong answers to five competency questions; the queries and
the Virtuoso backend now work around them (docs/deploy.md). The contract pins the list of
deviating queries exactly (now empty): one that starts to differ fails the suite.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kgcase.queries import load_catalogue

QUERIES = Path(__file__).resolve().parents[2] / "queries"
CATALOGUE = load_catalogue(QUERIES)
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "nonNegativeInteger", "positiveInteger")}

#: Named queries whose answers on Virtuoso 7.2.5 differ from the SPARQL 1.1 answer, and why.
#: None since the queries and the backend work around its defects (docs/deploy.md).
VIRTUOSO_DEVIATIONS: dict[str, str] = {}


def neutral(term: Any) -> Any:
    """A term in the form the contract compares."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == XSD + "boolean":
            return ("number", "1" if term.value in ("true", "1") else "0")
        if datatype in NUMERIC:
            try:
                return ("number", f"{float(term.value):.9g}")
            except ValueError:
                return ("literal", term.value, datatype)
        return ("literal", term.value, term.language or datatype)
    raise TypeError(f"unexpected term {term!r}")


GROUP_CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:DISTINCT\s+)?\?\w+\s*;\s*'
                          r'separator\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', re.IGNORECASE)


def concatenated(sparql: str) -> dict[str, str]:
    """The variables a query fills with ``GROUP_CONCAT``, and their separators."""
    return {name: sep for sep, name in GROUP_CONCAT.findall(sparql)}


def neutral_rows(rows: list[dict[str, Any]],
                 concat: dict[str, str] | None = None) -> set[tuple[Any, ...]]:
    concat = concat or {}

    def value(key: str, term: Any) -> Any:
        if key in concat and isinstance(term, ox.Literal):
            return ("parts", tuple(sorted(term.value.split(concat[key]))))
        return neutral(term)

    return {tuple(sorted((k, value(k, v)) for k, v in row.items())) for row in rows}


def example_params(name: str) -> dict[str, str]:
    return {p.name: p.example for p in CATALOGUE[name].params if p.example}


def run_named(store: Any, name: str) -> set[tuple[Any, ...]]:
    """Run one named query with its documented example through ``store.select``."""
    named = CATALOGUE[name]
    rows = store.select(named.sparql, bindings=named.bind(example_params(name)))
    return neutral_rows(rows, concatenated(named.sparql))


def deviating_queries(store: Any, reference: Any) -> dict[str, str]:
    """Named queries whose rows differ from the reference store's, with a short diff."""
    differ = {}
    for name in sorted(CATALOGUE):
        expected, got = run_named(reference, name), run_named(store, name)
        assert expected, f"{name}: the reference answers nothing for its example"
        if got != expected:
            differ[name] = (f"{len(expected)} rows expected, {len(got)} got; e.g. missing "
                            f"{sorted(expected - got)[:1]}")
    return differ


def expected_deviations(backend: str) -> set[str]:
    return set(VIRTUOSO_DEVIATIONS) if backend == "virtuoso" else set()
