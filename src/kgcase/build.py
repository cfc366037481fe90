"""Orchestrate a build: case files + ontology → validated RDF → reasoning → a new store.

Stages run in order and any failure stops the build before the switch, so the graph being
served stays the previous one: load ontology → load and validate cases → derive effects →
RDF (one named graph per case) → SHACL → HermiT → write a fresh store → switch ``current``.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF
from tqdm import tqdm

from kgcase.derive import derive_effects
from kgcase.errors import CaseFileError, Problem
from kgcase.iris import case_graph_iri, inferred_graph_iri, ontology_graph_iri
from kgcase.model.load import LoadedCase, load_case
from kgcase.model.terms import TermIndex
from kgcase.rdf.case_graph import case_to_graph
from kgcase.rdf.shapes import load_shapes, validate_case_graph
from kgcase.reason import load_ontology_graph, reason
from kgcase.store.base import Release
from kgcase.store.embedded import prune_releases, switch_current


@dataclass
class BuildInputs:
    """Where a build reads from and writes to."""

    cases_dir: Path
    ontology_dir: Path
    data_dir: Path
    reason: bool = True
    progress: bool = True
    keep_releases: int = 2


@dataclass
class Built:
    """The graphs a build produced, before they are written to a store."""

    ontology: Graph
    cases: dict[str, Graph] = field(default_factory=dict)
    loaded: dict[str, LoadedCase] = field(default_factory=dict)
    inferred: Graph = field(default_factory=Graph)
    stages: dict[str, float] = field(default_factory=dict)


@contextmanager
def _stage(stages: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    stages[name] = round(time.perf_counter() - start, 3)


def case_files(cases_dir: Path) -> list[Path]:
    """The case files of a directory, in a stable order."""
    return sorted(p for p in cases_dir.glob("*.yaml") if p.is_file())


def load_cases(
    paths: list[Path], terms: TermIndex, *, progress: bool = False
) -> dict[str, LoadedCase]:
    """Load every case file; collect the problems of all files before raising."""
    problems = []
    loaded: dict[str, LoadedCase] = {}
    seen: dict[str, Path] = {}
    for path in tqdm(paths, desc="load cases", unit="case", disable=not progress):
        try:
            lc = load_case(path, terms)
        except CaseFileError as exc:
            problems.extend(exc.problems)
            continue
        if lc.case.id in seen:
            problems.append(
                Problem(
                    path,
                    lc.lines.get(("id",)),
                    "id",
                    f"case id {lc.case.id!r} is also used by {seen[lc.case.id]}",
                    "give every case file its own id",
                )
            )
            continue
        seen[lc.case.id] = path
        loaded[lc.case.id] = lc
    if problems:
        raise CaseFileError(problems)
    return loaded


def build_graphs(inputs: BuildInputs) -> Built:
    """Run every stage up to (not including) the store; raise on the first failing stage."""
    stages: dict[str, float] = {}
    with _stage(stages, "ontology"):
        ontology = load_ontology_graph(inputs.ontology_dir)
        terms = TermIndex.from_graph(ontology)
    built = Built(ontology=ontology, stages=stages)
    labels = terms.labels
    with _stage(stages, "load"):
        built.loaded = load_cases(case_files(inputs.cases_dir), terms, progress=inputs.progress)
    shapes = load_shapes(inputs.ontology_dir / "shapes")
    problems = []
    for cid, lc in tqdm(
        built.loaded.items(), desc="derive + RDF + SHACL", unit="case", disable=not inputs.progress
    ):
        t0 = time.perf_counter()
        effects = derive_effects(lc.case)
        t1 = time.perf_counter()
        graph = case_to_graph(lc.case, effects, labels)
        t2 = time.perf_counter()
        try:
            validate_case_graph(graph, shapes, lc)
        except CaseFileError as exc:
            problems.extend(exc.problems)
        t3 = time.perf_counter()
        for name, dt in (("derive", t1 - t0), ("rdf", t2 - t1), ("shacl", t3 - t2)):
            stages[name] = round(stages.get(name, 0.0) + dt, 3)
        built.cases[cid] = graph
    if problems:
        raise CaseFileError(problems)
    if inputs.reason:
        # Cases do not interact through the ontology, and one HermiT run grows faster than
        # linearly with the ABox, so each case is reasoned over with the TBox on its own.
        with _stage(stages, "reason"):
            for graph in tqdm(
                built.cases.values(),
                desc="reason (HermiT)",
                unit="case",
                disable=not inputs.progress,
            ):
                built.inferred += reason(ontology, graph).inferred
    return built


def write_store(built: Built, target: Path, *, progress: bool = False) -> int:
    """Bulk-load the built graphs into a new pyoxigraph store at ``target``; return triples."""
    store = ox.Store(str(target))
    graphs: list[tuple[str, Graph]] = [(ontology_graph_iri(), built.ontology)]
    graphs += [(case_graph_iri(cid), g) for cid, g in built.cases.items()]
    graphs.append((inferred_graph_iri(), built.inferred))
    for iri, graph in tqdm(graphs, desc="write store", unit="graph", disable=not progress):
        data = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    store.optimize()
    count = len(store)
    store.flush()
    del store
    return count


def build(inputs: BuildInputs, *, log: Callable[[str], None] = print) -> Release:
    """Build and switch to a new release. The previous release keeps serving on failure."""
    started = time.perf_counter()
    built = build_graphs(inputs)
    inputs.data_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    digest = _inputs_digest(built)
    release_id = f"{now:%Y%m%dT%H%M%S%fZ}-{digest[:8]}"
    target = inputs.data_dir / "stores" / release_id
    target.mkdir(parents=True)
    try:
        with _stage(built.stages, "store"):
            triples = write_store(built, target / "oxigraph", progress=inputs.progress)
        release = Release(
            id=release_id,
            built_at=now.isoformat(timespec="seconds"),
            triples=triples,
            graphs=_graph_sizes(built),
            cases={cid: lc.sha256 for cid, lc in built.loaded.items()},
            ontology_version=_version_iri(built.ontology),
            stages=built.stages,
        )
        release.stages["total"] = round(time.perf_counter() - started, 3)
        release.write(target / "release.json")
        switch_current(inputs.data_dir, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    prune_releases(inputs.data_dir, keep=inputs.keep_releases)
    log(
        f"built release {release_id}: {triples} triples, {len(built.cases)} case(s) "
        f"in {release.stages['total']:.1f} s"
    )
    return release


def _graph_sizes(built: Built) -> dict[str, int]:
    sizes = {ontology_graph_iri(): len(built.ontology), inferred_graph_iri(): len(built.inferred)}
    sizes.update({case_graph_iri(cid): len(g) for cid, g in built.cases.items()})
    return sizes


def _inputs_digest(built: Built) -> str:
    h = hashlib.sha256()
    for cid in sorted(built.loaded):
        h.update(f"{cid}:{built.loaded[cid].sha256}".encode())
    h.update(str(len(built.ontology)).encode())
    return h.hexdigest()


def _version_iri(ontology: Graph) -> str:
    for onto in ontology.subjects(RDF.type, OWL.Ontology):
        for v in ontology.objects(onto, OWL.versionIRI):
            if isinstance(v, URIRef):
                return str(v)
    return ""
