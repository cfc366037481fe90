"""Import stubs, catalog and offline loading: the ontology opens anywhere without the network."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import xml.etree.ElementTree as ET
from types import ModuleType

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kgcase.errors import KgcaseError
from kgcase.reason import load_ontology_graph, reason

from .conftest import ONTOLOGY_DIR, ROOT, verified_ids

pytestmark = pytest.mark.ontology
IMPORTS = ONTOLOGY_DIR / "imports"
FORBIDDEN = ["MONDO:0019343", "MONDO:0006818", "HP:0005782"]
#: Verified by kgcase in evidenceontology/evidenceontology eco.obo (not listed in verified-ids.tsv).
VERIFIED_HERE = {"ECO:0000000", "ECO:0000204", "ECO:0000205"}
BUILTIN = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
           "http://www.w3.org/2002/07/owl#")


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ONTOLOGY_DIR / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog() -> dict[str, str]:
    root = ET.parse(ONTOLOGY_DIR / "catalog-v001.xml").getroot()
    return {e.attrib["name"]: e.attrib["uri"] for e in root.iter() if e.tag.endswith("}uri")}


def test_import_modules_and_seeds_are_current():
    generated = _tool("make_imports").render_all()
    for path, text in generated.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is out of date: run python ontology/tools/make_imports.py"
        )
    on_disk = set(IMPORTS.glob("*_import.owl")) | set(IMPORTS.glob("*_terms.txt"))
    assert on_disk == set(generated)


def test_contract_query_is_current():
    tool = _tool("make_contract_query")
    assert tool.QUERY.read_text(encoding="utf-8") == tool.render(), (
        "run python ontology/tools/make_contract_query.py"
    )


def test_catalog_maps_every_import_to_a_relative_local_file(edit_graph):
    catalog = _catalog()
    imports = sorted(str(o) for o in edit_graph.objects(None, OWL.imports))
    assert imports and sorted(catalog) == imports
    for iri, uri in catalog.items():
        assert not uri.startswith("/") and "://" not in uri and ":" not in uri, uri
        path = ONTOLOGY_DIR / uri
        assert path.is_file(), path
        assert path.name == iri.rsplit("/", 1)[1], "owlready2 finds imports by file name"
        module = Graph().parse(path, format="xml")
        assert list(module.subjects(RDF.type, OWL.Ontology)) == [URIRef(iri)]


@pytest.mark.parametrize("module", sorted(IMPORTS.glob("*_import.owl")), ids=lambda p: p.stem)
def test_import_module_declares_everything_it_uses(module):
    """Each module opens on its own in Protégé and stays OWL 2 DL: parents are declared."""
    graph = Graph().parse(module, format="xml")
    declared = {
        s for kind in (OWL.Class, OWL.ObjectProperty, OWL.AnnotationProperty)
        for s in graph.subjects(RDF.type, kind)
    }
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf):
        for s, o in graph.subject_objects(prop):
            assert {s, o} <= declared, (module.name, s, o)
    used = {p for p in graph.predicates() if not str(p).startswith(BUILTIN)}
    assert used <= declared, used - declared


def test_import_terms_are_verified_ids_with_their_official_labels():
    verified = verified_ids()
    tool = _tool("make_imports")
    for row in tool.read_terms():
        if row["curie"] in VERIFIED_HERE:
            continue
        assert row["curie"] in verified, f"{row['curie']} is not a verified id in verified-ids.tsv"
        assert row["label"] == verified[row["curie"]], row["curie"]


def test_forbidden_ids_appear_nowhere_in_the_ontology_files(ontology_graph):
    iris = {str(x) for t in ontology_graph for x in t if isinstance(x, URIRef)}
    for curie in FORBIDDEN:
        iri = "http://purl.obolibrary.org/obo/" + curie.replace(":", "_")
        assert iri not in iris
        for path in ONTOLOGY_DIR.rglob("*"):
            if {"shapes", "reference"} & set(path.relative_to(ONTOLOGY_DIR).parts):
                continue  # case-data shapes, and the reference list that names the traps
            if path.is_file() and path.suffix in {".ttl", ".owl", ".tsv", ".txt", ".rq", ".xml"}:
                text = path.read_text(encoding="utf-8")
                assert curie not in text and curie.replace(":", "_") not in text, path


def test_loading_and_reasoning_never_touch_the_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("network access while loading the ontology")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    graph = load_ontology_graph(ONTOLOGY_DIR)
    assert len(graph) > 3000
    assert reason(graph, property_values=False).consistent


def test_import_missing_from_the_catalog_is_an_error(tmp_path):
    shutil.copytree(ONTOLOGY_DIR, tmp_path / "ontology", ignore=shutil.ignore_patterns("shapes"))
    edit = tmp_path / "ontology" / "kgcase-edit.ttl"
    text = edit.read_text(encoding="utf-8").replace(
        "owl:imports <https://w3id.org/kgcase/imports/chebi_import.owl> ,",
        "owl:imports <https://w3id.org/kgcase/imports/chebi_import.owl> ,\n"
        "        <https://example.org/elsewhere/pato_import.owl> ,",
    )
    edit.write_text(text, encoding="utf-8")
    with pytest.raises(KgcaseError, match=r"pato_import\.owl has no local file"):
        load_ontology_graph(tmp_path / "ontology")


def test_repository_root_is_where_the_tests_think(edit_graph):
    assert (ROOT / "src" / "kgcase" / "vocab.py").is_file()
    assert (URIRef("https://w3id.org/kgcase/kgcase.owl"), RDF.type, OWL.Ontology) in edit_graph
