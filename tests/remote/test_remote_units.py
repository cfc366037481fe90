"""The remote backend's pure parts: the store URL, the selector, parameter binding, chunking."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from kgcase.config import load_settings
from kgcase.errors import StoreUnavailableError
from kgcase.store import EmbeddedStore, open_store
from kgcase.store.binding import bind_values, term_n3
from kgcase.store.remote import (
    RemoteRefusedError,
    RemoteStore,
    boolean_variables,
    has_repeated_path,
    parse_store_url,
    query_form,
)
from kgcase.store.remote_load import RemoteLoadError, split_chunks, staging_graph
from kgcase.web.gate import check_query
from kgcase.web.service import QueryService
from kgcase.web.worker import Job, execute

pytestmark = pytest.mark.remote


def test_store_url_defaults_per_dialect():
    ox_ = parse_store_url("sparql+http://127.0.0.1:7878/query?dialect=oxigraph")
    assert (ox_.query_url, ox_.update_url, ox_.gsp_url, ox_.gsp_param, ox_.auth) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store", "graph", "basic")
    assert ox_.atomic_put and ox_.row_limit is None
    generic = parse_store_url("sparql+https://h/ds/sparql?update=/ds/update&gsp=/ds/data"
                              "&auth=none&chunk_triples=10&key=v")
    assert generic.query_url == "https://h/ds/sparql?key=v"  # other parameters stay
    assert (generic.update_url, generic.gsp_url, generic.auth, generic.chunk_triples) == (
        "https://h/ds/update", "https://h/ds/data", "none", 10)
    assert not generic.atomic_put


@pytest.mark.parametrize(("url", "fragment"), [
    ("sparql+http://h/sparql?dialect=blazegraph", "dialect 'blazegraph' is unknown"),
    ("sparql+http://dba:secret@h/sparql", "KGCASE_STORE_PASSWORD"),
    ("sparql+http://h/sparql?auth=kerberos", "auth 'kerberos'"),
    ("sparql+http://h/sparql?row_limit=many", "integers"),
    ("http://h/sparql", "not a remote store"),
])
def test_store_url_errors_say_what_to_write(url, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_store_url(url)


def test_open_store_selects_by_descriptor(built_data_dir):
    for descriptor in (built_data_dir, str(built_data_dir), f"oxigraph:{built_data_dir}"):
        store = open_store(descriptor)
        assert isinstance(store, EmbeddedStore)
        store.close()
    with pytest.raises(ValueError, match="sparql\\+http"):
        open_store("ftp://example.org/x")
    with pytest.raises(StoreUnavailableError, match="cannot reach"):
        open_store("sparql+http://127.0.0.1:9/sparql", timeout_s=2)


def test_service_refuses_a_store_setting_it_cannot_use(tmp_path):
    with pytest.raises(StoreUnavailableError, match="sparql\\+http"):
        QueryService(load_settings({"store": "virtuoso:8890"}, environ={}))


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { VALUES (?d) { (<urn:d>) } ?x ?p ?o }"),
    ("SELECT (COUNT(*) AS ?n) { ?x ?p ?o }",
     "SELECT (COUNT(*) AS ?n) { VALUES (?d) { (<urn:d>) } ?x ?p ?o }"),
    ("CONSTRUCT { ?x ?p '}' } WHERE { ?x ?p ?o }",
     "CONSTRUCT { ?x ?p '}' } WHERE { VALUES (?d) { (<urn:d>) } ?x ?p ?o }"),
    ("CONSTRUCT WHERE { ?x ?p ?o }", "CONSTRUCT WHERE { VALUES (?d) { (<urn:d>) } ?x ?p ?o }"),
    ("PREFIX a: <urn:x> # { comment\nSELECT * WHERE { ?x a:p \"{\" }",
     "PREFIX a: <urn:x> # { comment\nSELECT * WHERE { VALUES (?d) { (<urn:d>) } ?x a:p \"{\" }"),
])
def test_bind_values_at_the_head_of_the_where_group(query, expected):
    assert bind_values(query, {"d": ox.NamedNode("urn:d")}) == expected


@pytest.mark.parametrize(("term", "n3"), [
    (ox.Literal('a"b\nc"'), '"""a"b\nc\\""""'),  # rdflib's long string, last quote escaped
    (ox.Literal("x", language="en-gb"), '"x"@en-gb'),
    (ox.Literal("007", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
     '"007"^^<http://www.w3.org/2001/XMLSchema#integer>'),
])
def test_terms_are_serialised_by_rdflib(term, n3):
    assert term_n3(term) == n3


@pytest.mark.parametrize("iri", ["urn:a> } ; DROP ALL ; <urn:b", "urn:a b", "urn:a\"b"])
def test_iris_that_could_break_out_cannot_be_bound(iri):
    """pyoxigraph refuses them as terms (term_n3 checks again before serialising)."""
    with pytest.raises(ValueError):
        bind_values("SELECT * WHERE { }", {"x": ox.NamedNode(iri)})


def test_chunks_keep_blank_nodes_together_and_dedupe():
    data = (b"<urn:a> <urn:p> _:x .\n_:x <urn:q> _:y .\n_:y <urn:r> \"1\" .\n"
            b"<urn:a> <urn:p> _:x .\n<urn:b> <urn:p> \"2\" .\n<urn:c> <urn:p> \"3\" .\n")
    chunks, total = split_chunks("urn:g", data, 2)
    assert total == 5
    assert [c.triples for c in chunks] == [3, 2]  # the blank-node group is never split
    assert [c.has_blank_nodes for c in chunks] == [True, False]


def test_malformed_ntriples_name_graph_and_line():
    with pytest.raises(RemoteLoadError, match=r"graph <urn:g>: not valid N-Triples.*line 2"):
        split_chunks("urn:g", b"<urn:a> <urn:p> <urn:o> .\n<urn:a> <urn:p> .\n", 10)


def test_staging_graph_iri():
    assert staging_graph("https://w3id.org/kgcase/graph/ontology", "r1") == (
        "https://w3id.org/kgcase/graph/ontology?staging=r1")
    assert staging_graph("urn:g?x=1", "r1") == "urn:g?x=1&staging=r1"


class _Handler(BaseHTTPRequestHandler):
    """A fake store: slow, or an answer Virtuoso cut short ("anytime" query)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/slow":
            time.sleep(3)
        body = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if self.path == "/anytime":
            self.send_header("X-SQL-State", "S1TAT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_store():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"sparql+http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_store_that_does_not_answer_in_time_is_unavailable(fake_store):
    store = RemoteStore(f"{fake_store}/slow", timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match=r"did not answer within 0\.5 s"):
        store.select("SELECT ?x WHERE { }")
    assert time.monotonic() - started < 2.5
    store.close()


def test_an_answer_cut_short_by_the_store_is_refused(fake_store):
    store = RemoteStore(f"{fake_store}/anytime?dialect=virtuoso")
    with pytest.raises(StoreUnavailableError, match=r"cut the answer short.*S1TAT"):
        store.select("SELECT ?x WHERE { }")
    store.close()


def test_virtuoso_extensions_are_not_forwarded(fake_store):
    store = RemoteStore(f"{fake_store}/?dialect=virtuoso")
    for query in ("PREFIX b: <bif:> SELECT (b:now() AS ?x) WHERE { }",
                  "SELECT (sql:RDF_GRAPH_GROUP_CREATE('g', 1) AS ?x) WHERE { }"):
        with pytest.raises(RemoteRefusedError):
            store.select(query)
    store.close()


def test_a_query_text_is_parsed_once_whatever_its_parameter_values(fake_store):
    """The bound text is new for each value; the form is read from the unbound text."""
    store = RemoteStore(f"{fake_store}/?dialect=virtuoso")
    sparql = "SELECT ?x WHERE { ?x <urn:p> ?drug . FILTER(BOUND(?x)) } # parsed once"
    query_form.cache_clear()
    for i in range(5):
        store.query(sparql, substitutions={ox.Variable("drug"): ox.NamedNode(f"urn:d{i}")})
    assert query_form.cache_info().misses == 1
    store.close()


def test_a_query_the_gate_parsed_is_not_parsed_again_for_the_store(fake_store):
    """The gate's parse says the form and the boolean variables; the worker passes them on."""
    sparql = ("SELECT ?x ?big WHERE { ?x <urn:p> ?a BIND(?a > 1 AS ?big) "
              "BIND(STR(?a) AS ?text) } # gate only")
    checked = check_query(sparql)
    assert (checked.form, checked.booleans) == ("select", ("big",))
    assert boolean_variables(sparql) == {"big"}  # what the store would have found itself
    store = RemoteStore(f"{fake_store}/?dialect=virtuoso")
    query_form.cache_clear()
    boolean_variables.cache_clear()
    job = Job(release_path="unused", sparql=sparql, select_fmt="json", graph_fmt=None,
              max_rows=10, form=checked.form, booleans=checked.booleans,
              bindings=(("x", ox.NamedNode("urn:d1")),))
    assert execute(store, job).form == "select"
    assert query_form.cache_info().misses == boolean_variables.cache_info().misses == 0
    execute(store, Job(release_path="unused", sparql=sparql, select_fmt="json",
                       graph_fmt=None, max_rows=10))  # a job without them: parsed here
    assert query_form.cache_info().misses == boolean_variables.cache_info().misses == 1
    store.close()


@pytest.mark.parametrize(("sparql", "expected"), [
    ("SELECT * WHERE { ?c rdfs:subClassOf* <urn:x> }", True),
    ("SELECT * WHERE { ?s <urn:p>+ ?o }", True),
    ("SELECT * WHERE { ?l (rdf:rest)*/rdf:first ?x }", True),
    ("SELECT * WHERE { ?s a* ?o }", True),
    ("SELECT * WHERE { ?s a ?o }", False),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> \"a*\" } # rdfs:subClassOf*", False),
    ("SELECT (?a+1 AS ?b) WHERE { ?s <urn:p> ?a }", False),
    ("SELECT (STRLEN(?x) + 1 AS ?n) WHERE { ?s <urn:p> ?x }", False),
])
def test_repeated_paths_are_found_outside_strings_and_comments(sparql, expected):
    """Virtuoso gets no graph excludes on these (they make it answer nothing)."""
    assert has_repeated_path(sparql) is expected
