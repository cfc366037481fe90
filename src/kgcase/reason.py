"""Reason over the kgcase ontology and case data with HermiT, the reasoner bundled with owlready2.

The ontology is edited in Turtle, which owlready2 cannot read, so the graphs are merged in rdflib,
stripped of ontology headers and ``owl:imports`` (nothing is ever fetched: use
:func:`load_ontology_graph`, which merges the local import modules), and loaded as N-Triples into
an isolated :class:`owlready2.World`. HermiT then runs exactly as ``owlready2.sync_reasoner_hermit``
runs it (same jar, same command line), but kgcase parses HermiT's answer itself: owlready2 0.51
keeps one kind per IRI, so for a punned IRI (a class also used as an individual, as the case data
does) it writes the inferred superclasses as ``rdf:type`` triples.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kgcase.errors import KgcaseError, ReasoningError

EDIT_FILE = "kgcase-edit.ttl"
CATALOG = "catalog-v001.xml"
JAVA_MEMORY_MB = 2000
_HERMIT_DIR = Path(owlready2.__file__).resolve().parent / "hermit"
_INPUT_IRI = "urn:kgcase:reasoning-input"
_RESULT = re.compile(r"^([A-Za-z]+)\( ((?:<[^>]+>\s*)+)\)$", re.MULTILINE)
_PROPERTY = re.compile(
    r"^<([^>]+)> \(known instances:\s*(.*?)(?:\s*\|\s*)possible instances:", re.MULTILINE
)
_PAIR = re.compile(r"\(<([^>]+)>, <([^>]+)>\)")
_BUILTIN = {OWL.Thing, OWL.Nothing}


@dataclass
class Reasoning:
    """What HermiT concluded. ``inferred`` holds only triples not already asserted."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: Graph = field(default_factory=Graph)
    seconds: float = 0.0


@dataclass
class _Answer:
    subclass: set[tuple[str, str]] = field(default_factory=set)
    types: set[tuple[str, str]] = field(default_factory=set)
    values: set[tuple[str, str, str]] = field(default_factory=set)
    unsatisfiable: set[str] = field(default_factory=set)


class _InconsistentError(Exception):
    """HermiT found the input inconsistent."""


def load_ontology_graph(ontology_dir: Path, *, edit_file: str = EDIT_FILE) -> Graph:
    """Merge the edit file and, recursively, its imports resolved through the local catalog.

    Raises :class:`~kgcase.errors.KgcaseError` when an import is not mapped to a local file.
    """
    ontology_dir = Path(ontology_dir)
    catalog = _read_catalog(ontology_dir / CATALOG)
    graph = Graph()
    graph.parse(ontology_dir / edit_file, format="turtle")
    done: set[str] = set()
    pending = sorted(str(o) for o in graph.objects(None, OWL.imports))
    while pending:
        iri = pending.pop(0)
        if iri in done:
            continue
        done.add(iri)
        path = catalog.get(iri)
        if path is None or not path.is_file():
            raise KgcaseError(
                f"import {iri} has no local file: map it in {ontology_dir / CATALOG} "
                "(kgcase never fetches imports from the network)"
            )
        module = Graph().parse(path, format="xml" if path.suffix in {".owl", ".rdf"} else None)
        graph += module
        pending += sorted(str(o) for o in module.objects(None, OWL.imports) if str(o) not in done)
    return graph


def _read_catalog(path: Path) -> dict[str, Path]:
    if not path.is_file():
        return {}
    root = ET.parse(path).getroot()  # noqa: S314 - a catalog file from our own repository
    return {
        e.attrib["name"]: (path.parent / e.attrib["uri"]).resolve()
        for e in root.iter()
        if e.tag.endswith("}uri") and "name" in e.attrib and "uri" in e.attrib
    }


def reason(
    tbox: Graph,
    abox: Graph | None = None,
    *,
    property_values: bool = True,
    strict: bool = True,
) -> Reasoning:
    """Classify ``tbox`` (merged with its imports) and realise ``abox`` with HermiT.

    ``inferred`` gets new ``rdf:type`` triples of named individuals (with every inherited named
    superclass), new ``rdfs:subClassOf`` triples between named classes (the transitive closure,
    minus what is asserted) and, with ``property_values``, new object property values.
    With ``strict`` (default) an inconsistency or an unsatisfiable class raises
    :class:`~kgcase.errors.ReasoningError`; otherwise it is reported in the result.
    """
    start = time.perf_counter()
    merged = Graph()
    for graph in (tbox, abox):
        if graph is not None:
            for triple in graph:
                merged.add(triple)
    _check_imports(merged)
    try:
        answer = _run_hermit(_input_ntriples(merged), property_values=property_values)
    except _InconsistentError:
        if strict:
            raise ReasoningError(_inconsistency_message(tbox, abox)) from None
        return Reasoning(False, [], Graph(), time.perf_counter() - start)
    unsat = sorted(answer.unsatisfiable)
    if unsat and strict:
        raise ReasoningError(
            f"{len(unsat)} unsatisfiable class(es), equivalent to owl:Nothing: " + ", ".join(unsat)
        )
    inferred = _materialise(merged, answer)
    return Reasoning(True, unsat, inferred, time.perf_counter() - start)


def _check_imports(graph: Graph) -> None:
    declared = {str(s) for s in graph.subjects(RDF.type, OWL.Ontology)}
    missing = sorted({str(o) for o in graph.objects(None, OWL.imports)} - declared)
    if missing:
        raise ReasoningError(
            "imports not merged into the graph: " + ", ".join(missing)
            + " (load the ontology with kgcase.reason.load_ontology_graph)"
        )


