"""A synthetic corpus of case reports in the real case-file format (``kgcase synth``).

``synth_case(seed, index)`` is the raw case dict of one case and ``expected_effects(seed,
index)`` the ground truth it was generated from; ``write_corpus(n, seed, out_dir)`` writes
cases ``0 .. n-1`` as YAML, 1 000 files to a shard directory. ``synth_command`` is the click
command. See docs/case-format.md, "Synthetic corpus".
"""

from kgcase.synth.corpus import case_path, case_text, synth_command, write_corpus
from kgcase.synth.generate import ExpectedEffect, case_id, expected_effects, synth_case

__all__ = [
    "ExpectedEffect",
    "case_id",
    "case_path",
    "case_text",
    "expected_effects",
    "synth_case",
    "synth_command",
    "write_corpus",
]
