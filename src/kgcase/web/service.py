"""Answer a checked query for the current release: ETag, result cache, the build's answer
tables, then the worker pool.

Shared by the SPARQL endpoint and the named-query API. The release is looked up on every request
(a ``readlink`` of ``data_dir/current`` and a stat, microseconds), so a new build is served from the
next request on; workers reopen their store when the release path they are handed changes.

A named query the build answered ahead of time (:mod:`kgcase.answers`) is read from the
release's ``answers.sqlite`` here, in the web process: a page is one bounded index range of at
most ``max_rows + 1`` rows (about 15 ms for 10 000), which needs neither a worker nor its time
limit.

With a remote store (setting ``store``), workers send each query to it over HTTP instead; the
release id (ETags, cache keys) is still that of ``data_dir/current`` when a build wrote one there,
else ``remote``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from flask import Response, current_app

from kgcase.answers.table import AnswerRequest, AnswerTables
from kgcase.config import Settings
from kgcase.errors import StoreUnavailableError
from kgcase.links import StoredLinks
from kgcase.pagecounts import StoredCounts
from kgcase.store import Release, is_remote, release_dir
from kgcase.store.embedded import CURRENT
from kgcase.store.sparql_json import table_json_bytes
from kgcase.web.executor import ClientSlots, WorkerPool
from kgcase.web.gate import CheckedQuery
from kgcase.web.sandbox import Confinement
from kgcase.web.searchindex import SearchIndex
from kgcase.web.worker import Job, Outcome, Term

EXTENSION = "kgcase"
#: Added to the niceness of the ad-hoc query workers, so that pages and named queries, and the
#: web process itself, get the CPU first while heavy ad-hoc queries run.
ADHOC_NICE = 10


@dataclass(frozen=True)
class CurrentRelease:
    """The release ``current`` points to: its directory and its id (used in ETags)."""

    path: str
    id: str
    release: Release | None = None
    link: str = ""  # what the ``current`` link read when this was resolved


class ReleaseWatcher:
    """Follow ``data_dir/current``; re-read ``release.json`` only when the link moves."""

    def __init__(self, data_dir: Path, store: str = "") -> None:
        self.data_dir = data_dir
        self.link = str(data_dir / CURRENT)
        self.store = store
        self._last: CurrentRelease | None = None

    def current(self) -> CurrentRelease:
        """The release served now; raises ``StoreUnavailableError`` (503) if none was built."""
        if is_remote(self.store):
            try:
                local = self._local()
            except StoreUnavailableError:
                return CurrentRelease(self.store, "remote")
            return CurrentRelease(self.store, local.id, local.release)
        return self._local()

    def _local(self) -> CurrentRelease:
        last = self._last
        try:  # one system call per request while the link stays where it was
            target = os.readlink(self.link)
        except OSError:  # not a link (yet): release_dir says what is wrong
            target = None
        if last is not None and target is not None and last.link == target:
            return last
        path = str(release_dir(self.data_dir))
        if last is not None and last.path == path:
            self._last = last = replace(last, link=target or "")
            return last
        manifest = Path(path) / "release.json"
        release = Release.read(manifest) if manifest.exists() else None
        last = CurrentRelease(path, release.id if release else Path(path).name, release,
                              target or "")
        self._last = last
        return last


class _Closable(Protocol):
    def close(self) -> None: ...


T = TypeVar("T", bound=_Closable)


class PerRelease(Generic[T]):
    """A file of the release served now (its answer tables, its link counts), opened once per
    thread and release with ``opener``; ``None`` for a remote store, or a build without it."""

    def __init__(self, opener: Callable[[Path], T | None]) -> None:
        self.opener = opener
        self._local = threading.local()

    def get(self, release: CurrentRelease) -> T | None:
        held: tuple[str, T | None] | None = getattr(self._local, "held", None)
        if held is not None and held[0] == release.path:
            return held[1]
        if held is not None and held[1] is not None:
            held[1].close()
        opened = None
        if not is_remote(release.path):
            try:
                opened = self.opener(Path(release.path))
            except sqlite3.Error:  # unreadable: the workers run the queries on the store instead
                opened = None
        self._local.held = (release.path, opened)
        return opened


def from_tables(tables: AnswerTables | None, job: Job) -> Outcome | None:
    """The job's answer read from the build's tables, or ``None`` if they do not hold it."""
    if tables is None or job.answer is None or job.select_fmt != "json":
        return None
    request = job.answer
    page = tables.page(request.name, request.digest, request.param, request.offset,
                       job.max_rows + 1)
    if page is None:
        return None
    rows = page.rows[: job.max_rows]
    plain = b"[" + b", ".join(page.plain[: job.max_rows]) + b"]"
    return Outcome(table_json_bytes(page.columns, rows), truncated=len(page.rows) > job.max_rows,
                   count=len(rows), precomputed=True, columns=tuple(page.columns), plain=plain)


class ResultCache:
    """A thread-safe LRU of serialised answers, bounded in entries and in bytes."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[str, Outcome] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Outcome | None:
        with self._lock:
            outcome = self._items.get(key)
            if outcome is not None:
                self._items.move_to_end(key)
            return outcome

    def put(self, key: str, outcome: Outcome) -> None:
        size = len(outcome.body)
        if self.max_entries == 0 or size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= len(old.body) if old else 0
            self._items[key] = outcome
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted.body)


