"""Drafting into the case-file shape: patients, facts with ids, ``status: draft`` and provenance.

:class:`CaseDraft` collects facts as plain dicts in the order of the case-file format, gives each
a unique readable id and the ``status``/``found_by`` fields, and :meth:`CaseDraft.to_dict`
returns a mapping :func:`kgcase.model.load.load_case` accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kgcase.draft.document import Citation

FACT_LISTS = ("diagnoses", "findings", "exposures", "measurements", "effects")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 40) -> str:
    """A readable id from ``text`` (letters, digits and dashes)."""
    s = _SLUG.sub("-", text.casefold()).strip("-")[:limit].strip("-")
    return s or "x"


def found_by(rule: str, confidence: float, method: str = "rule") -> dict[str, Any]:
    return {"method": method, "rule": rule, "confidence": round(confidence, 2)}


@dataclass
class PatientDraft:
    id: str
    label: str
    sex: str = "unknown"
    age: float | None = None
    time_points: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {k: [] for k in FACT_LISTS})

    def add(self, kind: str, fact: dict[str, Any], name: str) -> dict[str, Any]:
        """Add a fact under ``kind`` with an id made from ``name``; return it."""
        taken = {f["id"] for f in self.facts[kind]}
        base = slug(name)
        ident, n = base, 2
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        fact = {"id": ident, **fact, "status": "draft"}
        self.facts[kind].append(fact)
        return fact

    def time_point(self, months: int, label: str, column: str | None = None,
                   ident: str | None = None) -> str:
        """The id of the time point at ``months`` (declared on first use)."""
        for tp in self.time_points:
            if tp["months"] == months and (column is None or tp.get("column") in (None, column)):
                if column and not tp.get("column"):
                    tp["column"] = column
                return str(tp["id"])
        ident = ident or (f"M{months}" if months >= 0 else f"T{len(self.time_points) + 1}")
        taken = {tp["id"] for tp in self.time_points}
        while ident in taken:
            ident += "b"
        tp: dict[str, Any] = {"id": ident, "months": months, "label": label}
        if column:
            tp["column"] = column
        self.time_points.append(tp)
        return ident

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "sex": self.sex}
        if self.time_points:
            out["time_points"] = sorted(self.time_points, key=lambda t: t["months"])
        for kind in FACT_LISTS:
            if self.facts[kind]:
                out[kind] = self.facts[kind]
        return out


@dataclass
class CaseDraft:
    """Everything drafted from one document."""

    id: str
    citation: Citation
    source_text: str
    patients: list[PatientDraft] = field(default_factory=list)
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    ambiguities: list[dict[str, Any]] = field(default_factory=list)

    def patient(self, number: int | None = None) -> PatientDraft:
        """Patient ``number`` (1-based), created when first named."""
        number = number or (len(self.patients) + 1)
        while len(self.patients) < number:
            n = len(self.patients) + 1
            self.patients.append(PatientDraft(f"p{n}", f"Patient {n}"))
        return self.patients[number - 1]

    def add_claim(self, claim: dict[str, Any]) -> None:
        ident = f"claim-{len(self.claims) + 1}"
        self.claims.append({"id": ident, **claim, "status": "draft"})

    def add_review(self, text: str, kind: str, reason: str, candidates: list[str],
                   source: dict[str, Any]) -> None:
        item = {"text": text, "kind": kind, "reason": reason, "candidates": candidates,
                "source": source}
        if item not in self.review:
            self.review.append(item)

    def to_dict(self) -> dict[str, Any]:
        c = self.citation
        citation: dict[str, Any] = {"authors": c.authors, "title": c.title or self.id}
        for key in ("journal", "year", "volume", "article", "doi"):
            value = getattr(c, key)
            if value is not None:
                citation[key] = value
        citation["article_type"] = "clinical case"
        out: dict[str, Any] = {"status": "draft", "id": self.id,
                               "title": c.title or self.id, "citation": citation,
                               "source_text": self.source_text}
        if self.tables:
            out["tables"] = self.tables
        out["patients"] = [p.to_dict() for p in self.patients]
        for key in ("claims", "ambiguities", "review"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out
