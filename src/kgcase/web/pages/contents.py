"""The table of contents of an entity page: the sections it shows, in the order it shows them.

Answer first (summary, patients, the evidence), then what the resource is (definition,
mappings, hierarchy and axioms, statements), then what points at it.
"""

from __future__ import annotations

from kgcase.web.pages.describe import Entity

#: Sections that have a table to download, as CSV and JSON (``/api/sections/<name>.csv``).
DOWNLOADABLE = ("answer", "patients", "effects")


def answer_first(entity: Entity) -> bool:
    """Whether the page opens with an answer (else with what the resource is)."""
    return "answer" in entity.sections or "patients" in entity.sections


def contents(entity: Entity) -> list[tuple[str, str]]:
    """(anchor, title) of each section the page of ``entity`` shows, in page order."""
    s = entity.sections
    found: list[tuple[str, str]] = []
    about = [("h-about", "Definition")] if entity.definitions or entity.synonyms \
        or entity.comments else []
    if not answer_first(entity):
        found += about
    found += [(anchor, title) for key, anchor, title in (
        ("answer", "h-answer", "Summary"), ("patients", "h-patients", "Patients"),
        ("effects", "h-effects", "Evidence"), ("claims", "h-claims", "Claims and hypotheses"),
        ("case", "h-case", "Case report")) if key in s]
    if "patient" in s:
        found += [("h-timeline", "Timeline"), ("h-labs", "Lab series")]
    if entity.evidence:
        found.append(("h-evidence", "Evidence"))
    if answer_first(entity):
        found += about
    if entity.mappings:
        found.append(("h-mappings", "Mappings"))
    if "ontology" in s:
        found.append(("h-ontology-doc", "Ontology document"))
    if entity.klass:
        found.append(("h-class", "Hierarchy and axioms"))
    if entity.usages:
        found.append(("h-usages", "Used in expressions"))
    found += [(f"h-{name.lower()}", name) for name, _ in entity.groups]
    if entity.usage_count:
        found.append(("h-usage", "Used as a predicate"))
    if entity.incoming:
        found.append(("h-incoming", "What points here"))
    return found
