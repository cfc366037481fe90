"""The store contract: what every GraphStore backend must answer the same way as the embedded one.

After OAK's ``ComplianceTester``: the checks live here, once; ``test_store_contract.py`` runs them
against every backend. Answers are compared as sets of rows in a neutral form: IRIs and strings
as they are, numbers and booleans as numbers (9 significant digits: Virtuoso stores decimals as
doubles and answers ``IN``/``EXISTS`` with 1/0), blank nodes as one placeholder.

Virtuoso 7.2.5 answers some competency questions differently because of bugs of its own (below,
each with the cause measured here). The contract pins that list exactly: a query that starts to
agree, or another that starts to differ, fails the suite until the list and docs/deploy.md are
updated.
"""

from __future__ import annotations

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
VIRTUOSO_DEVIATIONS = {
    "drugs_raising_lab_value": "CONCAT of a string literal holding '·' or '“' answers '?'",
    "effects_of_drug": "the same CONCAT defect, inside SAMPLE",
    "literature_claims_about_drugs": "rdfs:subClassOf* towards a VALUES-bound class: no rows",
    "pathways_inhibited_by_drug": "OPTIONAL { GRAPH <…> {…} … rdf:rest*/rdf:first … }: unbound",
    "patients_with_finding": "BIND in an OPTIONAL whose pattern failed still binds ('age ')",
}


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


def neutral_rows(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {tuple(sorted((k, neutral(v)) for k, v in row.items())) for row in rows}


def example_params(name: str) -> dict[str, str]:
    return {p.name: p.example for p in CATALOGUE[name].params if p.example}


def run_named(store: Any, name: str) -> set[tuple[Any, ...]]:
    """Run one named query with its documented example through ``store.select``."""
    named = CATALOGUE[name]
    return neutral_rows(store.select(named.sparql, bindings=named.bind(example_params(name))))


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
