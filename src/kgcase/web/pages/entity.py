"""Dereference a resource: its page (HTML), its JSON twin, or its RDF (Turtle, N-Triples,
RDF/XML, JSON-LD, N-Quads, TriG) chosen by ``Accept`` or by a suffix; the ontology IRI serves
the ontology, a named graph's IRI the whole graph (``documents.py``).

Resources are served at their own path with content negotiation (``Vary: Accept``, ``Link:
rel=alternate``, ``Content-Location`` naming the representation sent); see ``docs/pages.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, request
from werkzeug.exceptions import NotFound

from kgcase.errors import QueryParameterError, quoted
from kgcase.web.errors import NotAcceptableError
from kgcase.web.negotiate import ResultFormat, choose_format, media_types
from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.answer import answer
from kgcase.web.pages.describe import CLAIM_LINKS, Entity, describe
from kgcase.web.pages.documents import rdf_response
from kgcase.web.pages.model import base_iri
from kgcase.web.pages.patient import patient
from kgcase.web.pages.patients import add_charts, patient_rows
from kgcase.web.pages.rdfdoc import disposition
from kgcase.web.pages.respond import etag, html, json_twin, not_modified
from kgcase.web.pages.runner import Row, iri, select
from kgcase.web.pages.sections import case_report, claims, effects
from kgcase.web.pages.sources import add_source_sections
from kgcase.web.pages.tree import add_tree_section
from kgcase.web.resolve import (
    HTML,
    NAMED_GRAPH_OFFERS,
    ONTOLOGY_OFFERS,
    PAGE_JSON,
    RESOURCE_OFFERS,
    SUFFIXES,
    alternates,
    href_for,
    iri_for_path,
    link_header,
    split_suffix,
)
from kgcase.web.service import get_service


@dataclass(frozen=True)
class Kind:
    """Whether a resource is in the graph, the ontology whose document it names, and whether
    it names one of the release's named graphs."""

    exists: bool
    ontology: str | None
    graph: bool = False


def resource_kind(target: str) -> Kind:
    rows = select(Q.KIND, s=iri(target))
    row = rows[0] if rows else {}
    exists = row.get("exists") is not None and row["exists"].value == "true"
    onto = row.get("onto")
    if not exists and target in get_service().graphs()[1]:
        return Kind(True, None, graph=True)
    return Kind(exists, onto.value if onto else None)


def resource_at_path(path: str) -> Response:
    """``/case/c/patient/p1`` and ``/case/c/patient/p1.ttl``: the resource ``<base>case/c/…``."""
    base = base_iri()
    full = "/" + path
    stem, key = split_suffix(full)
    target = iri_for_path(full, base)
    kind = resource_kind(target)
    if key and not kind.exists:  # not an IRI ending in ".ttl": a suffix naming a format
        target = iri_for_path(stem, base)
        kind = resource_kind(target)
    else:
        key = None
    return serve(target, kind, key)


def resource_by_iri(ext: str | None = None) -> Response:
    """``/resource?iri=…`` (and ``/resource.ttl?iri=…``): any IRI, for those outside the base."""
    given = request.args.getlist("iri")
    if len(given) != 1 or not given[0].strip():
        raise QueryParameterError("give exactly one 'iri' parameter: /resource?iri=<IRI>")
    try:
        target = iri(given[0].strip()).value
    except ValueError as exc:
        raise QueryParameterError(f"iri={quoted(given[0])} is not an IRI: "
                                  f"{quoted(exc, 200)}") from None
    key = None
    if ext is not None:
        fmt = SUFFIXES.get("." + ext)
        if fmt is None:
            raise NotFound(f"no format {quoted('.' + ext)}; use one of {', '.join(SUFFIXES)}")
        key = fmt.key
    return serve(target, resource_kind(target), key)


def _choose(kind: Kind, key: str | None) -> ResultFormat:
    offers = (NAMED_GRAPH_OFFERS if kind.graph else ONTOLOGY_OFFERS if kind.ontology
              else RESOURCE_OFFERS)
    if key:
        fmt = next(fmt for fmt in SUFFIXES.values() if fmt.key == key)
        if fmt in (HTML, PAGE_JSON) and kind.graph:
            raise NotAcceptableError(
                f"a named graph has no page; available: {', '.join(media_types(offers))}")
        return fmt
    accept = request.headers.get("Accept")
    chosen = choose_format(accept, offers)
    if chosen is None:
        owl = " (OWL/XML and Manchester syntax are not served: use RDF/XML or Turtle)" if \
            "owl" in (accept or "").lower() else ""
        raise NotAcceptableError(
            f"cannot serve this resource as {quoted(accept)}; available: "
            f"{', '.join(media_types(offers))} (or a suffix: {', '.join(SUFFIXES)}){owl}")
    return chosen


