"""The remote backend: any SPARQL 1.1 store over HTTP (Oxigraph server, Virtuoso, Fuseki, …).

A store is named by one descriptor (the ``store`` setting, ``KGCASE_STORE``)::

    sparql+http://127.0.0.1:7878/query?dialect=oxigraph
    sparql+http://127.0.0.1:8890/sparql?dialect=virtuoso
    sparql+https://db.example.org/ds/sparql?update=/ds/update&gsp=/ds/data

The URL without ``sparql+`` and without the options below is the query endpoint. Options:
``dialect`` (``generic`` | ``oxigraph`` | ``virtuoso``: the defaults below and the quirks handled
here), ``update`` (SPARQL Update endpoint), ``gsp`` (Graph Store Protocol endpoint; without it,
loads use ``INSERT DATA``), ``auth`` (``basic`` | ``digest`` | ``none``), ``row_limit`` (a row cap
the server applies *silently*, e.g. Virtuoso's ``ResultSetMaxRows``: an answer that reaches it is
refused rather than served short) and ``chunk_triples`` (triples per load request). ``update`` and
``gsp`` may be paths on the same host. Credentials come from ``KGCASE_STORE_USER`` and
``KGCASE_STORE_PASSWORD``, never from the descriptor; reads are sent without them.

Every answer is normalised to pyoxigraph terms (Virtuoso's ``typed-literal``, ``xsd:string``
datatypes), so callers get the same rows from every backend. Parameters are bound with a
``VALUES`` block of validated terms serialised by rdflib's ``.n3()``, never pasted.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pyoxigraph as ox
import requests

from kgcase.errors import StoreUnavailableError
from kgcase.iris import mint
from kgcase.store.base import Release, rows_from_solutions
from kgcase.store.binding import SKIP, XSD_STRING, bind_values, term_n3

SCHEMES = ("sparql+http://", "sparql+https://")
DIALECTS = ("generic", "oxigraph", "virtuoso")
USER_ENV, PASSWORD_ENV = "KGCASE_STORE_USER", "KGCASE_STORE_PASSWORD"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RESULTS_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded; charset=UTF-8"
GRAPH_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES,
               "text/plain": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}
STAGING = "staging="
SORTED_PAGE = 10_000  #: rows per page of an ordered listing
#: Virtuoso's SQL-level extensions reachable from SPARQL: never forwarded.
_VIRTUOSO_EXTENSIONS = re.compile(r"\b(bif|sql)\s*:|<\s*(bif|sql):|\bdefine\s", re.IGNORECASE)
_BNODE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?<!\.)")
_BNODE_CHAR = re.compile(r"[^A-Za-z0-9_]")


class RemoteStoreError(StoreUnavailableError):
    """The remote store refused a request, failed, or is misconfigured (503)."""


class RemoteQueryError(SyntaxError):
    """The remote store rejected the query itself (HTTP 400): the client's to fix."""


class RemoteRefusedError(ValueError):
    """A query that kgcase will not forward to this store (e.g. Virtuoso's SQL extensions)."""


@dataclass(frozen=True)
class RemoteConfig:
    """What a ``sparql+http(s)://`` descriptor says: endpoints, dialect, auth and limits."""

    query_url: str
    update_url: str
    gsp_url: str | None
    gsp_param: str
    dialect: str
    auth: str
    row_limit: int | None
    chunk_triples: int

    @property
    def atomic_put(self) -> bool:
        """A Graph Store PUT replaces a graph in one transaction (measured: Oxigraph only)."""
        return self.dialect == "oxigraph" and self.gsp_url is not None


def is_remote(descriptor: object) -> bool:
    """Whether ``descriptor`` names a remote store."""
    return isinstance(descriptor, str) and descriptor.startswith(SCHEMES)


