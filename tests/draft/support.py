"""Shared code of the drafting tests: the report files in ``data/`` and drafts made from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kgcase.draft.readers import read
from kgcase.draft.run import draft_document

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ONTOLOGY = HERE.parents[1] / "ontology"


def draft_of(path: Path) -> list[dict[str, Any]]:
    """The case dicts drafted from every document in ``path``."""
    return [draft_document(doc, ONTOLOGY).to_dict() for doc in read(path)]


def facts(case: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for p in case["patients"] for f in p.get(kind, [])]


def make_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF with a real text layer (matplotlib's PDF backend writes text as text)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.27, 11.69))
    for n, line in enumerate(lines):
        fig.text(0.05, 0.95 - n * 0.03, line, fontsize=9, family="DejaVu Sans")
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path
