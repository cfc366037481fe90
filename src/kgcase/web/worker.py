"""Run one query against a release and serialise the answer; the loop of a worker process.

This module is what a worker process imports: pyoxigraph, the standard library and the remote
backend (whose ``query`` mirrors ``pyoxigraph.Store.query``). The web process sends a :class:`Job`
over a pipe and gets back an :class:`Outcome` or an error tuple. :func:`execute` is also what
``kgcase query`` runs in-process on a local data directory.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kgcase.answers.table import AnswerRequest
from kgcase.store.binding import bind_values
from kgcase.store.remote import RemoteRefusedError, RemoteStore, RemoteStoreError, is_remote
from kgcase.store.sparql_json import TRIPLE_COLUMNS, Term, binding_json, table_json
from kgcase.web.errors import QueryRefusedError, QuerySyntaxError
from kgcase.web.lexer import Normalised
from kgcase.web.sandbox import Confinement, confine
from kgcase.web.star import star_order

#: Format keys (see ``negotiate.py``) -> pyoxigraph serialisers.
RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Job:
    """One query to run, with the format (a key of the tables above) for each kind of answer.

    ``None`` means the client accepts no format for that kind: if the query turns out to be of
    that kind, the job fails with ``not-acceptable``. ``"json"`` as ``graph_fmt`` answers a
    CONSTRUCT as a SPARQL JSON table of subject, predicate, object (named queries).
    """

    release_path: str  # a release directory, or a remote store's descriptor
    sparql: str
    select_fmt: str | None  # SELECT and ASK
    graph_fmt: str | None  # CONSTRUCT and DESCRIBE
    max_rows: int
    default_graphs: tuple[str, ...] | None = None  # protocol dataset: overrides the query's
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True  # False when the query has FROM / FROM NAMED
    bindings: tuple[tuple[str, Term], ...] = ()
    values_binding: bool = False  # embedded: bind as VALUES, not substitutions (store.binding)
    list_graphs: bool = False  # answer the named graphs of the release instead
    timeout_s: float = 30.0  # a remote store's HTTP time limit (the pool kills past it anyway)
    # What the gate's parse found, so that a remote store need not parse the text again:
    form: str | None = None  # select | ask | construct | describe; None: not parsed
    booleans: tuple[str, ...] = ()  # variables bound to a boolean expression (when form is set)
    #: The gate's parse is still due (kgcase.web.gate): done here, before the query runs.
    gate: bool = False
    allowed_services: tuple[str, ...] = ()
    service_words: int = 0  # SERVICE keywords the lexer saw, held against the parse
    max_bytes: int = 0  # most bytes of rows read (0: no limit); beyond, the answer is cut
    base_iri: str | None = None  # what relative IRIs in the query resolve against (embedded)
    #: Where the release's answer tables hold this answer, if they hold this query's text (a
    #: materialised named query; read by the web process, :func:`kgcase.web.service.from_tables`).
    answer: AnswerRequest | None = None


@dataclass(frozen=True)
class Outcome:
    """A serialised answer; ``truncated`` when more than ``max_rows`` rows or triples existed."""

    body: bytes
    form: str = "select"  # select | ask | graph
    fmt: str = "json"
    truncated: bool = False
    truncated_by: str = ""  # rows | bytes: which limit cut the answer
    count: int = 0
    precomputed: bool = False  # read from the build's answer tables (kgcase.answers)
    #: Of a precomputed answer: its columns, and its rows as the API's plain JSON array text.
    columns: tuple[str, ...] = ()
    plain: bytes | None = None


class JobError(Exception):
    """A query the engine rejected: ``kind`` is ``syntax``, ``store`` or ``eval``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _table_json(columns: list[str], rows: list[dict[str, Term]]) -> bytes:
    return table_json(columns, [binding_json(row) for row in rows])


def _query_options(job: Job) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif job.union_default_graph:
        options["use_default_graph_as_union"] = True
    return options


def _format(job: Job, form: str) -> str:
    fmt = job.graph_fmt if form == "graph" else job.select_fmt
    if fmt is None:
        raise JobError("not-acceptable", form)
    return fmt


