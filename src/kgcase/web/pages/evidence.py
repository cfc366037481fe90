"""Evidence: the sentence or table cell a fact rests on, and cross-references as links."""

from __future__ import annotations

from dataclasses import dataclass

from kgcase.iris import CurieError, expand_curie
from kgcase.web.pages.model import Ref, node_ref, ref
from kgcase.web.pages.runner import Row
from kgcase.web.pages.xrefs import external_url


@dataclass
class Evidence:
    ref: Ref
    report: Ref | None
    quote: str | None = None
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    printed: str | None = None
    via: Ref | None = None


def xref(text: str) -> Ref:
    """A cross-reference string (``doi:…``, ``PMID:…``, a CURIE) as a link where one is known."""
    url = external_url(text)
    if url:
        return Ref(iri=text, label=text, href=url, external=url)
    try:
        target = ref(expand_curie(text), None)
        return Ref(iri=target.iri, label=text, href=target.href, curie=text)
    except CurieError:
        return Ref(iri=text, label=text, href="", labelled=False)


def evidence(rows: list[Row]) -> list[Evidence]:
    """The excerpts and table cells behind a fact (one per evidence node)."""
    out: dict[str, Evidence] = {}
    for row in rows:
        ev = row["ev"].value
        if ev in out:
            continue
        via = row.get("via")
        out[ev] = Evidence(
            ref=ref(ev), report=node_ref(row["report"], row.get("rl")),
            quote=_text(row, "quote"), section=_text(row, "section"), table=_text(row, "table"),
            row=_text(row, "row"), column=_text(row, "col"), printed=_text(row, "printed"),
            via=node_ref(via, row.get("vl")) if via is not None and via.value != ev else None,
        )
    return list(out.values())


def _text(row: Row, key: str) -> str | None:
    node = row.get(key)
    return node.value if node is not None else None