def serve(target: str, kind: Kind, key: str | None) -> Response:
    """Answer for resource ``target`` in the representation asked for."""
    if not kind.exists:
        raise NotFound(f"the graph has no resource {quoted(target)}")
    fmt = _choose(kind, key)
    base = base_iri()
    headers = {"Vary": "Accept",
               "Link": link_header(target, base, ontology=bool(kind.ontology), graph=kind.graph),
               "X-KGCase-Release": get_service().watcher.current().id,
               "Cache-Control": "no-cache"}
    if key is None:
        headers["Content-Location"] = href_for(target, base, fmt.key)
    tag = etag(target, fmt.key)
    headers["ETag"] = tag
    if not_modified(tag):
        return Response(status=304, headers=headers)
    if fmt in (HTML, PAGE_JSON):
        context = page_context(target, kind)
        if fmt is PAGE_JSON:
            headers["Content-Disposition"] = disposition(target, base, ".json")
            return json_twin(context["entity"], headers=headers)
        return html("entity.html", headers=headers, **context)
    return rdf_response(target, fmt, headers, ontology=kind.ontology, graph=kind.graph)


def page_context(target: str, kind: Kind) -> dict[str, Any]:
    """The entity and its sections, as the page template (and the JSON twin) get them."""
    described = describe(target, section_queries)
    if described is None:
        raise NotFound(f"the graph has no statement about {quoted(target)}")
    entity, rows = described
    add_sections(entity, rows)
    downloads = [(href, fmt.media_type, label) for href, fmt, label in _downloads(target, kind)]
    if kind.ontology:
        entity.sections["ontology"] = {"document": kind.ontology, "downloads": downloads}
    return {"entity": entity, "downloads": downloads, "base_iri": base_iri()}


def section_queries(kinds: list[str]) -> dict[str, str]:
    """The queries of the sections a resource of these kinds gets (run with the description)."""
    wanted = {}
    if "drug" in kinds:
        wanted |= {"effects": Q.EFFECTS_OF_DRUG, "effect summaries": Q.EFFECT_SUMMARIES_OF_DRUG}
    elif "effect target" in kinds:
        wanted |= {"effects": Q.EFFECTS_ON_TARGET,
                   "effect summaries": Q.EFFECT_SUMMARIES_ON_TARGET}
    if "claims" in kinds:
        wanted["claims"] = Q.CLAIMS
    if "patient" in kinds:
        wanted |= {"timeline": Q.PATIENT_TIMELINE, "labs": Q.PATIENT_LABS}
    if "case report" in kinds:
        wanted["case"] = Q.CASE_REPORT
    return wanted


def add_sections(entity: Entity, rows: dict[str, list[Row]]) -> None:
    """The answer (counted in patients and reports) and a row per patient first, then drug
    effects, claims, patient charts and case-report extraction, as they apply."""
    mode = "drug" if "drug" in entity.kinds else "target"
    if "effects" in rows:
        found = effects(rows["effects"], mode, rows.get("effect summaries", []))
        if found.rows or mode == "drug":
            entity.sections["effects"] = found
    fx = entity.sections.get("effects")
    if fx is not None or "class" in entity.kinds:
        anchors = {g.target.iri: g.anchor for g in fx.groups} if fx and mode == "drug" else {}
        stated = {t.target.iri for t in fx.tallies if t.stated} if fx and mode == "drug" else set()
        summary = answer(entity.iri, mode, anchors, stated)
        if summary is not None:
            entity.sections["answer"] = summary
    if fx is not None and fx.rows:
        listed = patient_rows(fx, mode)
        summary = entity.sections.get("answer")
        if mode == "target" and summary and any(u.noun == "measurement" for u in summary.uses):
            add_charts(listed, entity.iri)
        entity.sections["patients"] = listed
    if "claims" in rows:
        named = sum(i.count for i in entity.incoming if i.predicate.iri in CLAIM_LINKS)
        entity.sections["claims"] = claims(rows["claims"], named)
    if "timeline" in rows:
        entity.sections["patient"] = patient(rows["timeline"], rows["labs"])
    if "case" in rows:
        entity.sections["case"] = case_report(entity, rows["case"])
    add_source_sections(entity)
    add_tree_section(entity)


_NAMES = {"html": "page", "turtle": "Turtle", "ntriples": "N-Triples", "rdfxml": "RDF/XML",
          "jsonld": "JSON-LD", "nquads": "N-Quads", "trig": "TriG",
          "page-json": "JSON (page data)"}


def _downloads(target: str, kind: Kind) -> list[tuple[str, ResultFormat, str]]:
    return [(href, fmt, _NAMES[fmt.key])
            for href, fmt in alternates(target, base_iri(), ontology=bool(kind.ontology))
            if fmt is not HTML]