def gated(job: Job) -> Job:
    """``job`` after the gate's parse: refused, or with what the parse found.

    :raises JobError: the text is not a query (``syntax``), or is refused (``refused``).
    """
    from kgcase.web.gate import check_query  # rdflib: imported only where it runs

    try:
        checked = check_query(job.sparql, frozenset(job.allowed_services), job.service_words)
    except QueryRefusedError as exc:
        raise JobError("refused", str(exc)) from None
    except QuerySyntaxError as exc:
        raise JobError("syntax", str(exc)) from None
    return replace(job, gate=False, form=checked.form, booleans=checked.booleans,
                   union_default_graph=not checked.has_dataset)


def _engine_syntax_error(job: Job, message: str) -> JobError:
    """The engine's syntax error, or a refusal if the text is an update sent as a query."""
    if job.form is None:
        from kgcase.web.gate import check_query

        try:
            check_query(job.sparql)
        except QueryRefusedError as exc:
            return JobError("refused", str(exc))
        except QuerySyntaxError as exc:  # the engine says where; rdflib says which prefix
            if "namespace prefix" in str(exc):
                return JobError("syntax", f"{message} ({str(exc).split(': ', 1)[-1]} is not "
                                "declared: add a PREFIX line for it)")
    return JobError("syntax", message)


def _row_bytes(row: Any) -> int:
    """About what a row (a solution or a triple) weighs once serialised."""
    return sum(len(getattr(term, "value", "")) + 40 for term in row if term is not None)


def execute(store: ox.Store | RemoteStore, job: Job) -> Outcome:
    """Run ``job`` on ``store``; read at most ``max_rows + 1`` rows to detect truncation, and
    rows of at most about ``max_bytes``.

    :raises JobError: the gate refused the query, the engine rejected it or could not read the
        store, or the answer's kind has no acceptable format.
    """
    if job.gate:
        job = gated(job)
    options = _query_options(job)
    sparql = job.sparql
    remote = isinstance(store, RemoteStore)
    if job.base_iri and not remote:
        options["base_iri"] = job.base_iri
    if remote:
        options["max_rows"] = job.max_rows
        store.timeout_s = job.timeout_s
        if job.form is not None:
            options.update(form=job.form, booleans=frozenset(job.booleans))
    weight, by_bytes = 0, False
    try:
        if job.bindings and job.values_binding and not remote:
            sparql = bind_values(sparql, dict(job.bindings))
        elif job.bindings:  # a remote store binds these as VALUES (or BIND) itself
            options["substitutions"] = {ox.Variable(name): term for name, term in job.bindings}
        if job.list_graphs:
            names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            return Outcome(json.dumps(names).encode(), count=len(names))
        result = store.query(sparql, **options)
        if isinstance(result, ox.QueryBoolean):
            fmt = _format(job, "ask")
            return Outcome(result.serialize(format=RESULTS_FORMATS[fmt]), "ask", fmt, count=1)
        form = "select" if isinstance(result, ox.QuerySolutions) else "graph"
        fmt = _format(job, form)
        rows: list[Any] = []
        for item in result:
            if len(rows) > job.max_rows:
                break
            if job.max_bytes:
                weight += _row_bytes(item)
                if weight > job.max_bytes:
                    by_bytes = True
                    break
            rows.append(item)
    except SyntaxError as exc:
        raise _engine_syntax_error(job, str(exc)) from None
    except PermissionError as exc:  # the sandbox refused a socket: SERVICE or LOAD got this far
        raise JobError("refused", f"the query tried to open a network connection, which a "
                       f"query worker may not ({exc}); SERVICE calls are refused") from None
    except (OSError, RemoteStoreError) as exc:
        raise JobError("store", str(exc)) from None
    except RemoteRefusedError as exc:
        raise JobError("refused", str(exc)) from None
    except ValueError as exc:
        raise JobError("eval", str(exc)) from None
    if by_bytes and not rows:
        raise JobError("too-large", f"the answer's first {'row' if form == 'select' else 'triple'}"
                       f" alone is larger than the {job.max_bytes}-byte answer limit (setting "
                       "max_answer_bytes): select fewer or shorter values, e.g. SUBSTR(?text, 1, "
                       "1000)")
    truncated = by_bytes or len(rows) > job.max_rows
    truncated_by = "bytes" if by_bytes else "rows" if truncated else ""
    rows = rows[: job.max_rows]
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        # A solution iterates its values in the order of the variables (None: unbound); that
        # is several times cheaper than looking each one up by name.
        table = [{c: v for c, v in zip(columns, sol, strict=True) if v is not None}
                 for sol in rows]
        body = _table_json(star_order(sparql, columns), table)
        if fmt != "json":
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            body = parsed.serialize(format=RESULTS_FORMATS[fmt])
    elif fmt == "json":
        body = _table_json(list(TRIPLE_COLUMNS),
                           [dict(zip(TRIPLE_COLUMNS, t, strict=True)) for t in rows])
    else:
        body = ox.serialize(rows, format=GRAPH_FORMATS[fmt]) or b""
    return Outcome(body, form, fmt, truncated=truncated, truncated_by=truncated_by,
                   count=len(rows))


