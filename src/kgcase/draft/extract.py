"""Sentences → drafted facts: patients, diagnoses, findings (present or absent), exposures,
text measurements, stated effects, literature claims, and the mentions left for review.

Each sentence is first classed: a literature claim (a cue or a citation, see
``rules/claims.json``) is drafted as a claim and nothing else; background sections
(introduction, discussion) give claims only; everything else is an observation about the
patient currently spoken of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kgcase.draft.compose import CaseDraft, PatientDraft, found_by
from kgcase.draft.document import Document, Passage
from kgcase.draft.grounding import Mention, mention
from kgcase.draft.rules import load_rules
from kgcase.draft.vocab import Term, Vocabulary
from kgcase.values import ValueSyntaxError, parse_value

_WORD_NUMBERS = {"first": 1, "second": 2, "third": 3}


@dataclass
class Sentence:
    passage: Passage
    start: int  # offset in the document
    text: str
    mentions: list[Mention]

    @property
    def source(self) -> dict[str, str]:
        return {"section": self.passage.section or "Text", "quote": " ".join(self.text.split())}


def _compile(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in
                                              sorted(words, key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE)


class Extractor:
    """Drafts one document's sentences into a :class:`CaseDraft`."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.sections = load_rules("sections")
        self.patients = load_rules("patients")
        self.exposure_rules = load_rules("exposures")
        self.measure = load_rules("measurements")
        claims = load_rules("claims")
        self.claim_cues = _compile(claims["cues"])
        self.citation = re.compile(claims["citation"])
        self.observation = _compile([w.strip() for w in claims["observation"]])
        self.intro = [re.compile(p, re.IGNORECASE) for p in self.patients["introduction"]]
        self.ref = re.compile(self.patients["reference"], re.IGNORECASE)
        self.age_pattern = re.compile(self.patients["age"], re.IGNORECASE)
        self.finding_cue = re.compile(load_rules("mentions")["finding_cue"], re.IGNORECASE)
        self.directions = [(d, _compile(cues)) for d, cues in
                           load_rules("effects")["directions"].items()]
        self.window = re.compile(load_rules("effects")["window"], re.IGNORECASE)
        self.treatment = re.compile(load_rules("effects")["treatment"], re.IGNORECASE)
        ex = self.exposure_rules
        self.dose = re.compile(ex["dose"])
        self.interval = re.compile(ex["interval"]["pattern"], re.IGNORECASE)
        self.stop = _compile(ex["stop"])
        self.start_cue = _compile(ex["start"])
        self.history = _compile(ex["history"])
        self.reason = re.compile(ex["reason"], re.IGNORECASE)
        self.routes = _compile(list(ex["routes"]))
        self.value = re.compile(self.measure["value"])
        self.time = re.compile(self.measure["time"], re.IGNORECASE)

    # -- classing ----------------------------------------------------------------------------
    def is_claim(self, s: Sentence) -> bool:
        if self.observation.search(s.text) and not self.claim_cues.search(s.text):
            return False
        return bool(self.claim_cues.search(s.text) or self.citation.search(s.text))

    def split_mixed(self, s: Sentence) -> tuple[Sentence | None, Sentence]:
        """A sentence that observes and then cites ("In patient 1 X increased, an effect that
        has been reported with Y") gives an observation clause and a claim clause."""
        cue = self.claim_cues.search(s.text)
        if cue is None or not self.observation.search(s.text[:cue.start()]):
            return None, s
        cut = max(s.text.rfind(",", 0, cue.start()), s.text.rfind(";", 0, cue.start()))
        if cut <= 0:
            return None, s
        rest = len(s.text[cut + 1:]) - len(s.text[cut + 1:].lstrip())

        def part(start: int, end: int) -> Sentence:
            a, b = s.start + start, s.start + end
            return Sentence(s.passage, a, s.text[start:end],
                            [m for m in s.mentions if a <= m.start and m.end <= b])

        return part(0, cut), part(cut + 1 + rest, len(s.text))

    def in_background(self, s: Sentence) -> bool:
        return s.passage.section.casefold() in self.sections["background"]

    # -- the whole document --------------------------------------------------------------------
    def draft(self, doc: Document, sentences: list[Sentence], draft: CaseDraft) -> None:
        current: PatientDraft | None = None
        for s in sentences:
            if s.passage.section.casefold() in self.sections["references"]:
                continue
            if self.is_claim(s):
                observed, claimed = self.split_mixed(s)
                self.claim(claimed, draft)
                if observed is None:
                    continue
                s = observed
            if self.in_background(s) and not self.observation.search(s.text):
                continue
            current = self.who(s, draft, current)
            if current is None:  # nothing is said of a patient before one is introduced
                continue
            self.observe(s, current, draft)

    def who(self, s: Sentence, draft: CaseDraft,
            current: PatientDraft | None) -> PatientDraft | None:
        """The patient a sentence speaks of: introduced here, named here, or the last one."""
        named = self.ref.search(s.text)
        number = None
        if named:
            number = int(named["n"]) if named["n"] else _WORD_NUMBERS[named["ord"].casefold()]
        for pattern in self.intro:
            m = pattern.search(s.text)
            if m:
                if number is None:
                    number = self._new_or_same(m, current, draft)
                p = draft.patient(number)
                if p.sex == "unknown" or p.age is None:
                    age = m.groupdict().get("age")
                    p.age = float(age) if age else None
                    p.sex = self.patients["sex"].get(m["noun"].casefold(), "unknown")
                return p
        if number is not None:
            return draft.patient(number)
        return current

    def _new_or_same(self, m: re.Match[str], current: PatientDraft | None,
                     draft: CaseDraft) -> int:
        """A second introduction (abstract, then case) names the same patient unless its age
        or sex differs."""
        if current is None:
            return 1
        age = m.groupdict().get("age")
        sex = self.patients["sex"].get(m["noun"].casefold(), "unknown")
        same_age = current.age is None or age is None or float(age) == current.age
        same_sex = "unknown" in (sex, current.sex) or sex == current.sex
        return int(current.id[1:]) if same_age and same_sex else len(draft.patients) + 1

    # -- observations --------------------------------------------------------------------------
    def observe(self, s: Sentence, p: PatientDraft, draft: CaseDraft) -> None:
        exposures = [m for m in s.mentions if m.of_kind("drug")]
        treated = bool(exposures or self.treatment.search(s.text))
        self.unmatched(s, draft)
        for m in s.mentions:
            if m.hypothetical or m.family:
                what = "hypothetical" if m.hypothetical else "family history"
                draft.add_review(m.text, "mention", f"{what} mention ({', '.join(m.cues)}); "
                                 "not drafted as an observation",
                                 [t.curie for t in m.candidates], s.source)
                continue
            if m.grounded is None:
                self.ungrounded(m, s, draft)
                continue
            drug = m.of_kind("drug")
            if drug:
                self.exposure(m, drug, s, p)
                continue
            test = m.of_kind("test")
            if test and self.measurement(m, test, s, p, draft):
                continue
            direction = self.direction(s.text, m.start - s.start) if treated else None
            phenotype = m.of_kind("phenotype")
            if test and direction in ("appeared", "resolved"):  # "became positive/negative"
                assessed = self.vocab.assesses.get(test.curie, [])
                if len(assessed) == 1:  # the positivity the test assesses is the finding
                    phenotype, test = self.vocab.terms[assessed[0]], None
            if direction and (test or phenotype):
                drug = min(exposures, key=lambda e: abs(e.start - m.start)) if exposures else None
                self.effect(m, test or phenotype, direction, drug, s, p)  # type: ignore[arg-type]
                if test:
                    continue
            disease = m.of_kind("disease")
            if disease and (not phenotype or "diagnos" in s.text.casefold()):
                self.diagnosis(m, disease, s, p)
            elif phenotype:
                self.finding(m, phenotype, s, p)
            elif m.of_kind("criteria"):
                self.criteria(m, s, p)

    def ungrounded(self, m: Mention, s: Sentence, draft: CaseDraft) -> None:
        names = [f"{t.curie} ({t.label})" for t in m.candidates]
        state = f"ABSENT (negated by {', '.join(m.cues)}); " if m.negated else ""
        draft.add_review(m.text, m.candidates[0].kind if m.candidates else "mention",
                         f"{state}no term of the kgcase ontology; the candidates are outside "
                         "it (add one with `kgcase terms add` after checking it)", names,
                         s.source)

    def unmatched(self, s: Sentence, draft: CaseDraft) -> None:
        """Phrases a finding cue introduces that match no name: listed with close names."""
        import difflib

        for hit in self.finding_cue.finditer(s.text):
            start, end = s.start + hit.start("phrase"), s.start + hit.end("phrase")
            if any(m.start < end and start < m.end for m in s.mentions):
                continue
            phrase = hit["phrase"].strip()
            close = difflib.get_close_matches(phrase.casefold(), list(self.vocab.lower),
                                              n=3, cutoff=0.6)
            candidates = [f"{c} ({ids[0]})" for c in close for ids in [self.vocab.lower[c]]]
            draft.add_review(phrase, "mention", "matches no term name; candidates are the "
                             "closest names", candidates, s.source)

    def finding(self, m: Mention, term: Term, s: Sentence, p: PatientDraft) -> None:
        for f in p.facts["findings"]:
            if f["phenotype"] == term.curie and f.get("absent", False) == m.negated:
                return
        fact: dict[str, Any] = {"phenotype": term.curie}
        age = self.age(s.text)
        if age is not None and not m.negated:
            fact["age"] = age
        notes = []
        if m.negated:
            fact["absent"] = True
            notes.append(f"ABSENT: negated by {', '.join(m.cues)}")
        if m.historical:
            notes.append("history (ConText HISTORICAL)")
        if m.uncertain:
            fact["certainty"] = "uncertain"
            notes.append(f"uncertain: {', '.join(m.cues)}")
        rule = "finding:negated (ConText)" if m.negated else "finding:present"
        confidence = 0.85 if m.negated else 0.8
        if notes:
            fact["note"] = "; ".join(notes)
        fact["source"] = s.source
        fact["found_by"] = found_by(f"{rule}; matched {m.text!r}", confidence)
        p.add("findings", fact, term.label)

    def diagnosis(self, m: Mention, term: Term, s: Sentence, p: PatientDraft) -> None:
        if any(d["disease"] == term.curie for d in p.facts["diagnoses"]):
            return
        fact: dict[str, Any] = {"disease": term.curie}
        if m.negated or m.uncertain:
            fact["certainty"] = "uncertain"
            fact["note"] = f"the text qualifies it: {', '.join(m.cues)}"
        age = self.age(s.text)
        if age is not None:
            fact["age"] = age
        crit = next((x.of_kind("criteria") for x in s.mentions if x.of_kind("criteria")), None)
        if crit:
            fact["criteria"] = crit.curie
        fact["source"] = s.source
        cue = "diagnosis:cue" if "diagnos" in s.text.casefold() else "diagnosis:disease-mention"
        fact["found_by"] = found_by(f"{cue}; matched {m.text!r}",
                                    0.9 if cue == "diagnosis:cue" else 0.6)
        p.add("diagnoses", fact, term.label)

    def age(self, text: str) -> int | None:
        hit = self.age_pattern.search(text)
        return int(next(g for g in hit.groups() if g)) if hit else None

    def criteria(self, m: Mention, s: Sentence, p: PatientDraft) -> None:
        term = m.of_kind("criteria")
        if term and p.facts["diagnoses"] and "criteria" not in p.facts["diagnoses"][-1]:
            p.facts["diagnoses"][-1]["criteria"] = term.curie

    def exposure(self, m: Mention, drug: Term, s: Sentence, p: PatientDraft) -> None:
        after = s.text[m.end - s.start:m.end - s.start + 60]
        history = bool(self.history.search(s.text) or m.historical)
        existing = next((e for e in p.facts["exposures"] if e["drug"] == drug.curie), None)
        fact: dict[str, Any] = existing if existing is not None else {"drug": drug.curie}
        dose = self.dose.search(after)
        if dose and "dose" not in fact:
            unit = dose["unit"].replace("/day", "/d")
            fact["dose"] = f"{dose['value']} {unit}"
        interval = self.interval.search(after)
        if interval and "interval" not in fact:
            fact["interval"] = self._interval(interval)
        notes = [fact["note"]] if fact.get("note") else []
        route = self.routes.search(after)
        if route:
            notes.append(f"route: {self.exposure_rules['routes'][route[0].casefold()]}")
        stopped = self.stop.search(s.text)
        if stopped and self._stopped_drug(s, stopped.start()) is m:
            why = self.reason.search(s.text[stopped.end():])
            notes.append(f"discontinued ({stopped[0]!r})"
                         + (f"; reason as stated: {why['reason'].strip()}" if why else ""))
        if history:
            notes.append("previous treatment (history), not current")
        if notes:
            fact["note"] = "; ".join(dict.fromkeys(n for n in notes if n))
        rule = "exposure:history" if history else (
            "exposure:start-cue" if self.start_cue.search(s.text) or dose
            else "exposure:drug-mention")
        stronger = existing is not None and rule != "exposure:drug-mention" and \
            existing["found_by"]["rule"].startswith("exposure:drug-mention")
        if existing is None or stronger:
            fact["source"] = s.source
            fact["found_by"] = found_by(f"{rule}; matched {m.text!r}",
                                        0.85 if rule != "exposure:drug-mention" else 0.7)
        if existing is None:
            p.add("exposures", fact, drug.label)

    def _stopped_drug(self, s: Sentence, cue: int) -> Mention | None:
        """The drug a stop cue speaks of: the nearest drug mention before it."""
        before = [m for m in s.mentions if m.of_kind("drug") and m.start - s.start < cue]
        return max(before, key=lambda m: m.start) if before else None

    def _interval(self, m: re.Match[str]) -> str:
        rules = self.exposure_rules["interval"]
        if m["word"]:
            return str(rules["words"][m["word"].casefold()])
        n = m["n"] or "1"
        n = str(rules["numbers"].get(n.casefold(), n))
        return f"{n} {rules['units'][m['unit'].casefold()]}"

    def measurement(self, m: Mention, test: Term, s: Sentence, p: PatientDraft,
                    draft: CaseDraft) -> bool:
        after = s.text[m.end - s.start:m.end - s.start + 50]
        if m.negated and re.search(r"\bnegative\b", s.text, re.IGNORECASE):
            printed, unit = "−", None
        else:
            v = re.match(r"\s*(?:\([^)]*\)\s*)?(?:level\s+)?(?:was|were|of|at|:|=|reached|"
                         r"increased to|decreased to|rose to|fell to)?\s*" + self.value.pattern,
                         after)
            if not v or not v["value"]:
                return False
            printed = v["value"].replace(" ", "").replace(",", ".")
            unit = v["unit"].rstrip(".") if v["unit"] else None
            if printed.startswith(("≤", "≥")):
                printed = printed.replace("≤", "<=").replace("≥", ">=")
        try:
            parsed = parse_value(printed)
        except ValueSyntaxError:
            return False
        ucum = self.measure["units"].get(unit or "", None)
        if parsed.kind == "numeric" and ucum is None:
            draft.add_review(f"{m.text} {printed} {unit or ''}".strip(), "measurement",
                             f"unit {unit!r} has no UCUM form in rules/measurements.json",
                             [test.curie], s.source)
            return True
        time = self.time.search(s.text)
        months, label, note = 0, "time not stated in the text", "the text gives no time point"
        if time:
            months = int(time["m"] or time["n"] or 0)
            label, note = f"month {months} (as stated)", None
        tp = p.time_point(months, label)
        fact: dict[str, Any] = {"test": test.curie}
        if ucum:
            fact["unit"] = ucum
            if unit != ucum:
                fact["unit_as_printed"] = unit
        fact["values"] = {tp: printed}
        if note:
            fact["certainty"] = "uncertain"
            fact["note"] = note
        fact["source"] = s.source
        fact["found_by"] = found_by(f"measurement:text-value; matched {m.text!r}", 0.7)
        p.add("measurements", fact, test.label)
        return True

    def direction(self, text: str, at: int = 0) -> str | None:
        """The direction whose cue lies nearest to character ``at`` of ``text``."""
        best: tuple[int, str] | None = None
        for d, pattern in self.directions:
            for hit in pattern.finditer(text):
                distance = abs(hit.start() - at)
                if best is None or distance < best[0]:
                    best = (distance, d)
        return best[1] if best else None

    def effect(self, m: Mention, target: Term, direction: str, drug: Mention | None,
               s: Sentence, p: PatientDraft) -> None:
        exposure = None
        if drug is not None:
            term = drug.of_kind("drug")
            exposure = next((e for e in p.facts["exposures"] if term and e["drug"] == term.curie),
                            None)
            if exposure is None and term:
                self.exposure(drug, term, s, p)
                exposure = p.facts["exposures"][-1]
        if exposure is None:
            current = [e for e in p.facts["exposures"] if "history" not in e.get("note", "")]
            exposure = current[-1] if current else None
        if exposure is None:
            return
        if any(e["target"] == target.curie and e["source"] == s.source
               for e in p.facts["effects"]):
            return
        fact: dict[str, Any] = {"exposure": exposure["id"], "target": target.curie,
                                "direction": direction}
        window = self.window.search(s.text)
        if window:
            fact["window_note"] = window["window"]
        if drug is None:
            fact["certainty"] = "probable"
            fact["note"] = "the sentence names no drug; attributed to the latest current exposure"
        fact["source"] = s.source
        fact["found_by"] = found_by(f"effect:direction-cue '{direction}'; target {m.text!r}",
                                    0.75 if drug is not None else 0.55)
        p.add("effects", fact, f"{target.label}-{direction}")

    # -- claims ----------------------------------------------------------------------------
    def claim(self, s: Sentence, draft: CaseDraft) -> None:
        grounded = [m.grounded for m in s.mentions if m.grounded]
        subject = next((t for t in grounded if t.kind == "drug"), grounded[0] if grounded else None)
        obj = next((t for t in grounded if t is not subject), None)
        claim: dict[str, Any] = {
            "kind": "approval" if re.search(r"\bapprov", s.text, re.IGNORECASE) else "literature",
            "statement": " ".join(s.text.split()),
        }
        if subject:
            claim["subject"] = subject.curie
        if obj:
            claim["object"] = obj.curie
        direction = self.direction(s.text)
        if direction and subject and obj:
            claim["direction"] = direction
        refs = re.findall(r"\d{1,3}", " ".join(self.citation.findall(s.text)))
        if refs:
            claim["references"] = sorted(set(refs), key=int)
        cue = self.claim_cues.search(s.text)
        claim["source"] = s.source
        claim["found_by"] = found_by(
            f"claim:cue {cue[0]!r}" if cue else "claim:cited reference", 0.75 if cue else 0.6)
        draft.add_claim(claim)


def sentences(doc: Document, nlp: Any, vocab: Vocabulary) -> list[Sentence]:
    """Run the pipeline over the document's prose passages; sentences in document offsets."""
    prose = [p for p in doc.passages if p.kind in ("abstract", "paragraph", "caption")]
    out: list[Sentence] = []
    for passage, spacy_doc in zip(prose, nlp.pipe(p.text for p in prose), strict=True):
        for sent in spacy_doc.sents:
            if not sent.text.strip():
                continue
            mentions = [mention(e, passage.offset, vocab) for e in sent.ents]
            out.append(Sentence(passage, passage.offset + sent.start_char, sent.text, mentions))
    return out
