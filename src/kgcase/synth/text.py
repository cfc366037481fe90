"""The generated prose of a synthetic case: quotes, titles, claims, hypotheses, ambiguities.

Synthetic cases have no source text; these sentences stand in for the quotes a curator would
copy from a report. They say what the generated facts say (except where a stated effect is
drawn to contradict the values, as real reports sometimes do).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from kgcase.synth.pools import CRYO, DRUGS, ILAR, KASUKAWA, MCTD, PMCTD, SURNAMES

if TYPE_CHECKING:
    from kgcase.synth.generate import ExpectedEffect

CRITERIA_CURIES = {KASUKAWA: "KGCASE:0000160", ILAR: "KGCASE:0000161"}
JOURNAL = "kgcase Synthetic Case Reports"
_NUMBERS = {1: "a case report", 2: "report of two cases", 3: "report of three cases"}
_STATED = {
    "increased": "{Name} increased under {drug}.",
    "decreased": "{Name} decreased under {drug}.",
    "unchanged": "{Name} remained unmodified under {drug}.",
    "appeared": "Under {drug}, {name} became positive.",
    "resolved": "Under {drug}, {name} became negative.",
    "improved": "The {name} improved under {drug}.",
    "worsened": "The {name} worsened under {drug}.",
}
_SAID = {"increased": "increased", "decreased": "decreased", "unchanged": "remained unchanged",
         "appeared": "became positive", "resolved": "became negative", "improved": "improved",
         "worsened": "worsened"}
_ARTICULAR = {
    "improved": "Articular outcome was favourable, with a marked improvement of synovitis.",
    "unchanged": "Joint manifestations were not modified by the treatment.",
    "worsened": "Joint manifestations flared despite the treatment.",
}


def quote(section: str, sentence: str) -> dict[str, str]:
    """A generated sentence standing in for a quote (there is no source text to check)."""
    return {"section": section, "quote": sentence}


def who(age: int, female: bool, label: str) -> str:
    noun = ("woman" if female else "man") if age >= 18 else ("girl" if female else "boy")
    return f"A {age}-year-old {noun} ({label.lower()})"


def diagnosed(age: int, name: str) -> str:
    return f"At the age of {age} years, {name} had been diagnosed."


def presented(who: str, name: str, criteria: bool) -> str:
    how = " according to the classification criteria" if criteria else ""
    return f"{who} was diagnosed with {name}{how}."


def grouping(name: str) -> str:
    return f"We report a child with paediatric-onset MCTD features and {name}."


def finding(name: str) -> str:
    return f"At presentation, the patient had {name}."


_EVERY = {"1 wk": "every week", "12 h": "twice daily", "3.5 d": "twice weekly"}


def every(interval: str) -> str:
    """``4 wk`` → ``every 4 weeks``."""
    if interval in _EVERY:
        return _EVERY[interval]
    number, unit = interval.split()
    return f"every {number} {dict(wk='weeks', d='days', h='hours')[unit]}"


def started(drug: str, dose: str | None, interval: str | None, stopped: list[str]) -> str:
    regimen = f" ({dose} {every(interval)})" if interval else f" ({dose})" if dose else ""
    out = f"{drug[0].upper()}{drug[1:]}{regimen} was initiated"
    if stopped:
        plural = len(stopped) > 1 or stopped[0].endswith("s")
        listed = stopped[0] if len(stopped) == 1 else f"{', '.join(stopped[:-1])} and {stopped[-1]}"
        out += f" and {listed} {'were' if plural else 'was'} stopped"
    return out + "."


def previously(drug: str) -> str:
    return f"The patient had previously received {drug}."


def background(drug: str) -> str:
    return f"Treatment also included {drug}."


def stated(name: str, drug: str, direction: str) -> str:
    return _STATED[direction].format(Name=name[0].upper() + name[1:], name=name, drug=drug)


def articular(direction: str) -> str:
    return _ARTICULAR[direction]


def cryo(drug: str) -> str:
    return f"Under {drug}, cryoglobulinaemia became positive."


def title(r: random.Random, drug: str, disease: str, n: int) -> str:
    lead = r.choice(("", "refractory ", "severe "))
    return f"{drug[0].upper()}{drug[1:]} in {lead}{disease}: {_NUMBERS[n]}"


def caption(r: random.Random, drug: str) -> str:
    when = r.choice(("before and after", "before and under"))
    return f"Clinical and laboratory features of the patients {when} {drug}"


def citation(r: random.Random, title: str, seed: int, index: int) -> dict[str, Any]:
    authors = [f"{r.choice(SURNAMES)} {r.choice('ABCDEFGHJKLMNPRSTV')}"
               for _ in range(r.randint(2, 7))]
    return {"authors": authors, "title": title, "journal": JOURNAL, "year": r.randint(2006, 2024),
            "volume": str(r.randint(1, 30)), "article": f"s{index:07d}",
            "doi": f"10.5555/kgcase.synth.{seed}.{index}", "article_type": "synthetic case report"}


# --- ambiguities ------------------------------------------------------------------------------
def contradiction(pid: str, eid: str, e: ExpectedEffect, name: str, said: str,
                  values: dict[str, Any]) -> dict[str, Any]:
    def show(tp: str) -> str:
        cell = values[tp]
        return str(cell["value"] if isinstance(cell, dict) else cell)

    return {"id": f"{pid}-{e.measurement}-course",
            "description": f"The text says {name} {_SAID[said]} under treatment, while the table "
                           "shows "
                           f"{show(e.from_tp)} at {e.from_tp} and {show(e.to_tp)} at {e.to_tp}.",
            "resolution": "Both are kept, the stated effect and the derived effects, so the "
                          "contradiction stays visible.",
            "certainty": "certain",
            "concerns": [f"{pid}/effects/{eid}", f"{pid}/measurements/{e.measurement}"]}


def grouping_ambiguity(pid: str, slug: str) -> dict[str, Any]:
    return {"id": f"{pid}-diagnosis",
            "description": "The abstract groups the patient as pMCTD; the case description "
                           "names another disease.",
            "resolution": f"Both are kept; the case description's diagnosis ({slug}) stands, "
                          "the pMCTD grouping is marked uncertain.",
            "certainty": "uncertain",
            # the uncertain resolution is the grouping: the named diagnosis does not rest on it
            "concerns": [f"{pid}/diagnoses/pmctd-grouping"]}


def interval_ambiguity(pid: str, key: str, dose: str, interval: str) -> dict[str, Any]:
    return {"id": f"{pid}-{key}-interval",
            "description": f"The regimen is printed as '{dose} for {interval}'.",
            "resolution": f"Read as {every(interval)}, since the patient is followed on "
                          "treatment.",
            "certainty": "probable", "concerns": [f"{pid}/exposures/{key}"]}


def cell_ambiguity(pid: str, key: str, tp: str) -> dict[str, Any]:
    return {"id": f"{pid}-{key}-{tp}-cell",
            "description": f"A value is detached from the table; it is placed in the {tp} cell.",
            "resolution": "Placed by row order in the extracted table.",
            "certainty": "probable", "concerns": [f"{pid}/measurements/{key}/{tp}"]}


def units_ambiguity(concerns: list[str]) -> dict[str, Any]:
    return {"id": "cell-count-units",
            "description": "Cell counts are printed in 'G/L'.",
            "resolution": "Read as 10^9/L (French G/L), the only unit that fits cell counts.",
            "certainty": "probable", "concerns": concerns}


def header_ambiguity(concerns: list[str]) -> dict[str, Any]:
    return {"id": "previous-treatment-lists",
            "description": "The table prints the previous treatments in column headers; which "
                           "list belongs to which patient is read from the layout.",
            "resolution": "Each list is given to the patient whose column it heads.",
            "certainty": "probable", "concerns": concerns}


# --- claims and hypotheses -------------------------------------------------------------------
def _claims_pool(drugs: set[str], diseases: set[str]) -> list[dict[str, Any]]:
    tnfi = next((DRUGS[k].names[0] for k in ("etn", "ada") if k in drugs), None)
    pool: list[tuple[bool, dict[str, Any]]] = [
        (tnfi is not None, {"id": "tnfi-dsdna", "statement": "A rise of anti-dsDNA antibodies "
                            "has been reported with tumour necrosis factor inhibitors.",
                            "subject": tnfi, "object": "KGCASE:0000149",
                            "direction": "increased"}),
        ("tcz" in drugs, {"id": "tcz-crp", "statement": "Tocilizumab normalises C-reactive "
                          "protein in most treated patients.", "subject": "tocilizumab",
                          "object": "KGCASE:0000144", "direction": "decreased"}),
        ("tcz" in drugs, {"id": "tcz-approval-pjia", "kind": "approval", "statement":
                          "Tocilizumab is approved for polyarticular juvenile idiopathic "
                          "arthritis in Europe and North America.", "subject": "tocilizumab",
                          "object": "MONDO:0018456", "region": "Europe and North America"}),
        ("tcz" in drugs, {"id": "tcz-sle", "statement": "Tocilizumab has given contradictory "
                          "results in adult-onset systemic lupus erythematosus.",
                          "subject": "tocilizumab", "object": "MONDO:0007915",
                          "direction": "indeterminate", "population": "adult-onset SLE"}),
        ("tcz" in drugs, {"id": "tcz-transaminases", "statement": "Transaminases often rise "
                          "under tocilizumab.", "subject": "tocilizumab",
                          "object": "KGCASE:0000146", "direction": "increased"}),
        ("mtx" in drugs, {"id": "mtx-liver", "statement": "Methotrexate may raise alanine "
                          "aminotransferase.", "subject": "methotrexate",
                          "object": "KGCASE:0000146", "direction": "increased"}),
        ("mmf" in drugs, {"id": "mmf-dsdna", "statement": "Mycophenolate mofetil lowers "
                          "anti-dsDNA antibodies in lupus.", "subject": "mycophenolate mofetil",
                          "object": "KGCASE:0000149", "direction": "decreased"}),
        (bool(diseases & {MCTD, PMCTD}), {"id": "mctd-raynaud", "statement": "Raynaud's "
                                          "phenomenon is the most common manifestation of MCTD "
                                          "in children.", "subject": MCTD,
                                          "object": "HP:0030880"}),
    ]
    return [c for ok, c in pool if ok]


def claims(r: random.Random, drugs: set[str], diseases: set[str]) -> list[dict[str, Any]]:
    pool = _claims_pool(drugs, diseases)
    out = []
    for c in r.sample(pool, min(len(pool), r.choice((0, 1, 2, 2, 3)))):
        first = r.randint(1, 30)
        refs = [str(first)] if r.random() < 0.5 else [str(first), str(first + 1)]
        out.append({**c, "references": refs,
                    "source": {"section": r.choice(("Introduction", "Discussion")),
                               "quote": f"{c['statement'][:-1]}.{refs[0]}"}})
    return out


def hypotheses(r: random.Random, drugs: list[str],
               truth: list[ExpectedEffect]) -> list[dict[str, Any]]:
    seen = {(e.exposure, e.measurement, e.direction) for e in truth}
    pool = []
    if ("tcz", "dsdna", "increased") in seen:
        pool.append({"id": "joints-not-autoimmunity", "statement": "Tocilizumab may control "
                     "articular inflammation without preventing systemic autoimmunity.",
                     "concerns": ["tocilizumab", "HP:0005764", "KGCASE:0000149"]})
    for k in ("etn", "ada"):
        if (k, "dsdna", "increased") in seen:
            pool.append({"id": f"{k}-class-effect", "statement": "The rise of anti-dsDNA "
                         f"antibodies under {DRUGS[k].prose} may be a class effect of TNF "
                         "inhibition.", "concerns": [DRUGS[k].names[0], "KGCASE:0000149"]})
    for k in drugs:
        if (k, "cryoglobulin", "appeared") in seen:
            pool.append({"id": f"{k}-cryo", "statement": "Cryoglobulinaemia under "
                         f"{DRUGS[k].prose} may be drug-induced rather than disease-related.",
                         "concerns": [DRUGS[k].names[0], CRYO]})
    out = []
    for h in r.sample(pool, min(len(pool), 2)):
        if r.random() < 0.25:
            h = {**h, "certainty": "uncertain",
                 "note": "The authors offer this only as a possibility."}
        out.append({**h, "source": {"section": "Discussion", "quote": h["statement"]}})
    return out