class ReleaseStores:
    """The store of the release last asked for, reopened (read-only) when the release changes."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.store: ox.Store | RemoteStore | None = None

    def get(self, release_path: str) -> ox.Store | RemoteStore:
        if self.store is None or release_path != self.path:
            if isinstance(self.store, RemoteStore):
                self.store.close()
            self.store = None
            try:
                self.store = (RemoteStore.open(release_path) if is_remote(release_path)
                              else ox.Store.read_only(f"{release_path}/oxigraph"))
            except RemoteStoreError as exc:
                raise JobError("store", str(exc)) from None
            except OSError as exc:
                raise JobError("store", f"cannot open the store of {release_path}: {exc}") from None
            self.path = release_path
        return self.store


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process if its parent dies, even mid-query."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


#: rdflib's parser recurses a few dozen frames per nesting level; the lexer bounds the nesting
#: (setting max_query_depth), and at 20 000 frames a depth of 200 parses (docs/security.md).
RECURSION_LIMIT = 20_000


def _start_worker(confinement: Confinement, error_path: str | None) -> None:
    """Die with the parent, write errors to ``error_path``, and confine this process."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the web process's to handle
    if error_path:  # the engine's last words (an allocation failure) are read by the pool
        fd = os.open(error_path, os.O_WRONLY | os.O_APPEND)
        os.dup2(fd, 2)
        os.close(fd)
    sys.setrecursionlimit(RECURSION_LIMIT)
    confine(confinement)


def serve_jobs(conn: Connection, confinement: Confinement = Confinement(),  # noqa: B008
               error_path: str | None = None) -> None:
    """Worker main loop: read a job, answer it, until the pipe closes."""
    try:
        _start_worker(confinement, error_path)
    except OSError as exc:
        conn.send(("error", "confine", f"the query worker cannot confine itself: {exc}"))
        return
    import kgcase.web.gate  # noqa: F401  (rdflib's grammar, built before the first query)

    stores = ReleaseStores()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:  # a readiness ping
            conn.send(("ok", None))
            continue
        try:
            store = stores.get(job.release_path)
            reply: tuple[Any, ...] = ("ok", execute(store, job))
        except JobError as exc:
            reply = ("error", exc.kind, str(exc))
        except MemoryError:
            reply = ("error", "memory", "")
        # The worker must outlive any engine failure to keep serving; the web process turns
        # this into a 500 (not a 400): nothing here blames the client.
        except Exception as exc:
            reply = ("error", "internal", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


def apply_update(source: str, target: str, update: Normalised, conn: Connection) -> None:
    """Check ``update`` (normalised in the web process) with the gate, copy release ``source``
    to ``target`` (a cheap RocksDB backup), apply its text there and report the new triple
    counts. Runs in a one-shot process that the web process can kill, with no network."""
    try:
        _start_worker(Confinement(), None)
        from kgcase.web.gate import check_update

        check_update(update.text, service_words=update.service_words,
                     load_words=update.load_words)
        ox.Store.read_only(f"{source}/oxigraph").backup(f"{target}/oxigraph")
        store = ox.Store(f"{target}/oxigraph")
        store.update(update.text)
        graphs = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g))
                  for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        store.flush()
        conn.send(("ok", len(store), graphs))
    except QueryRefusedError as exc:
        conn.send(("error", "refused", str(exc)))
    except (SyntaxError, QuerySyntaxError) as exc:
        conn.send(("error", "syntax", str(exc)))
    except (OSError, ValueError) as exc:
        conn.send(("error", "store", str(exc)))
    except Exception as exc:  # reported to the client as a 500, without a traceback in the log
        conn.send(("error", "internal", f"{type(exc).__name__}: {exc}"))
