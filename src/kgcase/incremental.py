"""Incremental releases: the next release made from the previous one and the case files that
changed, instead of from every case file.

:func:`find_base` compares the case files with the state the previous build left
(:mod:`kgcase.buildstate`) and finds the previous outputs of the changed and removed ones in
the cache. :func:`publish` then writes the new release:

1. cases: only the changed and added files go through the case stage (:mod:`kgcase.pipeline`),
   with the SHACL and HermiT gates; the ontology's classification is the previous one;
2. store: a checkpoint of the previous store (``Store.backup``: RocksDB hard-links its
   immutable files, so the copy costs next to nothing and shares them), from which the old
   reports' named graphs and their inferred triples are dropped and the new ones loaded;
3. summaries, class and drug counts and incoming links: the totals updated by the difference
   (old counts out, new ones in) and the summary graph and ``links.sqlite`` written from them;
4. answers: a copy of the answer tables, updated by the difference
   (:mod:`kgcase.answers.update`), the whole-graph queries answered again.

The release equals what a full build of the same case files writes, quad for quad, row for row
(``tests/test_incremental.py``). Whatever cannot be updated exactly (a report's inferred triple
about something not its own, a cache entry gone) raises :class:`FullBuildNeeded`, and
:func:`kgcase.build.build` makes a full build instead. The store is not compacted again
(``optimize``): the few new files of a small change read as fast, and the next full build
compacts everything.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kgcase.answers.evaluate import BATCH, AnswerRow, Evaluator
from kgcase.answers.plan import AnswerPlan
from kgcase.answers.table import ANSWERS_FILE
from kgcase.answers.update import AnswerUpdate, NotByDifference
from kgcase.buildstate import STATE_FILE, BuildState
from kgcase.iris import (
    case_graph_iri,
    inferred_graph_iri,
    mint,
    ontology_graph_iri,
    summary_graph_iri,
)
from kgcase.links import LINKS_FILE, count_links, write_links
from kgcase.pagefiles import write_page_files
from kgcase.pipeline import Batch, CaseResult, Settings, cached_result
from kgcase.rdf.ntriples import ntriples
from kgcase.store.base import Release
from kgcase.store.embedded import CURRENT, MANIFEST
from kgcase.summary import count_quads, summaries, summary_quads

#: Above this share of the corpus changed, a full build (one bulk load) is the cheaper one.
MAX_SHARE = 0.25


class FullBuildNeeded(Exception):
    """The next release cannot be made from the previous one; the message says why."""


@dataclass
class Base:
    """The previous release and what changed since."""

    path: Path
    release: Release
    state: BuildState
    files: dict[str, str]  # case file (relative to the cases directory) -> sha256 now
    changed: list[str]  # added or edited case files, in file order
    removed: list[str]
    old: list[CaseResult]  # the previous outputs of the edited and removed files

    @property
    def unchanged(self) -> int:
        return len(self.files) - len(self.changed)


def find_base(data_dir: Path, cases_dir: Path, paths: list[Path], digest: str,
              plans: dict[str, str], settings: Settings) -> Base:
    """The previous release to start from, or raise :class:`FullBuildNeeded`."""
    link = data_dir / CURRENT
    if not link.exists():
        raise FullBuildNeeded("there is no previous release")
    path = link.resolve()
    try:
        release = Release.read(path / MANIFEST)
    except (OSError, ValueError, TypeError) as exc:
        raise FullBuildNeeded("the previous release has no readable manifest") from exc
    state = BuildState.read(path / STATE_FILE)
    if state is None:
        raise FullBuildNeeded("the previous release records no case-file state")
    if state.release != release.id:
        raise FullBuildNeeded("the previous release was changed by an update after its build")
    if state.digest != digest:
        raise FullBuildNeeded("the ontology, the code or the build settings changed")
    if state.plans != plans:
        raise FullBuildNeeded("the materialised queries changed")
    if settings.cache_dir is None:
        raise FullBuildNeeded("the cache is off")
    files = {p.relative_to(cases_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in paths}
    changed = [rel for rel, sha in files.items() if state.files.get(rel, ("", ""))[1] != sha]
    removed = sorted(rel for rel in state.files if rel not in files)
    if len(changed) + len(removed) > max(1, MAX_SHARE * max(len(files), len(state.files))):
        raise FullBuildNeeded(f"{len(changed) + len(removed)} case files changed, more than "
                              f"{MAX_SHARE:.0%} of the corpus")
    old = []
    for rel in [*changed, *removed]:
        if rel in state.files:
            case_id, sha = state.files[rel]
            result = cached_result(settings, cases_dir / rel, sha)
            if result is None or result.case_id != case_id:
                raise FullBuildNeeded(f"the cache no longer holds the previous output of {rel}")
            old.append(result)
    return Base(path, release, state, files, changed, removed, old)


@dataclass
class Written:
    """What a full build or :func:`publish` wrote into a release's directory, for the release
    manifest and the build's log."""

    triples: int
    graphs: dict[str, int]
    cases: dict[str, str]
    answers: dict[str, int]
    state: BuildState
    summary: str  # what was reused and what was rebuilt


