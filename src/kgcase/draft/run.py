"""One document in, one :class:`CaseDraft` out: readers → pipeline → extraction → tables."""

from __future__ import annotations

from pathlib import Path

from kgcase.draft.compose import CaseDraft, slug
from kgcase.draft.document import Document
from kgcase.draft.extract import Extractor, sentences
from kgcase.draft.nlp import pipeline
from kgcase.draft.tables import stray_rows, table_series
from kgcase.draft.vocab import load_vocabulary


def case_id(doc: Document) -> str:
    """``pmid-<PMID>`` when the input names one, else the file name (and document key)."""
    if doc.citation.pmid:
        return f"pmid-{slug(doc.citation.pmid)}"
    stem = slug(doc.path.stem, 60)
    return f"{stem}-{slug(doc.key, 16)}" if doc.key else stem


def draft_document(doc: Document, ontology_dir: Path, *, with_hpo: bool = True) -> CaseDraft:
    """Draft ``doc`` against the ontology in ``ontology_dir``."""
    vocab = load_vocabulary(ontology_dir, with_hpo)
    nlp = pipeline(ontology_dir, with_hpo)
    ident = case_id(doc)
    draft = CaseDraft(ident, doc.citation, f"sources/{ident}.txt")
    Extractor(vocab).draft(doc, sentences(doc, nlp, vocab), draft)
    for table in doc.tables:
        table_series(table, vocab, draft)
    stray_rows(doc.passages, vocab, draft)
    for ann in doc.annotations:
        _annotation(doc, ann, draft)
    missing = [k for k in ("journal", "year", "doi") if getattr(doc.citation, k) is None]
    if missing:
        draft.add_review(doc.citation.title or ident, "citation",
                         f"the input does not give the {', '.join(missing)}; add them",
                         [], {"section": "Title", "quote": doc.passages[0].text})
    return draft


def _annotation(doc: Document, ann: object, draft: CaseDraft) -> None:
    """A pre-annotated mention (BioC/PubTator) is a candidate for the reviewer, never a fact."""
    from kgcase.draft.document import Annotation

    assert isinstance(ann, Annotation)
    text = doc.text[ann.offset:ann.offset + ann.length]
    passage = doc.passage_at(ann.offset)
    if not text.strip() or text.casefold() != ann.text.casefold():
        return
    ident = f"{ann.type}:{ann.identifier}" if ann.identifier else ann.type
    quote = passage.text if len(passage.text) < 400 else text
    draft.add_review(text, f"annotation ({ann.type})",
                     "pre-annotated in the input; check it against the drafted facts",
                     [ident] if ident else [], {"section": passage.section or "Text",
                                                "quote": " ".join(quote.split())})
