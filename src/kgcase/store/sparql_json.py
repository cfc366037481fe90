"""RDF terms and solution tables as SPARQL 1.1 Query Results JSON, byte for byte one way.

Shared by the query workers, the named-query API and the build's answer tables
(:mod:`kgcase.answers`), so that an answer read from a table is the same bytes as the one the
engine would have given, in SPARQL JSON and in the API's plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
_NUMBERS = {XSD + "integer": int, XSD + "int": int, XSD + "long": int,
            XSD + "decimal": Decimal, XSD + "double": float, XSD + "float": float}
#: CONSTRUCT/DESCRIBE answered as a table (named queries): one row per triple.
TRIPLE_COLUMNS = ("subject", "predicate", "object")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def term_json(term: Term) -> dict[str, Any]:
    """One RDF term as a SPARQL 1.1 (1.2 for triple terms) JSON results binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {name: term_json(getattr(term, name))
                                        for name in TRIPLE_COLUMNS}}


def term_texts(term: Term) -> tuple[str, str]:
    """One term's text in :func:`binding_json` and in :func:`plain_json` (the value of its key)."""
    binding = term_json(term)
    return (json.dumps(binding, ensure_ascii=False, separators=(",", ":")),
            json.dumps(plain_value(binding), ensure_ascii=False))


def binding_json(row: Mapping[str, Term]) -> str:
    """One solution (variable → term, unbound left out) as its JSON object text."""
    return json.dumps({k: term_json(v) for k, v in row.items()}, ensure_ascii=False,
                      separators=(",", ":"))


def table_json(columns: list[str], bindings: Iterable[str]) -> bytes:
    """A SELECT answer from its columns and the texts :func:`binding_json` made of its rows."""
    return _results(columns, ",".join(bindings).encode())


def table_json_bytes(columns: list[str], bindings: list[bytes]) -> bytes:
    """:func:`table_json` of rows already encoded (as the build's answer tables hold them)."""
    return _results(columns, b",".join(bindings))


def _results(columns: list[str], joined: bytes) -> bytes:
    """The SPARQL JSON document around the comma-joined bindings of its rows."""
    head = json.dumps({"vars": columns}, ensure_ascii=False, separators=(",", ":"))
    return b"".join((f'{{"head":{head},"results":{{"bindings":['.encode(), joined, b"]}}"))


def plain_value(binding: dict[str, Any]) -> Any:
    """A SPARQL JSON binding as a plain value: IRIs and strings as str, numbers as numbers."""
    if binding["type"] == "bnode":
        return "_:" + binding["value"]
    if binding["type"] == "triple":
        return {k: plain_value(v) for k, v in binding["value"].items()}
    datatype = binding.get("datatype")
    if datatype == XSD + "boolean":
        return binding["value"] in ("true", "1")
    try:
        number = _NUMBERS[datatype](binding["value"]) if datatype in _NUMBERS else None
    except ValueError:
        number = None
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number)
    return binding["value"] if number is None else number


def plain_json(row: Mapping[str, Term]) -> str:
    """One solution as the named-query API's plain JSON object text (see ``plain_value``)."""
    return json.dumps({k: plain_value(term_json(v)) for k, v in row.items()},
                      ensure_ascii=False)
