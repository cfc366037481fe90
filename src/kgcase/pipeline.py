"""One case file in, its N-Quads out: the per-case work of a build, run in worker processes.

Each worker loads the ontology once (:func:`init_worker`). :func:`process_case` then validates
the case file, derives the effects, writes the case's triples, checks curated cases with SHACL
and HermiT (synthetic ones on a sample), materialises the ABox inferences with the compiled
rules and returns N-Quads text. Results are cached by the file's hash and the build's digest,
so a rebuild only does this work for case files that changed. :func:`process_batch` does this
for a few case files and then computes their rows of the materialised named queries
(:mod:`kgcase.answers`), from the N-Quads, cached or not.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kgcase.answers.evaluate import AnswerRow, Evaluator
from kgcase.answers.plan import AnswerPlan
from kgcase.derive import derive_effects
from kgcase.errors import CaseFileError, Problem, ReasoningError
from kgcase.iris import case_graph_iri, case_prefix, inferred_graph_iri, ontology_graph_iri
from kgcase.links import LinkCounts, add_links, count_links
from kgcase.materialise import Rules, compile_rules
from kgcase.model.load import draft_facts, load_case
from kgcase.model.terms import TermIndex
from kgcase.rdf.case_graph import case_to_triples
from kgcase.rdf.ntriples import ntriples
from kgcase.rdf.shapes import load_shapes, validate_case_graph
from kgcase.reason import load_ontology_graph, reason
from kgcase.summary import ClassCounts, Counts, DrugCounts, case_counts, class_counts, drug_counts

#: The layout and content of cached results; part of the build digest, so a change to either
#: (4: no ``owl:NamedIndividual`` declarations, and the incoming link counts) misses the old
#: entries.
CACHE_FORMAT = 4


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know, fixed for one build."""

    ontology_dir: Path
    tbox_inferred_nt: str  # HermiT's classification of the ontology, as N-Triples
    digest: str  # identifies ontology + rules + code version: part of every cache key
    cache_dir: Path | None = None
    hermit_curated: bool = True  # run HermiT on each curated (non-synthetic) case
    shacl_every: int = 100  # SHACL on every curated case and on 1 in N synthetic cases
    answer_plans: tuple[AnswerPlan, ...] = ()  # the materialised named queries
    accept_drafts: bool = False  # validate drafts (kgcase check) instead of refusing them


@dataclass
class CaseResult:
    """The outcome of one case file: its N-Quads, or the problems that stop the build."""

    path: Path
    case_id: str = ""
    sha256: str = ""
    nquads: str = ""
    triples: int = 0
    inferred: int = 0
    synthetic: bool = False
    cached: bool = False
    counts: Counts = field(default_factory=dict)  # effect summary counts of this case
    classes: ClassCounts = field(default_factory=dict)  # its individuals per kgcase class
    drugs: DrugCounts = field(default_factory=dict)  # its exposures and patients per drug
    links: LinkCounts = field(default_factory=dict)  # its links into shared terms (kgcase.links)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Batch:
    """A few case files' results, and their rows of the materialised named queries."""

    results: list[CaseResult]
    answers: list[AnswerRow] = field(default_factory=list)
    links: LinkCounts = field(default_factory=dict)  # the results' links, added up


@dataclass
class _Worker:
    settings: Settings
    ontology: Graph
    terms: TermIndex
    shapes: Graph
    rules: Rules
    answers: Evaluator | None = None


_WORKER: _Worker | None = None


def init_worker(settings: Settings, ontology: Graph | None = None) -> None:
    """Load the ontology (unless given), its term index, the shapes and the rules into this
    process."""
    global _WORKER
    if ontology is None:
        ontology = load_ontology_graph(settings.ontology_dir)
    tbox = Graph().parse(data=settings.tbox_inferred_nt, format="nt")
    answers = (Evaluator(ntriples(ontology, graph=ontology_graph_iri()), settings.tbox_inferred_nt,
                         settings.answer_plans) if settings.answer_plans else None)
    _WORKER = _Worker(settings, ontology, TermIndex.from_graph(ontology),
                      load_shapes(settings.ontology_dir / "shapes"), compile_rules(ontology, tbox),
                      answers)


def process_batch(paths: list[Path]) -> Batch:
    """:func:`process_case` for each path, then the batch's answer rows (none if one failed)."""
    results = [process_case(path) for path in paths]
    links: LinkCounts = {}
    for result in results:  # sent back once per batch, not once per report
        add_links(links, result.links)
        result.links = {}
    evaluator = _WORKER.answers if _WORKER is not None else None
    if evaluator is None or any(r.problems for r in results):
        return Batch(results, links=links)
    return Batch(results, evaluator.rows([r.nquads for r in results],
                                         [case_graph_iri(r.case_id) for r in results]), links)


