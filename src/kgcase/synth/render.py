"""A synthetic case rendered as a report's full text: narrative and a tab-separated table.

The narrative is the case's own generated sentences (its quotes), in the order of the case-file
format, under headings whose wording varies per case; the table prints every measurement row
with one column per patient and time point, headed in one of several styles. Drafting this
text and scoring the draft against the case file measures the drafter (``python -m benchmarks
draft``). Deterministic: the same case gives the same text.
"""

from __future__ import annotations

import random
from typing import Any

_CASE_HEADINGS = ("CASE REPORT", "Case presentation", "CASE REPORTS", "Case description")
_DISCUSSION = ("DISCUSSION", "Discussion")
_COLUMN_STYLES = ("{patient}, M{months}", "{patient} month {months}", "{patient} M{months}")


def render_text(case: dict[str, Any], index: int = 0) -> str:
    """The full text of ``case`` (a synthetic case dict)."""
    rng = random.Random(f"render:{case['id']}:{index}")  # noqa: S311 - wording, not secrets
    lines = [case["title"], "", rng.choice(_CASE_HEADINGS)]
    seen: set[str] = set()
    for p in case["patients"]:
        for kind in ("diagnoses", "findings", "exposures", "effects"):
            for fact in p.get(kind, []):
                quote = fact["source"].get("quote")
                if quote and quote not in seen:
                    seen.add(quote)
                    lines.append(quote)
    table = _table(case, rng)
    if table:
        lines += ["", *table]
    discussion = [c["source"]["quote"] for key in ("claims", "hypotheses")
                  for c in case.get(key, []) if c["source"].get("quote")]
    if discussion:
        lines += ["", rng.choice(_DISCUSSION), *discussion]
    return "\n".join(lines) + "\n"


def _table(case: dict[str, Any], rng: random.Random) -> list[str]:
    style = rng.choice(_COLUMN_STYLES)
    columns: list[tuple[str, str, str]] = []  # (patient id, time point id, header)
    for p in case["patients"]:
        for tp in p.get("time_points", []):
            columns.append((p["id"], tp["id"],
                            style.format(patient=p["label"], months=tp["months"])))
    rows: dict[str, dict[tuple[str, str], str]] = {}
    for p in case["patients"]:
        for m in p.get("measurements", []):
            row = m["source"].get("row")
            if not row:
                continue
            for tp, cell in m["values"].items():
                value = cell["value"] if isinstance(cell, dict) else cell
                rows.setdefault(row, {})[(p["id"], tp)] = "" if value is None else str(value)
    if not rows:
        return []
    caption = next(iter(case.get("tables", {}).values()), {}).get("caption", "Laboratory values")
    out = [f"Table 1 {caption}", "\t".join(["Test", *(h for _p, _t, h in columns)])]
    for row, cells in rows.items():
        out.append("\t".join([row, *(cells.get((p, t), "-") or "-" for p, t, _h in columns)]))
    return out
