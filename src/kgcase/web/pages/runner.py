"""Run the pages' own SPARQL on the current release: in the worker pool, results cached per release.

The page queries are constants of :mod:`kgcase.web.pages.sparqltext`; request values only ever
reach them as bindings: pyoxigraph ``substitutions``, or for the queries of
:data:`~kgcase.web.pages.sparqltext.VALUES_BOUND` a ``VALUES`` block of checked, serialised
terms (:mod:`kgcase.store.binding`), never as text. They skip the safety
gate meant for untrusted text (a test checks each passes it) and the ``max_rows`` cap meant for
clients: each page bounds its own queries (``LIMIT`` where a list can grow) and reads at most
:data:`PAGE_ROWS` rows. Results share the service's LRU cache, under keys of their own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kgcase.iris import inferred_graph_iri
from kgcase.web.pages.sparqltext import ASSERTED, VALUES_BOUND
from kgcase.web.service import QueryService, get_service
from kgcase.web.worker import Job, Outcome

#: Most rows a page query reads (a safety net; the queries bound themselves).
PAGE_ROWS = 20_000
#: Most triples of one RDF document (the ontology is the largest).
DOCUMENT_TRIPLES = 1_000_000
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Node:
    """One RDF term of a result: ``kind`` is ``uri``, ``bnode`` or ``literal``."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_blank(self) -> bool:
        return self.kind == "bnode"

    def number(self) -> float | None:
        """The value as a number when it is a numeric literal."""
        if self.kind != "literal" or not (self.datatype or "").startswith(XSD):
            return None
        try:
            return float(self.value)
        except ValueError:
            return None


Row = dict[str, Node]
Binding = ox.NamedNode | ox.Literal


def _node(binding: dict[str, Any]) -> Node:
    return Node(binding["type"], binding["value"], binding.get("datatype"),
                binding.get("xml:lang"))


def _key(service: QueryService, sparql: str, select_fmt: str | None, graph_fmt: str | None,
         max_rows: int, bindings: dict[str, Binding]) -> tuple[str, Job]:
    """The cache key of a page query on the current release, and the job that answers it."""
    release = service.watcher.current()
    terms = tuple(sorted(bindings.items(), key=lambda item: item[0]))
    parts = [release.id, sparql, select_fmt, graph_fmt, max_rows, [(k, str(v)) for k, v in terms]]
    key = "pages:" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return key, Job(release_path=release.path, sparql=sparql, select_fmt=select_fmt,
                    graph_fmt=graph_fmt, max_rows=max_rows, bindings=terms,
                    values_binding=sparql in VALUES_BOUND)


def _run(sparql: str, *, select_fmt: str | None, graph_fmt: str | None, max_rows: int,
         bindings: dict[str, Binding]) -> Outcome:
    service = get_service()
    key, job = _key(service, sparql, select_fmt, graph_fmt, max_rows, bindings)
    return service.cache.get(key) or _answer(service, key, job)


def _answer(service: QueryService, key: str, job: Job) -> Outcome:
    outcome = service.pool.run(job, timeout_s=service.settings.timeout_s)
    service.cache.put(key, outcome)
    return outcome


def _rows(outcome: Outcome) -> list[Row]:
    doc = json.loads(outcome.body)
    return [{k: _node(v) for k, v in b.items()} for b in doc["results"]["bindings"]]


def select(sparql: str, **bindings: Binding) -> list[Row]:
    """Run a page SELECT with ``bindings`` (each variable must be projected); rows of Nodes."""
    return _rows(_run(sparql, select_fmt="json", graph_fmt=None, max_rows=PAGE_ROWS,
                      bindings=bindings))


def select_capped(sparql: str, limit: int, **bindings: Binding) -> tuple[list[Row], bool]:
    """:func:`select` reading at most ``limit`` rows; also whether more existed."""
    outcome = _run(sparql, select_fmt="json", graph_fmt=None, max_rows=limit, bindings=bindings)
    return _rows(outcome), outcome.truncated


def select_all(queries: Sequence[tuple[str, dict[str, Binding]]]) -> list[list[Row]]:
    """Run independent page SELECTs at the same time, each in its own worker process (those
    the cache holds are not run)."""
    service = get_service()
    jobs = [_key(service, sparql, "json", None, PAGE_ROWS, bindings)
            for sparql, bindings in queries]
    outcomes: list[Outcome | None] = [service.cache.get(key) for key, _ in jobs]
    missing = [i for i, outcome in enumerate(outcomes) if outcome is None]
    if len(missing) == 1:
        outcomes[missing[0]] = _answer(service, *jobs[missing[0]])
    elif missing:
        with ThreadPoolExecutor(max_workers=min(len(missing), service.pool.size)) as threads:
            answered = threads.map(lambda i: _answer(service, *jobs[i]), missing)
            for i, outcome in zip(missing, answered, strict=True):
                outcomes[i] = outcome
    return [_rows(outcome) for outcome in outcomes if outcome is not None]


def stored_counts(subject: str) -> list[Row] | None:
    """``subject``'s incoming links as the build counted them (:mod:`kgcase.links`), in the
    rows of :data:`~kgcase.web.pages.sparqltext.RESOURCE`'s counts; ``None`` if it did not."""
    service = get_service()
    links = service.links.get(service.watcher.current())
    found = links.of(subject) if links is not None else []
    if not found:
        return None
    inferred, integer = inferred_graph_iri(base=service.settings.base_iri), XSD + "integer"
    return [{"s": Node("uri", subject), "dir": Node("literal", "count"), "p": Node("uri", p),
             "g": Node("uri", inferred if in_inferred else ASSERTED[1:-1]),
             "n": Node("literal", str(n), integer), "nb": Node("literal", str(nb), integer),
             **({"pl": Node("literal", label)} if label is not None else {})}
            for p, label, in_inferred, n, nb in found]


def construct(sparql: str, fmt: str, max_triples: int = DOCUMENT_TRIPLES,
              **bindings: Binding) -> Outcome:
    """Run a page CONSTRUCT; the worker serialises it as ``fmt`` (``turtle``, ``jsonld`` …)
    and sets ``truncated`` when more than ``max_triples`` triples existed."""
    return _run(sparql, select_fmt=None, graph_fmt=fmt, max_rows=max_triples,
                bindings=bindings)


def iri(value: str) -> ox.NamedNode:
    """A binding for an IRI (raises ``ValueError`` for text that is not an IRI)."""
    return ox.NamedNode(value)


def values_block(variable: str, iris: Iterable[str]) -> str:
    """A ``VALUES ?variable { <a> <b> }`` block of IRIs, each serialised by pyoxigraph.

    For IRIs read from the store (query results), never for request text.

    >>> values_block("s", ["https://w3id.org/kgcase/KGCASE_0000100"])
    'VALUES ?s { <https://w3id.org/kgcase/KGCASE_0000100> }'
    """
    terms = " ".join(str(ox.NamedNode(value)) for value in dict.fromkeys(iris))
    return f"VALUES ?{variable} {{ {terms} }}"
