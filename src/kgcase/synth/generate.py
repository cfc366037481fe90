"""One synthetic case report as the raw case dict, plus the generator's ground truth.

Case ``index`` of ``seed`` draws everything from its own ``random.Random`` seeded by
``(seed, index)``, so it is the same whatever the size of the corpus it belongs to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from kgcase.synth import text
from kgcase.synth.pools import (
    BACKGROUND,
    CRYO,
    DEFAULT_EFFECT,
    DISEASES,
    DRUGS,
    EARLIER,
    EFFECTS,
    ILAR,
    MCTD,
    OVERLAP,
    OVERLAP_COMPONENTS,
    PHENOTYPES,
    PMCTD,
    POLYARTHRITIS,
    PREVIOUS,
    PUFFY_HANDS,
    TESTS,
    Disease,
    LabTest,
)
from kgcase.synth.series import QUAL_WORDS, SCORE_WORDS, WORDS, numbers, qualitative, titres

_ARTICULAR = (POLYARTHRITIS, "HP:0001369")
_ONSET = {ILAR: (2, 14)}  # age range at diagnosis of a child; (7, 15) otherwise
_CELL_COUNTS = ("wcc", "lymphocytes", "platelets")


#: Scales every test's share. The seed report prints a full 16-row table, but most published
#: case reports give a handful of values, and a 100 000-report corpus must fit the build
#: budget (docs/benchmarks.md): about 4 series per patient on average. Tests every patient
#: has (share 1.0: CRP) are not scaled, so no patient is left without a series.
TEST_SHARE = 0.45


@dataclass(frozen=True)
class ExpectedEffect:
    """The generator's truth for one measurement series of one patient.

    ``direction`` is what ``kgcase.derive.derive_effects`` must compute from the first to the
    last reported value (the window ``from_tp`` → ``to_tp``, attributed to ``exposure``).
    ``stated_direction`` is what the generated text claims about the same test, if anything;
    it disagrees with the values when ``agrees`` is false.
    """

    patient: str
    measurement: str
    test: str
    exposure: str
    from_tp: str
    to_tp: str
    direction: str
    stated: str | None = None
    stated_direction: str | None = None

    @property
    def agrees(self) -> bool | None:
        return None if self.stated_direction is None else self.stated_direction == self.direction


def case_id(seed: int, index: int) -> str:
    """``synth-<seed>-<index, 7 digits>``."""
    if seed < 0 or not 0 <= index < 10_000_000:
        raise ValueError("seed must be >= 0 and index in [0, 9 999 999]")
    return f"synth-{seed}-{index:07d}"


def synth_case(seed: int, index: int) -> dict[str, Any]:
    """The raw case dict of synthetic case ``index`` of corpus ``seed`` (pure, deterministic)."""
    return _Gen(seed, index).case


def expected_effects(seed: int, index: int) -> list[ExpectedEffect]:
    """The ground truth the generator built case ``index`` of ``seed`` from."""
    return _Gen(seed, index).truth


def _positive(cell: Any) -> bool:
    value = cell["value"] if isinstance(cell, dict) else cell
    return value is not None and not value.startswith(("−", "neg"))


class _Gen:
    def __init__(self, seed: int, index: int) -> None:
        cid = case_id(seed, index)
        self.r = r = random.Random(f"kgcase-synth:{seed}:{index}")  # noqa: S311 - not crypto
        self.truth: list[ExpectedEffect] = []
        self.ambiguities: list[dict[str, Any]] = []
        self.rows: set[str] = set()
        self.columns: list[str] = []
        self.giga = r.random() < 0.4  # cell counts printed in French "G/L"
        n = r.choices((1, 2, 3), (0.8, 0.17, 0.03))[0]
        patients = [self._patient(f"p{i}", f"Patient {i}") for i in range(1, n + 1)]
        self._case_ambiguities(patients)
        first = patients[0]["exposures"][0]
        disease = self.first_disease
        title = text.title(r, DRUGS[first["id"]].prose, disease.name, n)
        rows = (["M0 (previous treatment)"] if "M0 (previous treatment)" in self.rows else [])
        rows += [t for t in (self._row(t) for t in TESTS) if t in self.rows]
        case: dict[str, Any] = {
            "id": cid,
            "title": title,
            "citation": text.citation(r, title, seed, index),
            "synthetic": True,
            "tables": {"table1": {"caption": text.caption(r, DRUGS[first["id"]].prose),
                                  "rows": rows, "columns": self.columns}},
            "patients": patients,
        }
        drugs = {e["id"] for p in patients for e in p["exposures"][:1]}
        claims = text.claims(r, drugs, {p["diagnoses"][-1]["disease"] for p in patients})
        if claims:
            case["claims"] = claims
        hyps = text.hypotheses(r, sorted(drugs), self.truth)
        if hyps:
            case["hypotheses"] = hyps
        if self.ambiguities:
            case["ambiguities"] = self.ambiguities
        self.case = case

    def _case_ambiguities(self, patients: list[dict[str, Any]]) -> None:
        concerns = [f"{p['id']}/measurements/{m['id']}" for p in patients
                    for m in p["measurements"] if m["id"] in _CELL_COUNTS]
        if self.giga and concerns:
            self.ambiguities.append(text.units_ambiguity(concerns))
        moved = [f"{p['id']}/exposures/{e['id']}" for p in patients for e in p["exposures"]
                 if e["source"].get("table")]
        if len(patients) > 1 and moved:
            self.ambiguities.append(text.header_ambiguity(moved))

    # --- a patient -----------------------------------------------------------------------
    def _patient(self, pid: str, label: str) -> dict[str, Any]:
        r = self.r
        disease: Disease = r.choices(DISEASES, [d.weight for d in DISEASES])[0]
        if pid == "p1":
            self.first_disease = disease
        adult = disease.adult_ok and r.random() < 0.2
        age_dx = r.randint(18, 45) if adult else r.randint(*_ONSET.get(disease.criteria, (7, 15)))
        age0 = age_dx + r.choice((0, 0, 1, 1, 2, 3, 4))
        female = r.random() < (0.6 if disease.criteria == ILAR else 0.85)
        sex = "female" if female else "male"
        key = r.choices([d for d, _ in disease.index_drugs], [w for _, w in disease.index_drugs])[0]
        drug = DRUGS[key]
        n_tp = r.choices((2, 3, 4, 5), (0.4, 0.35, 0.2, 0.05))[0]
        months = [0, *sorted(r.sample((3, 6, 12, 18, 24, 36), n_tp - 1))]
        tps = [f"M{m}" for m in months]
        time_points = []
        for m, tp in zip(months, tps, strict=True):
            column = f"{label}, {tp}"
            self.columns.append(column)
            what = f"start of {drug.prose}" if m == 0 else f"{m} months of {drug.prose}"
            time_points.append({"id": tp, "months": m, "relative_to": key,
                                "label": f"{tp}: {what}", "column": column})
        who = text.who(age_dx, female, label)
        diagnoses = self._diagnoses(pid, disease, age_dx, who)
        findings = self._findings(disease, age0)
        exposures = self._exposures(pid, label, key, disease, age0, tps, findings)
        phenotypes = {f["phenotype"] for f in findings}
        measurements = [m for t in TESTS if (m := self._measure(pid, t, disease, phenotypes,
                                                                   key, age0, months, tps))]
        effects = self._effects(pid, key, measurements, findings, tps)
        patient = {"id": pid, "label": label, "sex": sex, "time_points": time_points,
                   "diagnoses": diagnoses, "findings": findings, "exposures": exposures,
                   "measurements": measurements, "effects": effects}
        return {k: v for k, v in patient.items() if v != []}

    def _diagnoses(self, pid: str, d: Disease, age: int, who: str) -> list[dict[str, Any]]:
        r, out = self.r, []
        if d.curie in EARLIER and r.random() < 0.3:
            pick = r.choice(EARLIER[d.curie])
            early = next(x for x in DISEASES if x.curie == pick)
            e_age = max(2, age - r.randint(2, 8))
            item = {"id": early.slug, "disease": early.curie, "age": e_age}
            if early.criteria and r.random() < 0.7:
                item["criteria"] = early.criteria
            item["source"] = text.quote("Case report", text.diagnosed(e_age, early.name))
            out.append(item)
        main: dict[str, Any] = {"id": d.slug, "disease": d.curie, "age": age}
        crit = d.criteria is not None and r.random() < 0.8
        if crit:
            main["criteria"] = d.criteria if r.random() < 0.8 else text.CRITERIA_CURIES[d.criteria]
        if d.curie == OVERLAP:
            main["components"] = r.sample(OVERLAP_COMPONENTS, r.randint(2, 3))
        main["source"] = text.quote("Case report", text.presented(who, d.name, crit))
        out.append(main)
        if d.curie not in (PMCTD, MCTD) and age < 16 and r.random() < 0.08:
            out.append({"id": "pmctd-grouping", "disease": PMCTD, "certainty": "uncertain",
                        "note": "The abstract groups this child as pMCTD; the case description "
                                "does not.",
                        "source": text.quote("Abstract", text.grouping(d.name))})
            self.ambiguities.append(text.grouping_ambiguity(pid, d.slug))
        return out

    def _findings(self, d: Disease, age0: int) -> list[dict[str, Any]]:
        r, out, seen = self.r, [], set()
        for phen, p in d.findings:
            fid, name = PHENOTYPES[phen]
            if fid in seen or r.random() >= p:
                continue
            seen.add(fid)
            item: dict[str, Any] = {"id": fid, "phenotype": phen, "age": age0}
            if r.random() < 0.75:
                item["time_point"] = "M0"
            if phen == PUFFY_HANDS:
                item["certainty"] = "probable"
                item["note"] = 'No HPO class for "puffy hands"; HP:0007514 is the closest term.'
            item["source"] = text.quote("Case report", text.finding(name))
            out.append(item)
        return out

    def _exposures(self, pid: str, label: str, key: str, d: Disease, age0: int,
                   tps: list[str], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
        r, drug = self.r, DRUGS[key]
        index: dict[str, Any] = {"id": key, "drug": r.choice(drug.names)}
        dose: str | None
        dose, interval = r.choice(drug.doses)
        if r.random() < 0.9:
            index["dose"] = dose
            if interval:
                index["interval"] = interval
        else:
            dose = interval = None
            index["dose_note"] = "dose not reported"
        index["start"] = "M0"
        index["start_age"] = age0
        if r.random() < 0.75:
            index["ongoing"] = True
        else:
            index["end"] = tps[-1]
        articular = [f["phenotype"] for f in findings if f["phenotype"] in _ARTICULAR]
        index["indication"] = [*articular[:1], d.curie]
        previous = r.sample([k for k in PREVIOUS if k != key], r.choice((0, 1, 1, 2, 3)))
        background = r.sample([k for k in BACKGROUND if k != key and k not in previous],
                              r.choice((0, 1, 1, 2)))
        if background:
            index["concomitant"] = background
        stopped = [DRUGS[k].prose for k in previous]
        index["source"] = text.quote("Case report", text.started(drug.prose, dose, interval,
                                                                   stopped))
        if "interval" in index and r.random() < 0.08:
            index["certainty"] = "probable"
            index["note"] = "The text gives the interval as 'for', not 'every'; read as every."
            self.ambiguities.append(text.interval_ambiguity(pid, key, dose, interval))
        out = [index]
        for k in previous:
            # the index drug's sentence states the stop ("… was initiated and X was stopped")
            item: dict[str, Any] = {"id": k, "drug": r.choice(DRUGS[k].names), "end": "M0",
                                    "end_source": index["source"], "indication": [d.curie]}
            if r.random() < 0.3:
                item["certainty"] = "probable"
                item["note"] = "Listed only in the M0 (previous treatment) header of the table."
                item["source"] = {"table": "table1", "row": "M0 (previous treatment)",
                                  "column": f"{label}, M0"}
                self.rows.add("M0 (previous treatment)")
            else:
                item["source"] = text.quote("Case report", text.previously(DRUGS[k].prose))
            out.append(item)
        for k in background:
            bg = DRUGS[k]
            dose, _ = r.choice(bg.doses)
            item = {"id": k, "drug": r.choice(bg.names), "dose": dose}
            if r.random() < 0.35:
                item["start"] = "M0"
            if k == "steroids" and len(tps) >= 3 and r.random() < 0.3:
                item["end"] = tps[r.randrange(1, len(tps) - 1)]
                item["dose_note"] = "tapered and stopped"
            else:
                item["ongoing"] = True
            item["source"] = text.quote("Case report", text.background(bg.prose))
            out.append(item)
        return out

    # --- measurements and their truth ------------------------------------------------------
    def _row(self, t: LabTest) -> str:
        if t.key in _CELL_COUNTS:
            return f"{t.row} ({'G/L' if self.giga else '10^9/L'})"
        return t.row

    def _measure(self, pid: str, t: LabTest, d: Disease, phenotypes: set[str],
                 key: str, age0: int, months: list[int], tps: list[str]) -> dict[str, Any] | None:
        r, share = self.r, t.share
        if t.key == "cjadas":  # a juvenile score: children only, mostly those with arthritis
            share = 0.0 if age0 >= 18 else 0.9 if phenotypes & set(_ARTICULAR) else 0.25
        elif t.key == "raynaud":  # a table row only for patients who have the phenomenon
            share = 0.6 if t.curie in phenotypes else 0.0
        elif (t.key, d.slug) in (("ck", "jdm"), ("u1rnp", "mctd"), ("u1rnp", "pmctd")):
            share = 0.9
        if r.random() >= (share if share >= 1.0 else share * TEST_SHARE):  # CRP: always
            return None
        up, down = EFFECTS.get(DRUGS[key].group, {}).get(t.key, DEFAULT_EFFECT)
        u = r.random()
        trend = "up" if u < up else "down" if u < up + down else "flat"
        present = t.phenotype in phenotypes
        if present and trend == "up":
            trend = "flat"  # a finding present at M0 can only persist or resolve
        if t.kind == "age":
            values: list[str | None] = [str(age0 + m // 12) for m in months]
            truth = None
        elif t.kind == "titre":
            values, truth = titres(r, trend, months), WORDS[trend]
        elif t.kind == "qual":
            values = qualitative(r, t, trend, len(months), present)
            truth = QUAL_WORDS[trend]
        else:
            values, truth = numbers(r, t, trend, months)
            if t.key == "cjadas":
                truth = SCORE_WORDS.get(trend, truth)
        item: dict[str, Any] = {"id": t.key, "test": t.curie}
        if t.unit:
            item["unit"] = t.unit
        if t.key in _CELL_COUNTS and self.giga:
            item["unit_as_printed"] = "G/L"
            item["certainty"] = "probable"
            item["note"] = "Printed as G/L; a cell count can only be 10^9/L (French G/L)."
        elif t.key == "dsdna":
            item["unit_as_printed"] = "UI/mL"
        elif t.unit == "{unreported}":
            item["note"] = "No unit or reference range printed."
        if t.reference:
            item["reference"] = t.reference
        cells: dict[str, Any] = dict(zip(tps, values, strict=True))
        if r.random() < 0.02:
            cells = dict.fromkeys(tps)
            item["note"] = "No value is printed in this row for this patient."
            truth = None
        for tp in tps[1:-1]:
            if r.random() < 0.07:
                cells[tp] = None
        if r.random() < 0.04 and cells[tps[-1]] is not None:
            cells[tps[-1]] = {"value": cells[tps[-1]], "certainty": "probable",
                              "note": "Detached in the extracted table; placed in this cell."}
            self.ambiguities.append(text.cell_ambiguity(pid, t.key, tps[-1]))
        item["values"] = cells
        row = self._row(t)
        self.rows.add(row)
        item["source"] = {"table": "table1", "row": row}
        if truth is not None:
            self.truth.append(ExpectedEffect(pid, t.key, t.curie, key, tps[0], tps[-1], truth))
        return item

    def _effects(self, pid: str, key: str, measurements: list[dict[str, Any]],
                 findings: list[dict[str, Any]], tps: list[str]) -> list[dict[str, Any]]:
        r, out = self.r, []
        mine = [i for i, e in enumerate(self.truth) if e.patient == pid]
        changed = [i for i in mine if self.truth[i].direction not in ("unchanged", "indeterminate")]
        picks = r.sample(changed, min(len(changed), r.choice((0, 1, 1, 2, 2, 3))))
        if mine and r.random() < 0.3:
            picks.append(r.choice(mine))
        by_id = {m["id"]: m for m in measurements}
        for i in sorted(set(picks)):
            e = self.truth[i]
            t = next(t for t in TESTS if t.key == e.measurement)
            stated = e.direction
            if stated == "indeterminate":
                continue
            if r.random() < 0.12:  # the text contradicts the table, most often "unmodified"
                options = SCORE_WORDS if t.key == "cjadas" else (
                    QUAL_WORDS if t.kind == "qual" else WORDS)
                others = [w for w in options.values() if w != e.direction]
                stated = "unchanged" if "unchanged" in others and r.random() < 0.6 else (
                    r.choice(others))
            eid = f"{e.measurement}-stated"
            item: dict[str, Any] = {"id": eid, "exposure": key, "target": t.curie,
                                    "direction": stated, "from": e.from_tp}
            if r.random() < 0.5:
                item["to"] = e.to_tp
            item["source"] = text.quote(r.choice(("Case report", "Discussion")),
                                        text.stated(t.name, DRUGS[key].prose, stated))
            out.append(item)
            self.truth[i] = ExpectedEffect(e.patient, e.measurement, e.test, e.exposure, e.from_tp,
                                           e.to_tp, e.direction, eid, stated)
            if stated != e.direction:
                values = by_id[e.measurement]["values"]
                self.ambiguities.append(text.contradiction(pid, eid, e, t.name, stated, values))
        out.extend(self._phenotype_effects(pid, key, findings, by_id, tps))
        return out

    def _phenotype_effects(self, pid: str, key: str, findings: list[dict[str, Any]],
                           by_id: dict[str, Any], tps: list[str]) -> list[dict[str, Any]]:
        """Articular outcome and treatment-emergent cryoglobulinaemia, agreeing with values."""
        out: list[dict[str, Any]] = []
        mine = {e.measurement: e for e in self.truth if e.patient == pid}
        joints = next((f for f in findings if f["phenotype"] in _ARTICULAR), None)
        cj = mine.get("cjadas")
        if joints and cj and cj.direction in ("improved", "unchanged", "worsened"):
            out.append({"id": "articular-outcome", "exposure": key,
                        "target": joints["phenotype"], "direction": cj.direction, "from": "M0",
                        "source": text.quote("Case report", text.articular(cj.direction))})
        cryo = mine.get("cryoglobulin")
        if cryo and cryo.direction == "appeared":
            cells = by_id["cryoglobulin"]["values"]
            when = next(tp for tp in tps[1:] if _positive(cells[tp]))
            if not any(f["id"] == "cryo" for f in findings):
                findings.append({"id": "cryo", "phenotype": CRYO, "time_point": when,
                                 "source": text.quote("Case report", text.cryo(
                                     DRUGS[key].prose))})
            out.append({"id": "cryo-appeared", "exposure": key, "target": CRYO,
                        "direction": "appeared", "from": "M0",
                        "source": text.quote("Case report", text.cryo(DRUGS[key].prose))})
        return out
