"""Orchestrate a build: case files + ontology → validated RDF → reasoning → a new store.

Stages run in order and any failure stops the build before the switch, so the graph being
served stays the previous one:

1. ontology: merge the edit file and its imports; HermiT classifies it and checks it;
2. cases (in worker processes, see :mod:`kgcase.pipeline`): load and validate each case file,
   derive effects, write its triples, SHACL and HermiT gates, rule materialisation → N-Quads,
   streamed in file order to one N-Quads file (cached per case file for rebuilds);
   The workers also compute, a few reports at a time, the rows of the ``materialise: true``
   named queries, which go to the release's ``answers.sqlite`` (:mod:`kgcase.answers`);
3. store: bulk-load that file into a fresh pyoxigraph store, add the effect summaries and the
   home page's class and drug counts (:mod:`kgcase.summary`), write the incoming links of
   much-linked resources to ``links.sqlite`` (:mod:`kgcase.links`) and the search index to
   ``search.sqlite`` (:mod:`kgcase.search`), answer the ``materialise:
   whole-graph`` queries on it, then optimise the store while the answer tables are sorted and
   indexed beside it (the two overlap: ``total`` is less than the sum of the stages), and
   write ``release.json`` last: a release without it is incomplete (a killed build) and is
   neither served nor kept (:func:`kgcase.store.embedded.prune_releases`);
4. switch ``current`` to the new release (atomic rename) and prune old releases.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from tqdm import tqdm

from kgcase import __version__
from kgcase.answers.evaluate import BATCH, Evaluator, plan_rows
from kgcase.answers.plan import AnswerPlan, answer_plans
from kgcase.answers.table import ANSWERS_FILE, AnswerWriter
from kgcase.buildstate import STATE_FILE, BuildState, Totals
from kgcase.distributed import check_address, process_on_cluster
from kgcase.errors import CaseFileError, Problem, QueryFileError
from kgcase.incremental import (
    Base,
    FullBuildNeeded,
    Written,
    find_base,
    ontology_evaluator,
    publish,
)
from kgcase.iris import case_graph_iri, inferred_graph_iri, ontology_graph_iri, summary_graph_iri
from kgcase.links import LINKS_FILE, LinkCounts, add_links, count_links, write_links
from kgcase.pagefiles import write_page_files
from kgcase.pipeline import (
    CACHE_FORMAT,
    Batch,
    CaseResult,
    Settings,
    init_worker,
    process_batch,
)
from kgcase.progress import reading, ticking
from kgcase.rdf.ntriples import ntriples
from kgcase.reason import load_ontology_graph, reason
from kgcase.store.base import Release
from kgcase.store.embedded import BuildLock, prune_releases, switch_current
from kgcase.store.remote_load import load_remote, release_graphs
from kgcase.summary import (
    ClassCounts,
    Counts,
    DrugCounts,
    add_counts,
    class_counts,
    count_quads,
    summaries,
    summary_quads,
)


@dataclass
class BuildInputs:
    """Where a build reads from and writes to, and how hard it checks."""

    cases_dir: Path
    ontology_dir: Path
    data_dir: Path
    reason: bool = True  # HermiT on the ontology and on each curated case
    progress: bool = True
    keep_releases: int = 2
    jobs: int = 0  # worker processes; 0 = one per core
    shacl_every: int = 100  # SHACL on every curated case and 1 in N synthetic ones
    cache: bool = True  # reuse the output of case files that did not change
    store: str = ""  # also load the release into this sparql+http(s)://… store
    queries_dir: Path | None = None  # answer its materialise: true queries (None: none)
    accept_drafts: bool = False  # `kgcase check` validates drafts; a build refuses them
    incremental: bool = True  # start from the previous release when few case files changed
    executor: str = ""  # tcp://host:port of a Dask scheduler for the case stage ("": local)


@dataclass
class Prepared:
    """The ontology stage's output, shared by every case."""

    ontology: Graph
    tbox_inferred: Graph
    settings: Settings
    stages: dict[str, float] = field(default_factory=dict)
    answer_plans: tuple[AnswerPlan, ...] = ()  # per-report ones also in settings


