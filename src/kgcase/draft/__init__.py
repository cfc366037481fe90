"""The curation assistant: a case report in (text, PDF, JATS, PubMed, BioC), a draft case file out.

Modules, one concern each: :mod:`~kgcase.draft.document` (the BioC-shaped document every reader
returns), :mod:`~kgcase.draft.readers` (one module per input format), :mod:`~kgcase.draft.rules`
(the data files of clinical cues), :mod:`~kgcase.draft.vocab` (term patterns from the ontology and
HPO), :mod:`~kgcase.draft.nlp` (the spaCy + medspaCy pipeline), :mod:`~kgcase.draft.extract` and
:mod:`~kgcase.draft.tables` (mentions → facts), :mod:`~kgcase.draft.compose` (facts → case-file
dict) and :mod:`~kgcase.draft.write` (YAML and source text on disk).
"""
