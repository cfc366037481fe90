"""Rule files load strictly, and each cue matches the sentences it must and no others."""

from __future__ import annotations

import json
import re

import pytest

from kgcase.draft import rules
from kgcase.draft.rules import ALLOWED, RuleFileError, load_rules


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_every_rule_file_loads(name):
    assert load_rules(name)


def test_unknown_entries_are_refused_naming_the_file(tmp_path, monkeypatch):
    (tmp_path / "effects.json").write_text(json.dumps({"effects": {"directoins": {}}}))
    monkeypatch.setattr(rules, "HERE", tmp_path)
    load_rules.cache_clear()
    try:
        with pytest.raises(RuleFileError, match=r"effects\.json: unknown entries \['directoins'\]"):
            load_rules("effects")
    finally:
        load_rules.cache_clear()


@pytest.mark.parametrize(("text", "claim"), [
    ("Etanercept has been reported to induce lupus.", True),
    ("Tocilizumab is approved for systemic JIA in Europe.", True),
    ("Raynaud's phenomenon is common in this disease.[12]", True),
    ("To our knowledge, this is the first such case.", True),
    ("She received etanercept for two years.", False),
    ("Her CRP was 12 mg/L at M6.", False),
])
def test_claim_cues(text, claim):
    body = load_rules("claims")
    cue = re.search("|".join(re.escape(c) for c in body["cues"]), text, re.IGNORECASE)
    assert bool(cue or re.search(body["citation"], text)) is claim