@contextmanager
def _stage(stages: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    stages[name] = round(stages.get(name, 0.0) + time.perf_counter() - start, 3)


def case_files(cases_dir: Path) -> list[Path]:
    """The case files under a directory (recursively, for sharded corpora), in a stable order."""
    return sorted(p for p in cases_dir.rglob("*.yaml") if p.is_file())


def prepare(inputs: BuildInputs) -> Prepared:
    """Load the ontology, classify it with HermiT and fix the settings of the case workers."""
    stages: dict[str, float] = {}
    cache = inputs.data_dir / "cache" if inputs.cache else None
    with _stage(stages, "ontology"):
        ontology = load_ontology_graph(inputs.ontology_dir)
        ontology_digest = _ontology_digest(inputs.ontology_dir)
        tbox_nt = _classification(ontology, ontology_digest, cache) if inputs.reason else ""
        tbox = Graph().parse(data=tbox_nt, format="nt") if tbox_nt else Graph()
    digest = hashlib.sha256(
        f"{__version__}\n{CACHE_FORMAT}\n{len(ontology)}\n{ontology_digest}\n"
        f"{tbox_nt}\n{inputs.reason}".encode()
    ).hexdigest()
    plans = answer_plans(inputs.queries_dir, cache) if inputs.queries_dir else ()
    settings = Settings(inputs.ontology_dir, tbox_nt, digest, cache, inputs.reason,
                        inputs.shacl_every, tuple(p for p in plans if p.scope == "per-report"),
                        accept_drafts=inputs.accept_drafts)
    return Prepared(ontology, tbox, settings, stages, plans)


def _classification(ontology: Graph, ontology_digest: str, cache: Path | None) -> str:
    """HermiT's classification of the ontology as sorted N-Triples, kept in the cache by the
    digest of the ontology's files: a build whose ontology did not change does not reason again.
    """
    key = hashlib.sha256(f"{__version__}\n{CACHE_FORMAT}\n{ontology_digest}".encode()).hexdigest()
    path = cache / "tbox" / f"{key}.nt" if cache is not None else None
    if path is not None and path.is_file():
        return path.read_text(encoding="utf-8")
    tbox = reason(ontology).inferred
    text = ntriples(sorted(tbox, key=lambda t: tuple(map(str, t))))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return text


def process_cases(paths: list[Path], prepared: Prepared, *, jobs: int = 0,
                  progress: bool = False, executor: str = "") -> Iterator[Batch]:
    """Run :func:`kgcase.pipeline.process_batch` over ``paths`` in file order: in local
    worker processes, or on the Dask cluster whose scheduler ``executor`` names."""
    jobs = jobs or os.cpu_count() or 1
    batches = [paths[i:i + BATCH] for i in range(0, len(paths), BATCH)]
    bar = tqdm(total=len(paths), desc="cases", unit="case", disable=not progress,
               smoothing=0.05)
    try:
        if executor:
            for batch in process_on_cluster(executor, batches, prepared.settings):
                yield batch
                bar.update(len(batch.results))
            return
        if jobs == 1 or len(paths) < 50:
            init_worker(prepared.settings, prepared.ontology)
            for chunk in batches:
                yield process_batch(chunk)
                bar.update(len(chunk))
            return
        with ProcessPoolExecutor(jobs, initializer=init_worker,
                                 initargs=(prepared.settings,)) as pool:
            for batch in pool.map(process_batch, batches, chunksize=max(1, 64 // BATCH)):
                yield batch
                bar.update(len(batch.results))
    finally:
        bar.close()


def build(inputs: BuildInputs, *, log: Callable[[str], None] = print) -> Release:
    """Build and switch to a new release. The previous release keeps serving on failure.

    With few case files changed since the previous build, the release is made from the
    previous one (:mod:`kgcase.incremental`); otherwise, or when that cannot be exact, from
    every case file.
    """
    started = time.perf_counter()
    if inputs.executor:
        check_address(inputs.executor)  # before the ontology stage's minutes
    prepared = prepare(inputs)
    inputs.data_dir.mkdir(parents=True, exist_ok=True)
    paths = case_files(inputs.cases_dir)
    why = "a full build was asked for"
    if inputs.incremental:
        try:
            base = find_base(inputs.data_dir, inputs.cases_dir, paths, prepared.settings.digest,
                             {p.name: p.digest for p in prepared.answer_plans},
                             prepared.settings)
            return _release(inputs, prepared, started, log,
                            lambda target: _incremental(base, inputs, prepared, target))
        except FullBuildNeeded as exc:
            why = str(exc)
            for stage in [s for s in prepared.stages if s != "ontology"]:
                del prepared.stages[stage]  # what an incremental attempt spent
    log(f"full build: {why}")
    return _release(inputs, prepared, started, log,
                    lambda target: _full(paths, inputs, prepared, target))


def _release(inputs: BuildInputs, prepared: Prepared, started: float,
             log: Callable[[str], None], write: Callable[[Path], Written]) -> Release:
    """Write a release with ``write`` into a new directory and switch to it; on any failure
    delete the directory, so the previous release keeps serving."""
    stages = prepared.stages
    now = datetime.now(UTC)
    release_id = f"{now:%Y%m%dT%H%M%S%fZ}-{prepared.settings.digest[:8]}"
    target = inputs.data_dir / "stores" / release_id
    target.mkdir(parents=True)
    lock = BuildLock(target)  # until the release is complete: pruning leaves it alone
    try:
        written = write(target)
        stages["total"] = round(time.perf_counter() - started, 3)
        release = Release(id=release_id, built_at=now.isoformat(timespec="seconds"),
                          triples=written.triples, graphs=written.graphs, cases=written.cases,
                          ontology_version=_version_iri(prepared.ontology), stages=stages,
                          answers=written.answers)
        if inputs.store:
            with _stage(stages, "remote"):
                load_remote(inputs.store, release_graphs(target), release=release_id,
                            progress=inputs.progress)
        written.state.release = release_id
        written.state.write(target / STATE_FILE)
        release.write(target / "release.json")
        switch_current(inputs.data_dir, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        lock.release()
    prune_releases(inputs.data_dir, keep=inputs.keep_releases)
    log(f"built release {release_id}: {written.triples} triples, {len(written.cases)} case(s) "
        f"({written.summary}) in {stages['total']:.1f} s")
    return release


def _incremental(base: Base, inputs: BuildInputs, prepared: Prepared,
                 target: Path) -> Written:
    """The release made from the previous one and the changed case files."""
    stages = prepared.stages
    with _stage(stages, "cases"):
        seen = {base.state.files[rel][0]: inputs.cases_dir / rel for rel in base.state.files
                if rel in base.files and rel not in base.changed}
        batches = list(process_cases([inputs.cases_dir / rel for rel in base.changed], prepared,
                                     jobs=inputs.jobs, progress=inputs.progress,
                                     executor=inputs.executor))
        new: list[CaseResult] = []
        _collect(iter(batches), new.append, seen=seen)
        evaluator = (ontology_evaluator(prepared.ontology, prepared.settings.tbox_inferred_nt,
                                        prepared.answer_plans) if inputs.queries_dir else None)
    labels = {str(s): str(o) for s, o in prepared.ontology.subject_objects(RDFS.label)}
    return publish(base, new, batches, target, labels=labels, evaluator=evaluator,
                   plans=prepared.answer_plans, digest=prepared.settings.digest,
                   cases_dir=inputs.cases_dir, stage=lambda name: _stage(stages, name))


def _full(paths: list[Path], inputs: BuildInputs, prepared: Prepared, target: Path) -> Written:
    """The release made from every case file."""
    stages = prepared.stages
    dump = target / "graphs.nq"
    answers = _answer_writer(target / ANSWERS_FILE, prepared)
    with _stage(stages, "cases"):
        cases, graphs, reused, totals, files = _write_quads(dump, paths, prepared, inputs,
                                                            answers)
    with (_stage(stages, "store"),
          reading(dump, "store", enabled=inputs.progress) as nquads):
        store = ox.Store(str(target / "oxigraph"))
        store.bulk_load(input=nquads, format=ox.RdfFormat.N_QUADS)
    dump.unlink()
    with _stage(stages, "summaries"):
        labels = {str(s): str(o) for s, o in prepared.ontology.subject_objects(RDFS.label)}
        counts, classes, drugs, links = totals
        state = BuildState("", prepared.settings.digest,
                           {p.name: p.digest for p in prepared.answer_plans}, files,
                           Totals(counts, classes, drugs, dict(links)))
        quads = [*summary_quads(summaries(counts), summary_graph_iri(), labels),
                 *count_quads(classes, drugs, summary_graph_iri(), labels)]
        store.bulk_extend(quads)
        graphs[summary_graph_iri()] = len(quads)
        count_links(((q.subject, q.predicate, q.object) for q in quads), inferred=False,
                    into=links)
        write_links(target / LINKS_FILE, links, labels)
    write_page_files(store, target, lambda name: _stage(stages, name))
    if answers is not None:
        with _stage(stages, "answers"):
            for plan in prepared.answer_plans:
                if plan.scope == "whole-graph":
                    answers.add(plan_rows(store, plan))
    # optimize() keeps one core and releases the interpreter lock: SQLite sorts and indexes
    # the answer tables on the other in the meantime.
    with ThreadPoolExecutor(1) as beside:
        tables = (beside.submit(_close_tables, answers, stages, inputs.progress)
                  if answers is not None else None)
        with _stage(stages, "optimise"), ticking("optimise", enabled=inputs.progress):
            store.optimize()
            triples = len(store)
            store.flush()
            del store
        answer_rows = tables.result() if tables is not None else {}
    return Written(triples, graphs, cases, answer_rows, state,
                    f"{reused} unchanged, reused from the cache")


def _close_tables(answers: AnswerWriter, stages: dict[str, float],
                  progress: bool) -> dict[str, int]:
    """Write the final answer tables; their time is added to the answers stage."""
    with _stage(stages, "answers"), ticking("answer tables", enabled=progress):
        return answers.close()


def check(inputs: BuildInputs) -> int:
    """Validate every case file as a build would, without writing a store; return the count."""
    prepared = prepare(inputs)
    results = process_cases(case_files(inputs.cases_dir), prepared, jobs=inputs.jobs,
                            progress=inputs.progress)
    return len(_collect(results, lambda _r: None))


def _answer_writer(path: Path, prepared: Prepared) -> AnswerWriter | None:
    """A writer for the answer tables, holding the rows the ontology gives on its own.

    A query without DISTINCT that answers rows from the ontology alone would repeat them once
    per batch of reports, so it cannot be materialised: that stops the build.
    """
    if not prepared.answer_plans:
        return None
    plans = prepared.settings.answer_plans  # the per-report ones
    rows = Evaluator(ntriples(prepared.ontology, graph=ontology_graph_iri()),
                     prepared.settings.tbox_inferred_nt, plans).rows([], []) if plans else []
    for plan in plans:
        if not plan.distinct and any(row[0] == plan.name for row in rows):
            raise QueryFileError(
                f"query {plan.name}: materialise: true, but the ontology alone gives it rows, "
                "which every batch of reports would repeat; make it SELECT DISTINCT, or drop "
                "materialise")
    writer = AnswerWriter(path, prepared.answer_plans)
    writer.add(rows)
    return writer


def _write_quads(dump: Path, paths: list[Path], prepared: Prepared, inputs: BuildInputs,
                 answers: AnswerWriter | None = None
                 ) -> tuple[dict[str, str], dict[str, int], int,
                            tuple[Counts, ClassCounts, DrugCounts, LinkCounts],
                            dict[str, tuple[str, str]]]:
    graphs = {ontology_graph_iri(): len(prepared.ontology),
              inferred_graph_iri(): len(prepared.tbox_inferred)}
    reused = [0]  # case files whose output came from the cache
    counts: Counts = {}  # effect summaries, added up case by case
    drugs: DrugCounts = {}  # exposures and patients per drug, likewise
    classes = class_counts([*prepared.ontology, *prepared.tbox_inferred])  # the ontology's own
    files: dict[str, tuple[str, str]] = {}  # case file -> (case id, sha256), for the next build
    links = count_links(prepared.ontology, inferred=False)  # and its links, then the reports'
    count_links(prepared.tbox_inferred, inferred=True, into=links)
    with dump.open("w", encoding="utf-8") as out:
        out.write(ntriples(prepared.ontology, graph=ontology_graph_iri()))
        out.write(ntriples(prepared.tbox_inferred, graph=inferred_graph_iri()))

        def write(result: CaseResult) -> None:
            reused[0] += result.cached
            out.write(result.nquads)
            graphs[case_graph_iri(result.case_id)] = result.triples
            graphs[inferred_graph_iri()] += result.inferred
            add_counts(counts, result.counts)
            add_counts(classes, result.classes)
            add_counts(drugs, result.drugs)
            files[result.path.relative_to(inputs.cases_dir).as_posix()] = (result.case_id,
                                                                           result.sha256)

        batches = process_cases(paths, prepared, jobs=inputs.jobs, progress=inputs.progress,
                                executor=inputs.executor)
        cases = _collect(batches, write, answers, links)
    return cases, graphs, reused[0], (counts, classes, drugs, links), files


def _collect(batches: Iterator[Batch], write: Callable[[CaseResult], None],
             answers: AnswerWriter | None = None, links: LinkCounts | None = None, *,
             seen: dict[str, Path] | None = None) -> dict[str, str]:
    """Write good results; gather every problem (and duplicate case ids, also with ``seen``:
    case id -> file of the reports kept as they are) and raise at the end."""
    problems: list[Problem] = []
    seen = dict(seen or {})
    cases: dict[str, str] = {}
    for batch in batches:
        if answers is not None and not problems:
            answers.add(batch.answers)
        if links is not None:
            add_links(links, batch.links)
        for result in batch.results:
            _collect_one(result, problems, seen, cases, write)
    if problems:
        raise CaseFileError(problems)
    return cases


def _collect_one(result: CaseResult, problems: list[Problem], seen: dict[str, Path],
                 cases: dict[str, str], write: Callable[[CaseResult], None]) -> None:
    if result.problems:
        problems.extend(result.problems)
        return
    if result.case_id in seen:
        problems.append(Problem(result.path, None, "id",
                                f"case id {result.case_id!r} is also used by "
                                f"{seen[result.case_id]}", "give every case file its own id"))
        return
    seen[result.case_id] = result.path
    cases[result.case_id] = result.sha256
    if not problems:
        write(result)


def _ontology_digest(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in {".ttl", ".owl", ".xml"}:
            h.update(path.relative_to(directory).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _version_iri(ontology: Graph) -> str:
    for onto in ontology.subjects(RDF.type, OWL.Ontology):
        for v in ontology.objects(onto, OWL.versionIRI):
            if isinstance(v, URIRef):
                return str(v)
    return ""
