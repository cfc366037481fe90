"""ontology/mappings/kgcase.sssom.tsv and the skos mappings in the ontology say the same thing."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from .conftest import ONTOLOGY_DIR, verified_ids

pytestmark = pytest.mark.ontology
SSSOM = ONTOLOGY_DIR / "mappings" / "kgcase.sssom.tsv"
PREDICATES = [SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
              SKOS.relatedMatch]
REQUIRED = ["subject_id", "predicate_id", "object_id", "mapping_justification"]
#: Mapping targets verified by kgcase in evidenceontology/evidenceontology eco.obo.
VERIFIED_HERE = {"ECO:0000204", "ECO:0000205"}


def read_sssom() -> tuple[dict, list[dict[str, str]]]:
    """The SSSOM metadata block (YAML in '#' lines) and the mapping rows."""
    text = SSSOM.read_text(encoding="utf-8")
    meta = "".join(line[1:] + "\n" for line in text.splitlines() if line.startswith("#"))
    table = "".join(line + "\n" for line in text.splitlines() if not line.startswith("#"))
    return yaml.safe_load(meta), list(csv.DictReader(io.StringIO(table), delimiter="\t"))


def _expand(curie: str, curie_map: dict[str, str]) -> URIRef:
    prefix, _, local = curie.partition(":")
    assert prefix in curie_map, f"{curie}: prefix not in the curie_map"
    return URIRef(curie_map[prefix] + local)


def test_sssom_metadata_is_complete():
    meta, rows = read_sssom()
    assert meta["mapping_set_id"].startswith("https://w3id.org/kgcase/")
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert rows and all(all(row[c] for c in REQUIRED) for row in rows)
    assert {row["mapping_justification"] for row in rows} == {"semapv:ManualMappingCuration"}


def test_sssom_rows_equal_the_skos_mappings_of_the_ontology(edit_graph):
    meta, rows = read_sssom()
    curie_map = meta["curie_map"]
    in_file = {
        (_expand(r["subject_id"], curie_map), _expand(r["predicate_id"], curie_map),
         _expand(r["object_id"], curie_map))
        for r in rows
    }
    in_ontology = {(s, p, o) for p in PREDICATES for s, o in edit_graph.subject_objects(p)}
    assert len(in_file) == len(rows), "duplicate rows"
    assert in_file == in_ontology


def test_sssom_subject_labels_are_the_ontology_labels(ontology_graph):
    meta, rows = read_sssom()
    for row in rows:
        label = ontology_graph.value(_expand(row["subject_id"], meta["curie_map"]), RDFS.label)
        assert str(label) == row["subject_label"], row["subject_id"]


def test_mapping_targets_are_verified_ids():
    verified = verified_ids()
    _meta, rows = read_sssom()
    for row in rows:
        curie = row["object_id"]
        local = curie.split(":", 1)[1]
        assert curie in VERIFIED_HERE or curie in verified or local in verified, curie
        official = verified.get(curie, verified.get(local))
        if official is not None:
            assert row["object_label"] == official, curie