def parse_store_url(descriptor: str) -> RemoteConfig:
    """Read a ``sparql+http(s)://…`` descriptor (see the module docstring).

    >>> c = parse_store_url("sparql+http://127.0.0.1:8890/sparql?dialect=virtuoso")
    >>> c.update_url, c.auth, c.row_limit
    ('http://127.0.0.1:8890/sparql-auth', 'digest', 10000)
    >>> c.gsp_url
    'http://127.0.0.1:8890/sparql-graph-crud-auth'
    """
    if not is_remote(descriptor):
        raise ValueError(f"{descriptor!r} is not a remote store: write sparql+http(s)://…")
    parts = urlsplit(descriptor.removeprefix("sparql+"))
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    known = {"dialect", "update", "gsp", "auth", "row_limit", "chunk_triples"}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in known]
    query_url = urlunsplit(parts._replace(query=urlencode(kept), fragment=""))
    base = urlunsplit(parts._replace(path="", query="", fragment=""))
    dialect = options.get("dialect", "generic")
    if dialect not in DIALECTS:
        raise ValueError(f"store dialect {dialect!r} is unknown; use one of {', '.join(DIALECTS)}")
    if parts.username or parts.password:
        raise ValueError(f"put no credentials in the store URL: set {USER_ENV} and {PASSWORD_ENV}")
    defaults = {
        "oxigraph": (base + "/update", base + "/store", "graph", "basic", None, 50000),
        "virtuoso": (query_url.split("?")[0] + "-auth", base + "/sparql-graph-crud-auth",
                     "graph-uri", "digest", 10000, 20000),
        "generic": (query_url, None, "graph", "basic", None, 20000),
    }[dialect]
    update, gsp = options.get("update"), options.get("gsp")
    auth = options.get("auth", defaults[3])
    if auth not in ("basic", "digest", "none"):
        raise ValueError(f"store auth {auth!r} is unknown; use basic, digest or none")
    try:
        row_limit = int(options["row_limit"]) if "row_limit" in options else defaults[4]
        chunk = int(options.get("chunk_triples", defaults[5]))
    except ValueError:
        raise ValueError("row_limit and chunk_triples must be integers") from None
    return RemoteConfig(
        query_url=query_url,
        update_url=urljoin(base + "/", update) if update else defaults[0],
        gsp_url=(urljoin(base + "/", gsp) if gsp else defaults[1]),
        gsp_param=defaults[2],
        dialect=dialect, auth=auth, row_limit=row_limit or None, chunk_triples=max(chunk, 1),
    )


def graph_namespace() -> str:
    """The IRI prefix of kgcase's named graphs (``<base>graph/``)."""
    return mint("graph") + "/"


def is_kgcase_graph(iri: str) -> bool:
    """A live kgcase graph: under the graph namespace and not a staging graph."""
    return iri.startswith(graph_namespace()) and STAGING not in iri


# --- Virtuoso: property paths -----------------------------------------------------------------

#: A path element with a ``*`` or ``+`` attached: a prefixed name, ``a`` or a ``)`` right before it
#: (``?x)+ 1`` in arithmetic is written with spaces; a path modifier is not, in practice).
_PATH_REPEAT = re.compile(r"(?:(?<![?$\w])(?:(?:[A-Za-z][\w.-]*)?:[\w.-]*|a)|\))[*+]")


@lru_cache(maxsize=1024)
def has_repeated_path(sparql: str) -> bool:
    """Does the query hold a ``*`` or ``+`` property path (strings, IRIs, comments skipped)?

    >>> has_repeated_path('SELECT * WHERE { ?c rdfs:subClassOf* <urn:x> }')
    True
    >>> has_repeated_path('SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> "a*" } # p+')
    False
    """
    position = 0
    while position < len(sparql):
        skipped = SKIP.match(sparql, position)
        if skipped:
            # an IRI followed by * or + is a path step; a string or comment never is
            if skipped.group().startswith("<") and sparql[skipped.end():skipped.end() + 1] in "*+":
                return True
            position = skipped.end()
            continue
        if _PATH_REPEAT.match(sparql, position):
            return True
        position += 1
    return False


# --- answers, normalised to pyoxigraph terms -----------------------------------------------------

def _normalise_binding(value: dict[str, Any], boolean: bool = False) -> dict[str, Any]:
    if value.get("type") == "typed-literal":  # Virtuoso's pre-standard name
        value = {**value, "type": "literal"}
    elif value.get("type") == "bnode" and not _BNODE_ID.fullmatch(value["value"]):
        value = {**value, "value": _BNODE_CHAR.sub("_", value["value"])}  # nodeID://b1
    if boolean and value.get("datatype") == XSD_INTEGER and value.get("value") in ("0", "1"):
        return {"type": "literal", "datatype": XSD_BOOLEAN,
                "value": "true" if value["value"] == "1" else "false"}
    if value.get("type") == "literal" and value.get("datatype") == XSD_STRING:
        value = {k: v for k, v in value.items() if k != "datatype"}
    return value


