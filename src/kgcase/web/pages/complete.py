"""The SPARQL workbench's helpers: ``/api/complete`` (terms by label or IRI start, for the
editor's completion), ``/api/label`` (the label of one IRI, for its hover) and ``/api/labels``
(the labels of up to :data:`LABELS_LIMIT` IRIs at once, shown beside the IRIs of a results page).

Request text reaches the queries only as bound values (pyoxigraph substitutions), never as
SPARQL text; every parameter is checked first, and a bad one is a 400 that says why.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, jsonify, request

from kgcase.errors import QueryParameterError, quoted
from kgcase.queries import whole_number
from kgcase.store.binding import term_n3
from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.model import first_labels
from kgcase.web.pages.rdfdoc import EDITOR_PREFIXES
from kgcase.web.pages.runner import iri, select

#: The kinds of term ``/api/complete`` tells apart (``term`` takes any).
KINDS = ("class", "property", "term")
#: The most terms one completion gives (``limit``), and the longest text it takes (``q``).
COMPLETE_LIMIT = 50
MAX_TEXT = 200
#: The most IRIs one ``/api/labels`` request names (a results page asks in batches of this).
LABELS_LIMIT = 100


def editor_curie(value: str) -> str | None:
    """``value`` as a CURIE of the editor's prefixes (the longest namespace), if one fits.

    >>> editor_curie("https://w3id.org/kgcase/KGCASE_0000100")
    'kg:KGCASE_0000100'
    """
    fits = [(p, ns) for p, ns in EDITOR_PREFIXES if value.startswith(ns) and len(value) > len(ns)]
    if not fits:
        return None
    prefix, ns = max(fits, key=lambda fit: len(fit[1]))
    local = value[len(ns):]
    if not all(c.isalnum() or c in "_-." for c in local) or local.endswith("."):
        return None
    return f"{prefix}:{local}"


def _text(name: str, *, required: bool = True) -> str:
    value = request.args.get(name, "")
    if required and not value.strip():
        raise QueryParameterError(f"{name}: give the text to complete (it is empty)")
    if len(value) > MAX_TEXT:
        raise QueryParameterError(f"{name}: at most {MAX_TEXT} characters (got {len(value)})")
    if any(ord(c) < 32 for c in value):
        raise QueryParameterError(f"{name}={quoted(value, 40)}: control characters are not "
                                  "allowed")
    return value


def complete(text: str, kind: str = "term", limit: int = 20) -> list[dict[str, str | None]]:
    """Terms whose label or synonym contains ``text`` (or whose IRI starts with it, for text
    that starts with ``http://`` or ``https://``), best first."""
    text = " ".join(text.split())
    by_iri = text.startswith(("http://", "https://"))
    sparql = Q.COMPLETE_IRI if by_iri else Q.COMPLETE_LABEL
    rows = select(sparql, q=ox.Literal(text if by_iri else text.lower()), kind=ox.Literal(kind))
    found: dict[str, dict[str, str | None]] = {}
    for row in rows:
        s = row["s"].value
        if s not in found:
            label = row["label"].value if "label" in row else None
            found[s] = {"iri": s, "curie": editor_curie(s), "label": label,
                        "kind": row["k"].value}
        if len(found) >= limit:
            break
    return list(found.values())


def complete_api() -> Response:
    """``/api/complete?q=…&kind=class|property|term&limit=20``: ``[{iri, curie, label, kind}]``."""
    text = _text("q")
    kind = request.args.get("kind", "term")
    if kind not in KINDS:
        raise QueryParameterError(f"kind={quoted(kind, 40)}: give one of {', '.join(KINDS)}")
    limit = whole_number("limit", request.args.get("limit", "20"), 1, COMPLETE_LIMIT)
    return jsonify(complete(text, kind, limit))


def label_api() -> Response:
    """``/api/label?iri=…``: ``{iri, curie, label}`` (``label`` null when it has none)."""
    value = _text("iri")
    try:
        node = iri(value)
    except ValueError:
        raise QueryParameterError(f"iri={quoted(value, 60)}: not an absolute IRI") from None
    rows = select(Q.LABEL_OF, s=node)
    labels = sorted(row["l"].value for row in rows)
    return jsonify({"iri": node.value, "curie": editor_curie(node.value),
                    "label": labels[0] if labels else None})


def labels_api() -> Response:
    """``/api/labels?iri=…&iri=…``: ``{"labels": {iri: label or null}}`` for up to
    :data:`LABELS_LIMIT` IRIs; each is checked, then bound in a ``VALUES`` block of terms
    serialised by rdflib (as the named queries' parameters are)."""
    given = request.args.getlist("iri")
    if not given:
        raise QueryParameterError("iri: name at least one IRI (iri=…&iri=…)")
    if len(given) > LABELS_LIMIT:
        raise QueryParameterError(f"iri: at most {LABELS_LIMIT} IRIs in one request (got "
                                  f"{len(given)}); ask in batches")
    nodes = []
    for number, value in enumerate(given, start=1):
        try:
            nodes.append(iri(value))
            term_n3(nodes[-1])
        except ValueError:
            raise QueryParameterError(f"iri number {number} ({quoted(value, 60)}): not an "
                                      "absolute IRI") from None
    values = "VALUES ?s { " + " ".join(dict.fromkeys(term_n3(n) for n in nodes)) + " }"
    found = first_labels(select(Q.LABELS.format(values=values)), "s", "l")
    return jsonify({"labels": {n.value: found.get(n.value) for n in nodes}})
