"""Search by SPARQL over labels and synonyms, for a release without a search index (a remote
store): the store ranks exact, prefix, word-start and other matches, classes first."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kgcase.iris import CurieError, expand_curie
from kgcase.web.kinds import is_of_kind, search_text
from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.entity import resource_kind
from kgcase.web.pages.model import first_labels, ref
from kgcase.web.pages.runner import iri, select, values_block

#: The most hits the store's search gives.
STORE_LIMIT = 50


@dataclass
class StoreHit:
    iri: str
    label: str
    href: str
    curie: str | None
    matched: str
    match: str
    type: str | None


def store_search(text: str, *, limit: int = 12, kinds: tuple[str, ...] = ()) -> list[StoreHit]:
    """Resources whose label or synonym contains ``text`` (a CURIE or IRI finds itself); with
    ``kinds`` (class CURIEs a query header names), only resources of one of them."""
    hits: dict[str, StoreHit] = {}
    direct = _direct(text)
    if direct is not None and (
            not kinds or is_of_kind(ox.NamedNode(direct.iri), kinds) is not False):
        hits[direct.iri] = direct
    rows = select(search_text(Q.SEARCH, kinds) if kinds else Q.SEARCH, q=ox.Literal(text.lower()))
    labels = first_labels(rows, "s", "label")
    types = first_labels(rows, "s", "typel")
    for row in rows:
        s = row["s"].value
        if s in hits:
            continue
        target = ref(s, labels.get(s))
        prop = row["prop"].value
        match = "label" if prop.endswith("#label") else (
            "definition" if prop.endswith("IAO_0000115") else "synonym")
        hits[s] = StoreHit(s, target.label, target.href, target.curie, row["text"].value, match,
                           types.get(s))
        if len(hits) >= limit:
            break
    return list(hits.values())[:limit]


def _direct(text: str) -> StoreHit | None:
    candidate = text
    if not text.startswith(("http://", "https://", "urn:")):
        try:
            candidate = expand_curie(text)
        except CurieError:
            return None
    try:
        target = iri(candidate).value
    except ValueError:
        return None
    if not resource_kind(target).exists:
        return None
    labels = first_labels(select(Q.LABELS.format(values=values_block("s", [target]))), "s", "l")
    found = ref(target, labels.get(target))
    return StoreHit(target, found.label, found.href, found.curie, text, "identifier", None)