def _input_ntriples(graph: Graph) -> bytes:
    """N-Triples for HermiT: no ontology headers, no owl:imports, so nothing is fetched."""
    clean = Graph()
    headers = set(graph.subjects(RDF.type, OWL.Ontology))
    for s, p, o in graph:
        if s not in headers and p != OWL.imports:
            clean.add((s, p, o))
    return clean.serialize(format="nt", encoding="utf-8")


def _java() -> str:
    return (
        os.environ.get("KGCASE_JAVA")
        or shutil.which(owlready2.JAVA_EXE)
        or shutil.which("java")
        or "/usr/bin/java"
    )


def _run_hermit(ntriples: bytes, *, property_values: bool) -> _Answer:
    """Load the triples into an isolated owlready2 World, save them, and run HermiT on them."""
    world = owlready2.World()
    try:
        world.get_ontology(_INPUT_IRI).load(
            fileobj=io.BytesIO(ntriples), format="ntriples", only_local=True
        )
        with tempfile.TemporaryDirectory(prefix="kgcase-hermit-") as tmp:
            path = Path(tmp) / "input.nt"
            world.save(file=str(path), format="ntriples")
            classpath = os.pathsep.join([str(_HERMIT_DIR), str(_HERMIT_DIR / "HermiT.jar")])
            command = [
                _java(), f"-Xmx{JAVA_MEMORY_MB}M", "-cp", classpath,
                "org.semanticweb.HermiT.cli.CommandLine", "-c", "-O", "-D", "-I",
                path.as_uri(),
            ]
            if property_values:
                command.append("-Y")
            try:
                done = subprocess.run(command, capture_output=True, check=False)
            except OSError as exc:
                raise ReasoningError(f"cannot run Java ({command[0]}) for HermiT: {exc}") from exc
    finally:
        world.close()
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    if done.returncode != 0:
        if "Inconsistent ontology" in output or "InconsistentOntologyException" in output:
            raise _InconsistentError
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise ReasoningError(f"HermiT failed (exit {done.returncode}):\n{tail}")
    return _parse(output)


def _parse(output: str) -> _Answer:
    answer = _Answer()
    nothing = str(OWL.Nothing)
    for relation, iris in _RESULT.findall(output):
        terms = re.findall(r"<([^>]+)>", iris)
        if relation == "SubClassOf":
            answer.subclass.add((terms[0], terms[1]))
        elif relation == "Type":
            answer.types.add((terms[0], terms[1]))
        elif relation == "EquivalentClasses":
            if nothing in terms:
                answer.unsatisfiable.update(t for t in terms if t != nothing)
            else:
                answer.subclass.update((a, b) for a in terms for b in terms if a != b)
    for prop, known in _PROPERTY.findall(output):
        answer.values.update((s, prop, o) for s, o in _PAIR.findall(known))
    return answer


def _closure(edges: dict[URIRef, set[URIRef]], start: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return seen


def _materialise(merged: Graph, answer: _Answer) -> Graph:
    """Turn HermiT's direct answers plus the asserted hierarchy into new triples only."""
    unsat = {URIRef(c) for c in answer.unsatisfiable}
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in merged.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            parents[s].add(o)
    for s, o in merged.subject_objects(OWL.equivalentClass):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            parents[s].add(o)
            parents[o].add(s)
    for s, o in answer.subclass:
        parents[URIRef(s)].add(URIRef(o))
    classes = {c for c in merged.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    classes |= set(parents)
    out = Graph()
    for cls in sorted(classes - unsat - _BUILTIN):
        for sup in _closure(parents, cls) - _BUILTIN - {cls}:
            if (cls, RDFS.subClassOf, sup) not in merged:
                out.add((cls, RDFS.subClassOf, sup))
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for ind, cls in merged.subject_objects(RDF.type):
        if isinstance(ind, URIRef) and cls in classes:
            types[ind].add(cls)
    for ind, cls in answer.types:
        types[URIRef(ind)].add(URIRef(cls))
    for ind in sorted(types):
        named = set(types[ind])
        for cls in list(named):
            named |= _closure(parents, cls)
        for cls in named - _BUILTIN:
            if (ind, RDF.type, cls) not in merged:
                out.add((ind, RDF.type, cls))
    for s, p, o in _named(answer.values):
        if (s, p, o) not in merged:
            out.add((s, p, o))
    return out


def _named(values: Iterable[tuple[str, str, str]]) -> Iterable[tuple[URIRef, URIRef, URIRef]]:
    for s, p, o in sorted(values):
        if all(x.startswith(("http://", "https://", "urn:")) for x in (s, p, o)):
            yield URIRef(s), URIRef(p), URIRef(o)


def _inconsistency_message(tbox: Graph, abox: Graph | None) -> str:
    head = "HermiT finds the ontology plus case data inconsistent"
    if abox is None:
        return "HermiT finds the ontology itself inconsistent: check the last edits to it"
    alone = reason(tbox, None, property_values=False, strict=False)
    if not alone.consistent:
        return "HermiT finds the ontology itself inconsistent, before any case data is added"
    unsat = ", ".join(alone.unsatisfiable) or "none"
    return (
        f"{head}. The ontology alone is consistent (unsatisfiable classes: {unsat}), so the case "
        "data contradicts it. Check: value-set individuals used with the wrong property (their "
        "classes are disjoint, closed with owl:oneOf and AllDifferent); literals whose datatype "
        "does not fit the property range (numericValue, doseValue... take xsd:decimal, "
        "monthsFromIndex xsd:integer, text properties xsd:string without a language tag); and "
        "individuals typed with two disjoint classes."
    )
