"""The one place the spaCy pipeline is assembled: sentences, two term rulers, medspaCy ConText.

Pipe names are declared once (:data:`PIPES`); nothing else calls ``add_pipe``. Term patterns are
built as cheap docs (``nlp.make_doc`` inside the ruler's batch), labels and synonyms matched on
lower case, short symbols (TCZ, CRP) on their printed form.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

from kgcase.draft.rules import load_rules, rule_path
from kgcase.draft.vocab import Vocabulary, load_vocabulary

PIPES = ("kgcase_sentences", "kgcase_citation_breaks", "kgcase_terms", "kgcase_symbols",
         "kgcase_dictionary", "medspacy_context")
LABEL = "TERM"
ID_SEPARATOR = "|"


def build_nlp(vocab: Vocabulary) -> Any:
    """A blank English pipeline with the vocabulary's rulers and ConText."""
    with warnings.catch_warnings():
        # spaCy 3.7 and medspaCy use pydantic's v1 API and click's old functions at import time
        warnings.simplefilter("ignore", DeprecationWarning)
        import medspacy  # noqa: F401  (registers the medspacy_* factories)
        import spacy
        from medspacy.context import ConTextRule

        import kgcase.draft.matcher
        import kgcase.draft.sentences  # noqa: F401  (registers kgcase_citation_breaks)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", name=PIPES[0])
    nlp.add_pipe(PIPES[1])
    lower = nlp.add_pipe("entity_ruler", name=PIPES[2],
                         config={"phrase_matcher_attr": "LOWER", "validate": False})
    exact = nlp.add_pipe("entity_ruler", name=PIPES[3], config={"validate": False})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W036\].*")
        lower.add_patterns([{"label": LABEL, "pattern": name, "id": ID_SEPARATOR.join(ids)}
                            for name, ids in vocab.lower.items()])
        exact.add_patterns([{"label": LABEL, "pattern": name, "id": ID_SEPARATOR.join(ids)}
                            for name, ids in vocab.exact.items()])
    hpo = nlp.add_pipe("kgcase_dictionary", name=PIPES[4])
    hpo.__init__(vocab.hpo, LABEL, ID_SEPARATOR)
    context = nlp.add_pipe(PIPES[5], config={"rules": None})
    drop = {w.casefold() for w in load_rules("context")["drop_default"]}
    defaults = ConTextRule.from_json(context.DEFAULT_RULES_FILEPATH)
    context.add([r for r in defaults if r.literal.casefold() not in drop])
    context.add(ConTextRule.from_json(str(rule_path("context_rules"))))
    return nlp


@cache
def pipeline(ontology_dir: Path, with_hpo: bool = True) -> Any:
    """The pipeline for an ontology directory, built once per process."""
    return build_nlp(load_vocabulary(ontology_dir, with_hpo))
