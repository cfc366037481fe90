"""Load named graphs into a remote SPARQL store graph by graph, never leaving one half-loaded.

For each ``(graph IRI, N-Triples bytes)``:

1. the bytes are parsed here first (a syntax error names the graph and line; nothing is sent);
2. triples are packed into chunks of about ``chunk_triples``, keeping every blank node's triples
   in one chunk (blank node labels are scoped to one request);
3. a graph that fits one chunk, on a store whose Graph Store PUT is one transaction (Oxigraph),
   is replaced by that single PUT. Otherwise the chunks go into a *staging* graph
   ``<graph>?staging=<release>``, its size is checked against what was sent, and it is swapped in
   with one ``MOVE`` (SPARQL 1.1 Update), after which the live graph's size is checked again.

Transient failures (connection reset, time-out, HTTP 5xx other than a rejection of the data) are
retried with back-off; a chunk holding blank nodes is not idempotent, so its graph is restaged
from the start instead. A permanent failure drops the staging graph, leaves the live graph as it
was and raises :class:`RemoteLoadError` naming the graph and the chunk. What was measured about
each server's atomicity is in ``docs/deploy.md``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from tqdm import tqdm

from kgcase.errors import KgcaseError
from kgcase.store.remote import (
    STAGING,
    RemoteQueryError,
    RemoteStore,
    RemoteStoreError,
)

#: Markers of a server that rejected the data itself (retrying cannot help).
_REJECTED = ("Error 22023", "SP029", "syntax error", "RDF loader", "parse error")


class RemoteLoadError(KgcaseError):
    """A graph could not be loaded; the live graph is unchanged and the staging graph dropped."""

    status = 503


@dataclass
class Chunk:
    """Triples sent in one request."""

    body: bytes
    triples: int
    has_blank_nodes: bool


@dataclass
class _Attempts:
    retries: int
    backoff_s: float
    used: int = 0
    log: list[str] = field(default_factory=list)


def staging_graph(graph: str, release: str) -> str:
    """The IRI of the staging graph of ``graph`` for one load."""
    return f"{graph}{'&' if '?' in graph else '?'}{STAGING}{release}"


def split_chunks(graph: str, data: bytes, chunk_triples: int) -> tuple[list[Chunk], int]:
    """Parse N-Triples and pack them into chunks; return the chunks and the distinct triples.

    :raises RemoteLoadError: ``data`` is not N-Triples (the message names graph and line).
    """
    try:
        triples = list(dict.fromkeys(
            q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
    except SyntaxError as exc:
        raise RemoteLoadError(f"graph <{graph}>: not valid N-Triples: {exc}") from None
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def labels(t: ox.Triple) -> list[str]:
        return [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]

    for t in triples:
        nodes = labels(t)
        for other in nodes[1:]:
            parent[find(other)] = find(nodes[0])
    groups: dict[Any, list[ox.Triple]] = {}
    for i, t in enumerate(triples):
        nodes = labels(t)
        groups.setdefault(find(nodes[0]) if nodes else i, []).append(t)
    chunks: list[Chunk] = []
    pending: list[ox.Triple] = []
    blank = False

    def flush() -> None:
        nonlocal pending, blank
        if pending:
            chunks.append(Chunk(ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES) or b"",
                                len(pending), blank))
        pending, blank = [], False

    for key, members in groups.items():
        if pending and len(pending) + len(members) > chunk_triples:
            flush()
        pending += members
        blank = blank or isinstance(key, str)
    flush()
    return chunks, len(triples)


def _transient(exc: Exception) -> bool:
    if isinstance(exc, RemoteQueryError):
        return False
    text = str(exc)
    return isinstance(exc, RemoteStoreError) and not any(m in text for m in _REJECTED) \
        and "refused access" not in text


def _with_retries(attempts: _Attempts, what: str, action: Callable[[], Any]) -> Any:
    for attempt in range(attempts.retries + 1):
        try:
            return action()
        except (RemoteStoreError, RemoteQueryError) as exc:
            if not _transient(exc) or attempt == attempts.retries:
                raise
            attempts.used += 1
            attempts.log.append(f"{what}: retry {attempt + 1} after: {exc}")
            time.sleep(attempts.backoff_s * 2**attempt)
    raise AssertionError("unreachable")


def _load_staged(store: RemoteStore, graph: str, staging: str, chunks: list[Chunk],
                 attempts: _Attempts, bar: Any) -> None:
    """Send every chunk into ``staging``; a failed chunk with blank nodes restages all."""
    for restart in range(attempts.retries + 1):
        store.update(f"DROP SILENT GRAPH <{staging}>")
        try:
            for n, chunk in enumerate(chunks, 1):
                where = f"graph <{graph}>, chunk {n}/{len(chunks)}"
                if chunk.has_blank_nodes:
                    store.post_graph(staging, chunk.body)
                else:
                    _with_retries(attempts, where,
                                  lambda c=chunk: store.post_graph(staging, c.body))
                bar.update(chunk.triples)
            return
        except (RemoteStoreError, RemoteQueryError) as exc:
            if not _transient(exc) or restart == attempts.retries:
                raise RemoteLoadError(f"{where}: {exc}") from None
            attempts.used += 1
            attempts.log.append(f"{where}: restaging after: {exc}")
            bar.update(-sum(c.triples for c in chunks[: n - 1]))
            time.sleep(attempts.backoff_s * 2**restart)


def load_graph(store: RemoteStore, graph: str, data: bytes, *, release: str,
               chunk_triples: int, attempts: _Attempts, bar: Any) -> dict[str, Any]:
    """Load one graph (see the module docstring); return what was done."""
    chunks, expected = split_chunks(graph, data, chunk_triples)
    if not chunks:  # an empty graph: MOVE from an empty staging graph would leave the old one
        _with_retries(attempts, f"graph <{graph}>",
                      lambda: store.update(f"DROP SILENT GRAPH <{graph}>"))
        return {"triples": 0, "chunks": 0, "method": "drop"}
    if len(chunks) == 1 and store.config.atomic_put:
        try:
            _with_retries(attempts, f"graph <{graph}>",
                          lambda: store.put_graph(graph, chunks[0].body))
        except (RemoteStoreError, RemoteQueryError) as exc:
            raise RemoteLoadError(f"graph <{graph}>, chunk 1/1 (PUT): {exc}") from None
        bar.update(expected)
        method = "put"
    else:
        staging = staging_graph(graph, release)
        try:
            _load_staged(store, graph, staging, chunks, attempts, bar)
            staged = _with_retries(attempts, f"graph <{graph}>",
                                   lambda: store.triple_count(staging))
            if staged != expected:
                raise RemoteLoadError(f"graph <{graph}>: the staging graph holds {staged} "
                                      f"triples, {expected} were sent")
            _with_retries(attempts, f"graph <{graph}> (swap)", lambda: store.update(
                f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>"))
        except (RemoteLoadError, RemoteStoreError, RemoteQueryError) as exc:
            _drop_quietly(store, staging)
            if isinstance(exc, RemoteLoadError):
                raise
            raise RemoteLoadError(f"graph <{graph}>: {exc}") from None
        method = "staging+move"
    live = _with_retries(attempts, f"graph <{graph}>", lambda: store.triple_count(graph))
    if live != expected:
        raise RemoteLoadError(f"graph <{graph}>: holds {live} triples after the load, "
                              f"{expected} were sent")
    return {"triples": expected, "chunks": len(chunks), "method": method}


def _drop_quietly(store: RemoteStore, staging: str) -> None:
    # The load already failed; a leftover staging graph is dropped by the next load.
    with contextlib.suppress(RemoteStoreError, RemoteQueryError):
        store.update(f"DROP SILENT GRAPH <{staging}>")


def release_graphs(release_path: Path | str) -> Iterator[tuple[str, bytes]]:
    """The named graphs of a built release directory as ``(IRI, N-Triples)``, for load_remote."""
    store = ox.Store.read_only(str(Path(release_path) / "oxigraph"))
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        if isinstance(graph, ox.NamedNode):
            quads = store.quads_for_pattern(None, None, None, graph)
            yield graph.value, ox.serialize((q.triple for q in quads),
                                            format=ox.RdfFormat.N_TRIPLES) or b""


def load_remote(store_url: str, graphs: Iterable[tuple[str, bytes]], *,
                chunk_triples: int | None = None, progress: bool = True, retries: int = 3,
                release: str | None = None, timeout_s: float = 300.0, backoff_s: float = 1.0,
                user: str | None = None, password: str | None = None) -> dict[str, Any]:
    """Load ``graphs`` (IRI, N-Triples of that one graph) into the store ``store_url`` names.

    :param chunk_triples: triples per request (default: the store URL's, by dialect).
    :param retries: attempts beyond the first for a transient failure, per request.
    :param release: the id used in staging graph IRIs (default: a UTC timestamp).
    :returns: ``{"store", "release", "graphs": {iri: {...}}, "triples", "retries", "seconds"}``.
    :raises RemoteLoadError: a graph failed (named, with its chunk); graphs before it are
        loaded, it and the ones after are unchanged.
    """
    started = time.perf_counter()
    release = release or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    store = RemoteStore(store_url, timeout_s=timeout_s, user=user, password=password)
    chunk = chunk_triples or store.config.chunk_triples
    attempts = _Attempts(retries, backoff_s)
    report: dict[str, Any] = {"store": store.config.query_url, "release": release, "graphs": {}}
    try:
        with tqdm(unit=" triples", disable=not progress, desc="loading") as bar:
            for graph, data in graphs:
                bar.set_postfix_str(graph.rsplit("/", 1)[-1][:30])
                report["graphs"][graph] = load_graph(store, graph, data, release=release,
                                                     chunk_triples=chunk, attempts=attempts,
                                                     bar=bar)
    finally:
        store.close()
    report["triples"] = sum(g["triples"] for g in report["graphs"].values())
    report["retries"] = attempts.used
    report["retry_log"] = attempts.log
    report["seconds"] = round(time.perf_counter() - started, 3)
    return report
