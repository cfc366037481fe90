"""How well and how fast `kgcase draft` drafts: precision/recall per category, and speed.

    python -m benchmarks draft [--synthetic N] [--speed N] [--no-write]

Three corpora: the seed (its text against the hand-curated case file), N synthetic reports
rendered to full text (`kgcase synth --text`) against the files they came from, and the report
texts in benchmarks/draft_reports/ against their gold files. Speed: N synthetic abstracts
drafted by `kgcase draft DIR --jobs 2` end to end (process start and pipeline build included).
Writes the section "## Drafting case files" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from benchmarks.common import machine, replace_section
from benchmarks.draft_score import Tally, case_keys, gold_keys, score, table
from kgcase.draft.readers import read
from kgcase.draft.run import draft_document
from kgcase.model.terms import TermIndex
from kgcase.reason import load_ontology_graph

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
REPORTS = Path(__file__).resolve().parent / "draft_reports"


def _draft(path: Path) -> dict:
    (doc,) = read(path)
    return draft_document(doc, ONTOLOGY).to_dict()


def seed(terms: TermIndex) -> tuple[dict[str, Tally], dict[str, int], float]:
    started = time.perf_counter()
    drafted = _draft(ROOT / "cases" / "sources" / "cabrera-2016.txt")
    seconds = time.perf_counter() - started
    gold = yaml.safe_load((ROOT / "cases" / "cabrera-2016.yaml").read_text(encoding="utf-8"))
    tallies: dict[str, Tally] = {}
    safety = score(case_keys(drafted, terms), case_keys(gold, terms), tallies)
    safety["values_for_review"] = sum(1 for r in drafted.get("review", [])
                                      if r["kind"] in ("table cell", "table row"))
    return tallies, safety, seconds


def synthetic(n: int, terms: TermIndex) -> tuple[dict[str, Tally], dict[str, int]]:
    from kgcase.synth import synth_case
    from kgcase.synth.render import render_text

    tallies: dict[str, Tally] = {}
    safety = {"negated_as_present": 0, "claims_as_observations": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            case = synth_case(11, i)
            path = Path(tmp) / f"{case['id']}.txt"
            path.write_text(render_text(case, i), encoding="utf-8")
            got = score(case_keys(_draft(path), terms), case_keys(case, terms), tallies)
            for k, v in got.items():
                safety[k] += v
    return tallies, safety


def own(terms: TermIndex) -> tuple[dict[str, Tally], dict[str, int], int]:
    tallies: dict[str, Tally] = {}
    safety = {"negated_as_present": 0, "claims_as_observations": 0}
    files = sorted(REPORTS.glob("*.txt"))
    for path in files:
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        got = score(case_keys(_draft(path), terms), gold_keys(gold), tallies)
        for k, v in got.items():
            safety[k] += v
    return tallies, safety, len(files)


def speed(n: int, jobs: int) -> tuple[float, float]:
    """Seconds for `kgcase draft` over ``n`` synthetic abstracts (whole command)."""
    from kgcase.synth import synth_case
    from kgcase.synth.render import render_text

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for i in range(n):
            case = synth_case(12, i)
            text = render_text(case, i).split("\nTable 1")[0]  # narrative only: an abstract
            (inputs / f"{case['id']}.txt").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        import os

        load = os.getloadavg()[0]
        subprocess.run([sys.executable, "-m", "kgcase.cli", "draft", str(inputs), "--out",
                        str(Path(tmp) / "out"), "--ontology", str(ONTOLOGY), "--jobs",
                        str(jobs), "--quiet"], check=True)
        return time.perf_counter() - started, max(load, os.getloadavg()[0])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks draft")
    parser.add_argument("--synthetic", type=int, default=200)
    parser.add_argument("--speed", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    terms = TermIndex.from_graph(load_ontology_graph(ONTOLOGY))
    seed_t, seed_s, seed_secs = seed(terms)
    syn_t, syn_s = synthetic(args.synthetic, terms)
    own_t, own_s, n_own = own(terms)
    secs, load = speed(args.speed, args.jobs)
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [
        "## Drafting case files",
        "",
        f"`python -m benchmarks draft` on {when}; {machine()}; machine shared with other "
        "work while it ran.",
        "",
        f"**Speed.** {args.speed} synthetic abstracts (narrative only) drafted by "
        f"`kgcase draft DIR --jobs {args.jobs}` in {secs:.1f} s end to end, process start and "
        f"pipeline build included ({args.speed / secs:.0f} abstracts/s), with the machine's "
        f"1-minute load average at {load:.0f} (other work on its 2 cores). The seed's full "
        f"text, first in its process (pipeline build included): {seed_secs:.1f} s.",
        "",
        "**The seed** (cases/sources/cabrera-2016.txt against cases/cabrera-2016.yaml). Its "
        "table is interleaved in the extracted text, so its values are not placed: "
        f"{seed_s['values_for_review']} table rows or cells listed for review.",
        "",
        *table(seed_t),
        "",
        f"Negated findings drafted as present: {seed_s['negated_as_present']}; claims drafted "
        f"as observations: {seed_s['claims_as_observations']}.",
        "",
        f"**{args.synthetic} synthetic reports** rendered to full text (`kgcase synth --text`, "
        "seed 11) against the case files they came from.",
        "",
        *table(syn_t),
        "",
        f"Negated findings drafted as present: {syn_s['negated_as_present']}; claims drafted "
        f"as observations: {syn_s['claims_as_observations']}.",
        "",
        f"**{n_own} report texts written for the benchmark** (benchmarks/draft_reports/, with "
        "gold files). They were written by the people who wrote the rules, so they are not "
        "reports the drafter has never seen; read these figures as an upper bound.",
        "",
        *table(own_t),
        "",
        f"Negated findings drafted as present: {own_s['negated_as_present']}; claims drafted "
        f"as observations: {own_s['claims_as_observations']}.",
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        replace_section(ROOT / "docs" / "benchmarks.md", "## Drafting case files", section)


if __name__ == "__main__":
    main()