def process_case(path: Path) -> CaseResult:
    """Validate, derive, write, check and materialise one case file (cached by content)."""
    if _WORKER is None:
        raise RuntimeError("init_worker() was not called in this process")
    w = _WORKER
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cache = _cache_path(w.settings, sha)
    if cache is not None and cache.is_file():
        return _from_cache(path, sha, cache)
    result = CaseResult(path=path, sha256=sha)
    try:
        loaded = load_case(path, w.terms)
    except CaseFileError as exc:
        result.problems = exc.problems
        return result
    case = loaded.case
    drafts = draft_facts(case)
    if (case.status == "draft" or drafts) and not w.settings.accept_drafts:
        # drafts enter the graph only once reviewed
        what = "the case file is an unreviewed draft" if case.status == "draft" else \
            f"{drafts} fact(s) still say 'status: draft'"
        result.problems = [Problem(path, None, "status", what,
                                   "review it (docs/curation.md): accept or reject each "
                                   "drafted fact, then remove 'status: draft'")]
        return result
    result.case_id, result.synthetic = case.id, case.synthetic
    triples = case_to_triples(case, derive_effects(case), w.terms.labels)
    check_shapes = not case.synthetic or _sampled(case.id, w.settings.shacl_every)
    if check_shapes or (w.settings.hermit_curated and not case.synthetic):
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in triples)
        try:
            if check_shapes:
                validate_case_graph(graph, w.shapes, loaded)
            if w.settings.hermit_curated and not case.synthetic:
                reason(w.ontology, graph)  # the consistency gate; inferences come from rules
        except CaseFileError as exc:
            result.problems = exc.problems
            return result
        except ReasoningError as exc:
            result.problems = [Problem(path, None, "", str(exc),
                                       "see docs/ontology.md for what the data may say")]
            return result
    inferred = w.rules.apply(triples)
    result.counts = case_counts(triples)
    everything = [*triples, *inferred]
    result.classes, result.drugs = class_counts(everything), drug_counts(everything)
    result.links = count_links(dict.fromkeys(triples), inferred=False, skip=case_prefix())
    count_links(inferred, inferred=True, skip=case_prefix(), into=result.links)
    result.nquads = ntriples(triples, graph=case_graph_iri(case.id)) + ntriples(
        inferred, graph=inferred_graph_iri())
    result.triples, result.inferred = len(triples), len(inferred)
    if cache is not None:
        _to_cache(cache, result)
    return result


def cached_result(settings: Settings, path: Path, sha: str) -> CaseResult | None:
    """The cached output of the case file whose content has digest ``sha``, if it is cached."""
    cache = _cache_path(settings, sha)
    if cache is None or not cache.is_file():
        return None
    return _from_cache(path, sha, cache)


def _sampled(case_id: str, every: int) -> bool:
    """A deterministic 1-in-``every`` choice of cases (stable across runs and machines)."""
    return every > 0 and zlib.crc32(case_id.encode()) % every == 0


def _cache_path(settings: Settings, sha: str) -> Path | None:
    if settings.cache_dir is None:
        return None
    key = hashlib.sha256(f"{settings.digest}:{sha}".encode()).hexdigest()
    return settings.cache_dir / key[:2] / f"{key}.nq"


def _to_cache(cache: Path, r: CaseResult) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    counts = {"effects": [[*key, *value] for key, value in r.counts.items()],
              "classes": r.classes, "drugs": r.drugs,
              "links": [[*key, *value] for key, value in r.links.items()]}
    head = (f"# {r.case_id} {int(r.synthetic)} {r.triples} {r.inferred}\n"
            f"# {json.dumps(counts, separators=(',', ':'))}\n")
    tmp = cache.with_suffix(f".tmp{id(r)}")
    tmp.write_text(head + r.nquads, encoding="utf-8")
    tmp.replace(cache)


def _from_cache(path: Path, sha: str, cache: Path) -> CaseResult:
    text = cache.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n")
    counts_line, _, body = rest.partition("\n")
    _, case_id, synthetic, triples, inferred = head.split(" ")
    saved = json.loads(counts_line[2:])
    counts = {tuple(row[:4]): tuple(row[4:]) for row in saved["effects"]}
    drugs = {drug: tuple(pair) for drug, pair in saved["drugs"].items()}
    links = {(o, p, inferred): (n, nb) for o, p, inferred, n, nb in saved["links"]}
    return CaseResult(path=path, case_id=case_id, sha256=sha, nquads=body, triples=int(triples),
                      inferred=int(inferred), synthetic=synthetic == "1", cached=True,
                      counts=counts, classes=saved["classes"],  # type: ignore[arg-type]
                      drugs=drugs, links=links)  # type: ignore[arg-type]