@lru_cache(maxsize=1024)
def query_form(sparql: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``, from rdflib's parser."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    with _PARSER:
        try:
            parsed = parseQuery(sparql)
        except ParseException as exc:
            raise RemoteQueryError(f"SPARQL syntax error: {exc}") from None
    return parsed[1].name.removesuffix("Query").lower()


_PARSER = threading.Lock()
#: Expressions whose value is a boolean (Virtuoso answers them as xsd:integer 1/0).
_BOOLEAN_EXPRESSIONS = {
    "RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression", "UnaryNot",
    "Builtin_EXISTS", "Builtin_NOTEXISTS", "Builtin_sameTerm", "Builtin_isIRI", "Builtin_isURI",
    "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_isNUMERIC", "Builtin_BOUND", "Builtin_REGEX",
    "Builtin_CONTAINS", "Builtin_STRSTARTS", "Builtin_STRENDS", "Builtin_LANGMATCHES",
}


def boolean_bindings(algebra: Any) -> frozenset[str]:
    """Variables an rdflib algebra tree binds (``BIND``, ``SELECT (… AS ?v)``) to a boolean."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            expr = node.get("expr") if node.name == "Extend" else None
            if isinstance(expr, CompValue) and expr.name in _BOOLEAN_EXPRESSIONS:
                found.add(str(node["var"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(algebra)
    return frozenset(found)


@lru_cache(maxsize=1024)
def boolean_variables(sparql: str) -> frozenset[str]:
    """:func:`boolean_bindings` of a query text (empty if rdflib cannot resolve it)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    with _PARSER:
        try:
            algebra = translateQuery(parseQuery(sparql)).algebra
        except Exception:  # a query rdflib cannot resolve: the store will say what is wrong
            return frozenset()
    return boolean_bindings(algebra)


class _Shape(NamedTuple):
    """What a query text is, as far as the backend needs to know (from the unbound text)."""

    form: str
    repeated_path: bool
    booleans: frozenset[str]


class RemoteStore:
    """A SPARQL 1.1 store over HTTP, with the interface of :class:`~kgcase.store.GraphStore`.

    ``query`` mirrors ``pyoxigraph.Store.query`` (same keyword options, same result types), so
    the service's workers run the same code on both backends.
    """

    def __init__(self, descriptor: str, *, timeout_s: float = 30.0, user: str | None = None,
                 password: str | None = None, release: Release | None = None) -> None:
        self.descriptor = descriptor
        self.config = parse_store_url(descriptor)
        self.timeout_s = timeout_s
        self.release = release
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "kgcase"
        user = os.environ.get(USER_ENV, "") if user is None else user
        password = os.environ.get(PASSWORD_ENV, "") if password is None else password
        self._auth: Any = None
        if user and self.config.auth != "none":
            self._auth = (requests.auth.HTTPDigestAuth(user, password)
                          if self.config.auth == "digest" else (user, password))
        self._foreign: tuple[float, tuple[str, ...]] = (0.0, ())
        self._foreign_ttl = 10.0
        self._checked = False

    @classmethod
    def open(cls, descriptor: str, **options: Any) -> RemoteStore:
        """Open and check the store: it answers, and its default graph is the union (Oxigraph)."""
        store = cls(descriptor, **options)
        store.check()
        return store

    # -- HTTP ------------------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, timeout: float | None = None, auth: bool = False,
              **kwargs: Any) -> requests.Response:
        """One request; HTTP errors become RemoteQueryError (400) or RemoteStoreError (else)."""
        limit = self.timeout_s if timeout is None else timeout
        try:
            response = self.session.request(method, url, timeout=(min(10.0, limit), limit),
                                            auth=self._auth if auth else None, **kwargs)
        except requests.Timeout:
            raise RemoteStoreError(f"the store at {url} did not answer within {limit:g} s "
                                   "(setting timeout_s)") from None
        except requests.ConnectionError as exc:
            raise RemoteStoreError(f"cannot reach the store at {url}: {exc}") from None
        if response.status_code == 400:
            raise RemoteQueryError(f"the store rejected the query: {_message(response)}")
        if response.status_code in (401, 403):
            raise RemoteStoreError(
                f"the store at {url} refused access ({response.status_code}): check "
                f"{USER_ENV}/{PASSWORD_ENV} and the auth option ({self.config.auth})")
        if response.status_code >= 300:
            raise RemoteStoreError(f"the store at {url} answered {response.status_code}: "
                                   f"{_message(response)}")
        state = response.headers.get("X-SQL-State")  # Virtuoso: an "anytime" partial answer
        if state:
            raise RemoteStoreError(f"the store cut the answer short (X-SQL-State {state}: "
                                   f"{response.headers.get('X-SQL-Message', '')})")
        return response

    def _post_query(self, sparql: str, accept: str, params: list[tuple[str, str]]) -> Any:
        # A form POST: Virtuoso hangs on application/sparql-query bodies (reference/stores.md).
        # The charset is explicit: Virtuoso reads an unlabelled form as Latin-1.
        if self.config.dialect == "virtuoso":
            sparql = ascii_escaped(sparql)
        body = urlencode([("query", sparql), *params]).encode()
        return self._send("POST", self.config.query_url, data=body,
                          headers={"Accept": accept, "Content-Type": FORM})

    def update(self, update: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL Update on the update endpoint, with the credentials."""
        if self.config.dialect == "virtuoso":
            update = ascii_escaped(update)
        self._send("POST", self.config.update_url, data=urlencode({"update": update}).encode(),
                   headers={"Content-Type": FORM}, auth=True, timeout=timeout)

    def put_graph(self, graph: str, ntriples: bytes, *, timeout: float | None = None) -> None:
        """Graph Store PUT: replace ``graph`` with ``ntriples``."""
        self._gsp("PUT", graph, ntriples, timeout)

    def post_graph(self, graph: str, ntriples: bytes, *, timeout: float | None = None) -> None:
        """Graph Store POST (or INSERT DATA without a GSP endpoint): add ``ntriples``."""
        if self.config.gsp_url is None:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode()}\n}} }}",
                        timeout=timeout)
            return
        self._gsp("POST", graph, ntriples, timeout)

    def _gsp(self, method: str, graph: str, body: bytes, timeout: float | None) -> None:
        assert self.config.gsp_url is not None
        if self.config.dialect == "virtuoso":
            body = ascii_escaped(body.decode()).encode()
        self._send(method, self.config.gsp_url, params={self.config.gsp_param: graph}, data=body,
                   headers={"Content-Type": "application/n-triples"}, auth=True, timeout=timeout)

    # -- queries ---------------------------------------------------------------------------------

    def check(self) -> None:
        """Fail early on a store that is down, or an Oxigraph server without the union graph."""
        if self._checked:
            return
        if self.config.dialect == "oxigraph":
            union = self._ask_raw("ASK { ?s ?p ?o }")
            if not union and self._ask_raw("ASK { GRAPH ?g { ?s ?p ?o } }"):
                raise RemoteStoreError(
                    f"{self.config.query_url}: the default graph is not the union of the named "
                    "graphs; start the server with `oxigraph serve --union-default-graph`")
        else:
            self._ask_raw("ASK {}")
        self._checked = True

    def _ask_raw(self, sparql: str) -> bool:
        return bool(json.loads(self._post_query(sparql, RESULTS_JSON, []).content)["boolean"])

    def _foreign_graphs(self) -> tuple[str, ...]:
        """Virtuoso: graphs that are not kgcase's (its system graphs, staging).

        Cached for 10 s, or 20 times as long as the listing took, whichever is longer, so that
        on a large store the listing costs at most a twentieth of one worker's time."""
        at, graphs = self._foreign
        if time.monotonic() - at > self._foreign_ttl:
            started = time.monotonic()
            namespace = json.dumps(graph_namespace())  # a JSON string is a SPARQL string here
            names = self._graph_names(f"!STRSTARTS(STR(?g), {namespace}) "
                                      f"|| CONTAINS(STR(?g), {json.dumps(STAGING)})")
            graphs = tuple(sorted(g for g in names if not is_kgcase_graph(g)))
            self._foreign_ttl = max(10.0, 20 * (time.monotonic() - started))
            self._foreign = (time.monotonic(), graphs)
        return graphs

    def _graph_names(self, condition: str = "") -> list[str]:
        """The store's graph names (those meeting ``condition`` on ``?g``, if given).

        ``GROUP BY ?g`` and a ``HAVING`` that reads an aggregate: Virtuoso 7.2 answers that from
        its graph index (0.3 s for 10 000 graphs), while it tests a ``FILTER`` on ``?g`` quad by
        quad (18 s; ``DISTINCT``: over 60 s). Under a server row limit, in pages that each start
        after the last name of the one before (Virtuoso refuses an ``OFFSET`` past its limit).
        """
        def query(after: str | None) -> str:
            tests = [f"({condition})"] if condition else []
            if after is not None:
                tests.append(f"STR(?g) > {json.dumps(after)}")
            having = (f" HAVING(IF(COUNT(*) > 0, {' && '.join(tests)}, false))" if tests else "")
            return f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g{having}"

        if self.config.row_limit is None:
            return self._names(query(None))
        # Virtuoso also refuses to sort more than 10 000 rows for a LIMIT (SR353)
        page = min(self.config.row_limit, SORTED_PAGE)
        names: list[str] = []
        while True:
            batch = self._names(f"{query(names[-1] if names else None)} "
                                f"ORDER BY STR(?g) LIMIT {page - 1}")
            names += batch
            if len(batch) < page - 1:
                return names

    def _names(self, query: str) -> list[str]:
        body = self._post_query(query, RESULTS_JSON, []).content
        rows = json.loads(body)["results"]["bindings"]
        return [b["g"]["value"] for b in rows if "g" in b]

    def query(self, sparql: str, *, use_default_graph_as_union: bool = False,
              default_graph: list[ox.NamedNode] | None = None,
              named_graphs: list[ox.NamedNode] | None = None,
              substitutions: Mapping[ox.Variable, Any] | None = None,
              max_rows: int | None = None, form: str | None = None,
              booleans: frozenset[str] | None = None) -> Any:
        """Run a query as ``pyoxigraph.Store.query`` would, on the remote store.

        :param max_rows: the caller reads at most this many rows (plus one): a server row cap
            above it cannot cut the answer short unnoticed.
        :param form: ``select``, ``ask``, ``construct`` or ``describe`` when the caller has
            parsed the query already (the service's gate has); else it is parsed here.
        :param booleans: the variables bound to a boolean expression, likewise.
        :raises RemoteQueryError: the store rejected the query (a ``SyntaxError``).
        :raises RemoteRefusedError: a query kgcase does not forward (a ``ValueError``).
        :raises RemoteStoreError: the store failed or did not answer in time (an ``OSError``-like
            503 for the service).
        """
        if self.config.dialect == "virtuoso" and _VIRTUOSO_EXTENSIONS.search(sparql):
            raise RemoteRefusedError("Virtuoso extensions (DEFINE, bif:, sql:) are not forwarded")
        virtuoso = self.config.dialect == "virtuoso"
        # What the text is, read once from the unbound (hence cached) text: rdflib's parser
        # takes 13-55 ms on a named query (300 ms for the first), and a bound text is new for
        # each parameter value. The service's gate has parsed it already and says so.
        if booleans is None:
            booleans = boolean_variables(sparql) if virtuoso else frozenset()
        shape = _Shape(form or query_form(sparql), has_repeated_path(sparql), booleans)
        if not substitutions:
            return self._run(sparql, shape, default_graph, named_graphs,
                             use_default_graph_as_union, max_rows)
        terms = {v.value: t for v, t in substitutions.items()}
        try:
            return self._run(bind_values(sparql, terms, as_bind=virtuoso), shape,
                             default_graph, named_graphs, use_default_graph_as_union, max_rows)
        except RemoteQueryError as exc:
            if not (virtuoso and "Internal error" in str(exc)):
                raise
        # Virtuoso's compiler fails on some BINDs ("SP031 … Internal error"): VALUES, then.
        return self._run(bind_values(sparql, terms), shape, default_graph, named_graphs,
                         use_default_graph_as_union, max_rows)

    def _run(self, sparql: str, shape: _Shape,
             default_graph: list[ox.NamedNode] | None, named_graphs: list[ox.NamedNode] | None,
             union: bool, max_rows: int | None) -> Any:
        form, booleans = shape.form, shape.booleans
        params: list[tuple[str, str]] = []
        if default_graph is not None or named_graphs is not None:
            params += [("default-graph-uri", g.value) for g in default_graph or ()]
            params += [("named-graph-uri", g.value) for g in named_graphs or ()]
        elif union and self.config.dialect == "virtuoso" and not shape.repeated_path:
            # With any default-graph-exclude, Virtuoso 7.2 answers nothing for many queries
            # with a * or + path; those read its few system graphs too (docs/deploy.md).
            excluded = "".join(f"DEFINE input:default-graph-exclude {term_n3(ox.NamedNode(g))}\n"
                               for g in self._foreign_graphs())
            sparql = excluded + sparql
        if form in ("select", "ask"):
            response = self._post_query(sparql, RESULTS_JSON, params)
            return self._solutions(response.content, form, max_rows, booleans)
        accept = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
        response = self._post_query(sparql, accept, params)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind not in GRAPH_TYPES:
            raise RemoteStoreError(f"the store answered a {form.upper()} as {kind!r}")
        triples = [q.triple for q in ox.parse(response.content, format=GRAPH_TYPES[kind])]
        self._check_row_limit(len(triples), max_rows)
        return triples

    def _solutions(self, body: bytes, form: str, max_rows: int | None,
                   booleans: frozenset[str] = frozenset()) -> Any:
        doc = json.loads(body)
        if form == "ask":
            return ox.parse_query_results(json.dumps({"head": {}, "boolean": doc["boolean"]}),
                                          format=ox.QueryResultsFormat.JSON)
        rows = doc["results"]["bindings"]
        self._check_row_limit(len(rows), max_rows)
        if max_rows is not None:
            rows = rows[: max_rows + 1]
        clean = {"head": {"vars": doc["head"].get("vars", [])},
                 "results": {"bindings": [{k: _normalise_binding(v, k in booleans)
                                           for k, v in row.items()} for row in rows]}}
        return ox.parse_query_results(json.dumps(clean), format=ox.QueryResultsFormat.JSON)

    def _check_row_limit(self, count: int, max_rows: int | None) -> None:
        cap = self.config.row_limit
        if cap is not None and count >= cap and (max_rows is None or max_rows >= cap):
            raise RemoteStoreError(
                f"the store returned {count} rows, its own silent row limit (row_limit={cap}, "
                "Virtuoso's ResultSetMaxRows): the answer may be cut short; raise that limit "
                "on the server and row_limit in the store URL, or narrow the query")

    # -- the GraphStore interface ----------------------------------------------------------------

    def select(self, sparql: str, *,
               bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
               ) -> list[dict[str, Any]]:
        """Run a SELECT; each row maps variable name -> pyoxigraph term (unbound left out)."""
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return rows_from_solutions(self.query(sparql, use_default_graph_as_union=True,
                                              substitutions=subs or None))

    def ask(self, sparql: str) -> bool:
        return bool(self.query(sparql, use_default_graph_as_union=True))

    def construct(self, sparql: str) -> Iterator[ox.Triple]:
        return iter(self.query(sparql, use_default_graph_as_union=True))

    def named_graphs(self) -> list[ox.NamedNode]:
        """kgcase's named graphs (the store's own and staging graphs left out)."""
        return [ox.NamedNode(g) for g in sorted(self._graph_names()) if is_kgcase_graph(g)]

    def graphs(self) -> list[str]:
        return [g.value for g in self.named_graphs()]

    def triple_count(self, graph: str) -> int:
        """The number of triples in one named graph."""
        body = self._post_query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> "
                                "{ ?s ?p ?o } }", RESULTS_JSON, []).content
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    def close(self) -> None:
        self.session.close()


def ascii_escaped(text: str) -> str:
    r"""``text`` with every non-ASCII character as a ``\uXXXX`` / ``\UXXXXXXXX`` escape.

    Valid in N-Triples and SPARQL alike; Virtuoso misreads raw UTF-8 in both (as Latin-1).

    >>> print(ascii_escaped("a → b"))
    a \u2192 b
    """
    return _NON_ASCII.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _message(response: requests.Response) -> str:
    text = " ".join(response.text.split())
    return text[:500] or response.reason