@dataclass(frozen=True)
class Plan:
    """A query ready to run: the text, what the gate found, the format and the dataset."""

    sparql: str
    checked: CheckedQuery
    select_fmt: str | None  # the format of a SELECT/ASK answer (None: none acceptable)
    graph_fmt: str | None  # the format of a CONSTRUCT/DESCRIBE answer
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    bindings: tuple[tuple[str, Term], ...] = ()
    #: Bind as a VALUES block (named queries) rather than pyoxigraph substitutions (pages):
    #: each is the faster one for those queries (docs/decisions.md).
    values_binding: bool = False
    representation: str = ""  # how the caller renders the outcome (part of the ETag only)
    max_rows: int | None = None  # read at most this many rows (default: the max_rows setting)
    answer: AnswerRequest | None = None  # the build's table to read it from, if it has one
    #: The address of the client of an ad-hoc query (/sparql, the editor): it runs on the
    #: workers of ad-hoc queries, within that client's share. None: a page or named query.
    client: str | None = None
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint)

    def key(self, release_id: str, max_rows: int) -> str:
        """A digest of everything the outcome depends on."""
        parts: list[Any] = [release_id, self.sparql, self.select_fmt, self.graph_fmt,
                            self.default_graphs, self.named_graphs,
                            [(k, str(v)) for k, v in self.bindings], max_rows]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    """An outcome (``None`` when the client's ETag still matches: 304) and its validators."""

    outcome: Outcome | None
    release_id: str
    etag: str | None
    key: str | None = None  # the result cache's key (None: not cacheable)


def _etag_matches(etag: str, if_none_match: str | None) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


