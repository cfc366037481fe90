"""docs/ontology.md agrees with the ontology: new terms, mappings and QC queries are listed."""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from kgcase.vocab import TERMS

from .conftest import ONTOLOGY_DIR, ROOT
from .test_sssom import read_sssom

pytestmark = pytest.mark.ontology
DOC = ROOT / "docs" / "ontology.md"
TERM = re.compile(r"^https://w3id\.org/kgcase/KGCASE_(\d{7})$")


def test_docs_list_every_term_added_beyond_the_contract(edit_graph):
    text = DOC.read_text(encoding="utf-8")
    contract = {iri for iri, _kind, _label in TERMS.values()}
    for s in set(edit_graph.subjects(RDF.type, None)):
        m = TERM.match(str(s)) if isinstance(s, URIRef) else None
        if m and s not in contract:
            assert f"`KGCASE:{m.group(1)}` | {edit_graph.value(s, RDFS.label)} |" in text, s


def test_docs_mapping_table_lists_every_sssom_row():
    text = DOC.read_text(encoding="utf-8")
    _meta, rows = read_sssom()
    for row in rows:
        match = row["predicate_id"].split(":")[1]
        target = f"`{row['object_id']}` {row['object_label']}"
        line = f"| `{row['subject_id']}` | {target} | {match} |"
        assert line in text, line


def test_docs_name_every_violation_query():
    text = DOC.read_text(encoding="utf-8")
    for query in sorted((ONTOLOGY_DIR / "sparql").glob("*-violation.rq")):
        assert f"`{query.name}`" in text, query.name