def publish(base: Base, new: list[CaseResult], batches: list[Batch], target: Path, *,
            labels: dict[str, str], evaluator: Evaluator | None,
            plans: tuple[AnswerPlan, ...], digest: str, cases_dir: Path,
            stage: Callable[[str], AbstractContextManager[None]]) -> Written:
    """Write the store, summaries, links and answers of the new release into ``target``."""
    totals = deepcopy(base.state.totals)
    graphs, cases = dict(base.release.graphs), dict(base.release.cases)
    with stage("store"):
        ox.Store.read_only(str(base.path / "oxigraph")).backup(str(target / "oxigraph"))
        store = ox.Store(str(target / "oxigraph"))
        triples = base.release.triples
        for old in base.old:
            triples -= _drop(store, old)
            totals.add(old, -1)
            graphs.pop(case_graph_iri(old.case_id), None)
            graphs[inferred_graph_iri()] -= old.inferred
            cases.pop(old.case_id, None)
        adding = set(ox.parse(input="".join(r.nquads for r in new).encode(),
                              format=ox.RdfFormat.N_QUADS))
        triples += sum(1 for q in adding if q not in store)
        store.extend(adding)
        for result in new:
            totals.add(result)
            graphs[case_graph_iri(result.case_id)] = result.triples
            graphs[inferred_graph_iri()] += result.inferred
            cases[result.case_id] = result.sha256
        for batch in batches:
            totals.add_links(batch.links)
    with stage("summaries"):
        quads = [*summary_quads(summaries(totals.counts), summary_graph_iri(), labels),
                 *count_quads(totals.classes, totals.drugs, summary_graph_iri(), labels)]
        triples += _replace_graph(store, summary_graph_iri(), quads)
        graphs[summary_graph_iri()] = len(quads)
        links = dict(totals.links)
        count_links(((q.subject, q.predicate, q.object) for q in quads), inferred=False,
                    into=links)
        write_links(target / LINKS_FILE, links, labels)
    write_page_files(store, target, stage)  # counted again in full, not by the difference
    answers: dict[str, int] = {}
    if evaluator is not None or plans:
        with stage("answers"):
            answers = _update_answers(base, batches, target, store, evaluator, plans)
    store.flush()
    del store
    files = {rel: base.state.files[rel] for rel in base.files if rel not in base.changed}
    files.update({r.path.relative_to(cases_dir).as_posix(): (r.case_id, r.sha256) for r in new})
    state = BuildState("", digest, base.state.plans, files, totals)
    added = sum(1 for rel in base.changed if rel not in base.state.files)
    summary = (f"{base.unchanged} unchanged, reused from release {base.release.id}; rebuilt "
               f"{len(new)} ({added} added, {len(new) - added} changed), dropped "
               f"{len(base.removed)} removed; summaries, links and answers updated by the "
               "difference")
    return Written(triples, graphs, cases, answers, state, summary)


def _drop(store: ox.Store, old: CaseResult) -> int:
    """Remove a report's graph and its inferred triples; return how many quads went."""
    graph = ox.NamedNode(case_graph_iri(old.case_id))
    gone = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    store.remove_graph(graph)
    own = mint("case", old.case_id)
    inferred = ox.NamedNode(inferred_graph_iri())
    for quad in ox.parse(input=old.nquads.encode(), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name != inferred:
            continue
        subject = quad.subject
        if not (isinstance(subject, ox.NamedNode)
                and (subject.value == own or subject.value.startswith(own + "/"))):
            raise FullBuildNeeded(f"report {old.case_id} infers a triple about {subject}, "
                                  "which other reports may infer too")
        if quad in store:
            store.remove(quad)
            gone += 1
    return gone


def _replace_graph(store: ox.Store, graph: str, quads: list[ox.Quad]) -> int:
    """Put ``quads`` in place of ``graph``'s; return the change in the store's quads."""
    name = ox.NamedNode(graph)
    before = sum(1 for _ in store.quads_for_pattern(None, None, None, name))
    store.remove_graph(name)
    store.extend(quads)
    return len(set(quads)) - before


def _update_answers(base: Base, batches: list[Batch], target: Path,
                    store: ox.Store, evaluator: Evaluator | None,
                    plans: tuple[AnswerPlan, ...]) -> dict[str, int]:
    """Copy the previous answer tables and update them by the difference."""
    source = base.path / ANSWERS_FILE
    if not source.is_file():
        raise FullBuildNeeded("the previous release has no answer tables")
    shutil.copyfile(source, target / ANSWERS_FILE)
    ontology_rows: list[AnswerRow] = evaluator.rows([], []) if evaluator is not None else []
    update = AnswerUpdate(target / ANSWERS_FILE, plans, ontology_rows)
    try:
        if evaluator is not None:
            for i in range(0, len(base.old), BATCH):
                chunk = base.old[i:i + BATCH]
                update.remove(evaluator.rows([r.nquads for r in chunk],
                                             [case_graph_iri(r.case_id) for r in chunk]),
                              [r.case_id for r in chunk])
            for batch in batches:
                update.add(batch.answers)
        for plan in plans:
            if plan.scope == "whole-graph":
                update.rerun(store, plan)
    except NotByDifference as exc:
        raise FullBuildNeeded(str(exc)) from exc
    finally:
        counts = update.close()
    return counts


def ontology_evaluator(ontology: Graph, tbox_nt: str,
                       plans: tuple[AnswerPlan, ...]) -> Evaluator | None:
    """An evaluator of the per-report plans over the ontology, as the workers hold one."""
    per_report = tuple(p for p in plans if p.scope == "per-report")
    if not per_report:
        return None
    return Evaluator(ntriples(ontology, graph=ontology_graph_iri()), tbox_nt, per_report)