class QueryService:
    """Everything needed to answer queries; one per app, in ``app.extensions``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if settings.store and not is_remote(settings.store):
            raise StoreUnavailableError(
                f"store {settings.store!r}: give sparql+http(s)://… (docs/deploy.md), or leave "
                "it empty for the embedded store of data_dir")
        self.watcher = ReleaseWatcher(Path(settings.data_dir), settings.store)
        #: Workers may open no network connection unless they must: to reach a remote store, or
        #: a SERVICE endpoint on the allow-list (docs/security.md).
        self.network_closed = not settings.store and not settings.allowed_services
        confinement = Confinement(no_network=self.network_closed,
                                  memory_mb=settings.worker_memory_mb)
        #: Pages and named queries, on workers of their own: ad-hoc queries never hold them.
        self.pool = WorkerPool(settings.page_workers, confinement, name="page")
        #: Ad-hoc SPARQL, at a lower CPU priority, with bounded waiting and a share per client.
        self.adhoc = WorkerPool(settings.workers, replace(confinement, nice=ADHOC_NICE),
                                name="sparql", max_waiting=settings.queue_length)
        self.clients = ClientSlots(settings.client_queries)
        self.cache = ResultCache(settings.cache_entries, settings.cache_max_bytes)
        self.tables = PerRelease(AnswerTables.open)
        self.links = PerRelease(StoredLinks.open)
        self.page_counts = PerRelease(StoredCounts.open)

        self.search = PerRelease(SearchIndex.open)
        self._graphs: dict[str, list[str]] = {}

    def answer(self, plan: Plan, *, if_none_match: str | None = None) -> Answer:
        """Answer ``plan`` from the cache, the answer tables or a worker; 304-able when the
        ETag matches."""
        release = self.watcher.current()
        max_rows = plan.max_rows or self.settings.max_rows
        key = plan.key(release.id, max_rows)
        etag = None
        if plan.checked.cacheable:
            digest = hashlib.sha256(f"{key}{plan.representation}".encode()).hexdigest()[:20]
            etag = f'W/"{release.id.replace(chr(34), "")}-{digest}"'
            if _etag_matches(etag, if_none_match):
                return Answer(None, release.id, etag)
            cached = self.cache.get(key)
            if cached is not None:
                return Answer(cached, release.id, etag, key)
        job = Job(
            release_path=release.path, sparql=plan.sparql, select_fmt=plan.select_fmt,
            graph_fmt=plan.graph_fmt, max_rows=max_rows,
            default_graphs=plan.default_graphs,
            named_graphs=plan.named_graphs, union_default_graph=not plan.checked.has_dataset,
            bindings=plan.bindings, values_binding=plan.values_binding,
            timeout_s=self.settings.timeout_s,
            form=plan.checked.form, booleans=plan.checked.booleans, answer=plan.answer,
            # A remote store gets only what rdflib parses as standard SPARQL (no DEFINE …).
            gate=plan.checked.parse or (plan.checked.form is None and is_remote(release.path)),
            allowed_services=tuple(sorted(self.settings.allowed_services)),
            service_words=plan.checked.service_words, max_bytes=self.settings.max_answer_bytes,
            base_iri=plan.base_iri,
        )
        outcome = None
        if plan.answer is not None:
            try:
                outcome = from_tables(self.tables.get(release), job)
            except sqlite3.Error:
                outcome = None  # run it on the store
        if outcome is None and plan.checked.bounded and not is_remote(release.path):
            outcome = self.pool.run_inline(job)
        if outcome is None and plan.client is not None:
            with self.clients.slot(plan.client):
                outcome = self.adhoc.run(job, timeout_s=self.settings.timeout_s)
        elif outcome is None:
            outcome = self.pool.run(job, timeout_s=self.settings.timeout_s)
        if not plan.checked.cacheable:
            return Answer(outcome, release.id, etag)
        self.cache.put(key, outcome)
        return Answer(outcome, release.id, etag, key)

    def rendered(self, answer: Answer, representation: str,
                 render: Callable[[Outcome], bytes]) -> bytes:
        """``render(answer.outcome)``, kept in the result cache beside the outcome, so that a
        repeated request of a large answer is not re-serialised each time."""
        assert answer.outcome is not None
        if answer.key is None:
            return render(answer.outcome)
        key = f"{answer.key}:{representation}"
        cached = self.cache.get(key)
        if cached is None:
            cached = Outcome(render(answer.outcome), fmt=representation)
            self.cache.put(key, cached)
        return cached.body

    def graphs(self) -> tuple[CurrentRelease, list[str]]:
        """The named graphs of the current release (asked of a worker once per release)."""
        release = self.watcher.current()
        if release.path not in self._graphs:
            job = Job(release.path, "", None, None, 0, list_graphs=True)
            outcome = self.pool.run(job, timeout_s=self.settings.timeout_s)
            self._graphs = {release.path: json.loads(outcome.body)}
        return release, self._graphs[release.path]

    def status(self) -> dict[str, Any]:
        """Both pools' counts, for ``/api/health``."""
        return {"sparql": self.adhoc.status(), "pages": self.pool.status(),
                "clients_refused": self.clients.refused, "network_closed": self.network_closed}

    def start(self) -> None:
        """Start both pools' workers now rather than on first use."""
        self.pool.start()
        self.adhoc.start()

    def close(self) -> None:
        self.pool.close()
        self.adhoc.close()


def get_service() -> QueryService:
    """The QueryService of the running app."""
    return current_app.extensions[EXTENSION]


def to_response(answer: Answer, content_type: str, body: bytes | None = None) -> Response:
    """The HTTP response of an answer: its body (or 304), ETag and truncation notice.

    ``body`` replaces the outcome's own when the caller re-renders it (the named-query API).
    """
    headers = {"Vary": "Accept", "Cache-Control": "no-cache", "X-KGCase-Release": answer.release_id}
    if answer.etag:
        headers["ETag"] = answer.etag
    if answer.outcome is None:
        return Response(status=304, headers=headers)
    if answer.outcome.truncated:
        settings = get_service().settings
        headers["X-KGCase-Truncated"] = "true"
        headers["X-KGCase-Truncated-By"] = answer.outcome.truncated_by or "rows"
        headers["X-KGCase-Row-Limit"] = str(settings.max_rows)
        headers["X-KGCase-Byte-Limit"] = str(settings.max_answer_bytes)
    if answer.outcome.precomputed:
        headers["X-KGCase-Precomputed"] = "true"
    content = answer.outcome.body if body is None else body
    return Response(content, content_type=content_type, headers=headers)
