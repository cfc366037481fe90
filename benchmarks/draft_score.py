"""Precision and recall of a draft against a reference, per category.

Facts are compared as keys: diagnoses (patient, disease), exposures (patient, drug), findings
(patient, phenotype, absent), measurement series (patient, test), stated effects (patient,
target, direction). Claims match when one's quote holds the other's (normalised). Two safety
counts stand apart: findings drafted present that the reference has absent, and observations
whose quote is a reference claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kgcase.iris import compress_iri
from kgcase.model.load import normalise_text
from kgcase.model.terms import TermError, TermIndex

CATEGORIES = ("diagnoses", "exposures", "findings", "measurements", "effects", "claims")
_FIELD = {"diagnoses": "disease", "exposures": "drug", "findings": "phenotype",
          "measurements": "test", "effects": "target"}

Key = tuple[Any, ...]


@dataclass
class Keys:
    """One case's facts as comparable keys."""

    facts: dict[str, set[Key]] = field(default_factory=lambda: {c: set() for c in CATEGORIES})
    observation_quotes: set[str] = field(default_factory=set)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def _curie(terms: TermIndex, value: str) -> str:
    try:
        return compress_iri(terms.resolve(str(value))) or str(value)
    except TermError:
        return str(value)


def case_keys(case: dict[str, Any], terms: TermIndex) -> Keys:
    """The keys of a case dict (drafted or curated)."""
    keys = Keys()
    for n, p in enumerate(case.get("patients", []), start=1):
        exposures = {e["id"]: _curie(terms, e["drug"]) for e in p.get("exposures", [])}
        for kind, fname in _FIELD.items():
            for f in p.get(kind, []):
                term = _curie(terms, f[fname])
                if kind == "findings":
                    key: Key = (n, term, bool(f.get("absent", False)))
                elif kind == "effects":
                    key = (n, term, f["direction"])
                    exposures.get(f["exposure"])
                else:
                    key = (n, term)
                keys.facts[kind].add(key)
                quote = f["source"].get("quote")
                if quote:
                    keys.observation_quotes.add(normalise_text(quote))
    for c in case.get("claims", []):
        keys.facts["claims"].add((normalise_text(c["source"].get("quote") or c["statement"]),))
    return keys


def gold_keys(gold: dict[str, Any]) -> Keys:
    """Keys from a ``*.gold.json`` file of benchmarks/draft_reports/."""
    keys = Keys()
    for kind in _FIELD:
        keys.facts[kind] = {tuple(row) for row in gold.get(kind, [])}
    keys.facts["claims"] = {(normalise_text(s),) for s in gold.get("claims", [])}
    return keys


def _claims_match(a: str, b: str) -> bool:
    a, b = a.replace("…", ""), b.replace("…", "")
    return a in b or b in a


def score(draft: Keys, gold: Keys, tallies: dict[str, Tally]) -> dict[str, int]:
    """Add one case's counts to ``tallies``; return its safety counts."""
    for kind in CATEGORIES:
        t = tallies.setdefault(kind, Tally())
        d, g = draft.facts[kind], gold.facts[kind]
        if kind == "claims":
            hit = {x for x in d if any(_claims_match(x[0], y[0]) for y in g)}
            found = {y for y in g if any(_claims_match(x[0], y[0]) for x in d)}
            t.tp += len(found)
            t.fp += len(d - hit)
            t.fn += len(g - found)
        else:
            t.tp += len(d & g)
            t.fp += len(d - g)
            t.fn += len(g - d)
    absent = {(n, term) for n, term, a in gold.facts["findings"] if a}
    negated_as_present = sum(1 for n, term, a in draft.facts["findings"]
                             if not a and (n, term) in absent)
    claim_quotes = [c[0] for c in gold.facts["claims"]]
    claims_as_observations = sum(1 for q in draft.observation_quotes
                                 if any(_claims_match(q, c) for c in claim_quotes))
    return {"negated_as_present": negated_as_present,
            "claims_as_observations": claims_as_observations}


def table(tallies: dict[str, Tally], order: Iterable[str] = CATEGORIES) -> list[str]:
    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    rows = ["| category | precision | recall | drafted right | drafted wrong | missed |",
            "|---|---|---|---|---|---|"]
    for kind in order:
        t = tallies.get(kind, Tally())
        rows.append(f"| {kind} | {f(t.precision)} | {f(t.recall)} | {t.tp} | {t.fp} | {t.fn} |")
    return rows
