"""The home page, the named queries as forms with result tables, and the SPARQL editor page
(search is in :mod:`kgcase.web.pages.search`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, current_app, request, url_for

from kgcase.errors import KgcaseError, QueryParameterError, quoted
from kgcase.iris import CurieError, expand_curie
from kgcase.queries import evidence_args
from kgcase.web.api import ServedQuery, get_catalogue
from kgcase.web.binding import bind_with_values
from kgcase.web.errors import QuerySyntaxError, UnknownQueryError
from kgcase.web.gate import prepare_query
from kgcase.web.kinds import check_kinds
from kgcase.web.lexer import locate
from kgcase.web.pages import sparqltext as Q
from kgcase.web.pages.model import Ref, Value, first_labels, literal, ref
from kgcase.web.pages.rdfdoc import EDITOR_PREFIXES
from kgcase.web.pages.respond import INLINE_STYLE_CSP, html
from kgcase.web.pages.runner import Node, iri, select, values_block
from kgcase.web.service import Plan, get_service
from kgcase.web.urls import public_base
from kgcase.web.worker import Outcome

EXAMPLES = "kgcase_pages_examples"
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes shown as plain numbers in result tables.
NUMERIC = frozenset(_XSD + t for t in ("integer", "decimal", "double", "float", "long", "int",
                                       "short", "nonNegativeInteger", "positiveInteger"))
EDITOR_START = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kg: <https://w3id.org/kgcase/>

# drugs given in the case reports, with how many exposures
SELECT ?drug ?label (COUNT(?exposure) AS ?exposures) WHERE {
  ?exposure kg:KGCASE_0001007 ?drug .
  ?drug rdfs:label ?label .
} GROUP BY ?drug ?label ORDER BY DESC(?exposures)
"""


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Value | None]]
    truncated: bool = False
    form: str = "select"
    boolean: bool | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)
    #: Per row, the URL of the named question listing what it counts (a header's evidence).
    evidence: list[str | None] = field(default_factory=list)
    evidence_label: str = ""


def home() -> Response:
    """What is in the graph, search, the named queries, links to the editor and downloads."""
    rows = select(Q.HOME)
    parts: dict[str, list[dict[str, Node]]] = {}
    for row in rows:
        parts.setdefault(row["part"].value, []).append(row)
    labels = first_labels(rows, "x", "xl")

    def counted(part: str) -> list[tuple[Ref, int, int]]:
        items = [(ref(r["x"].value, labels.get(r["x"].value)), int(r["n"].value),
                  int(r["np"].value) if "np" in r else 0) for r in parts.get(part, [])]
        return sorted(items, key=lambda c: (-c[1], c[0].label.lower()))

    release = get_service().watcher.current()
    cases = sorted((ref(r["x"].value, labels.get(r["x"].value)) for r in parts.get("case", [])),
                   key=lambda c: c.label)
    ontology = [(ref(r["x"].value, labels.get(r["x"].value)), r["v"].value)
                for r in parts.get("owl", [])]
    queries = _catalogue()
    defaults = [{p.name: p.default or "" for p in s.named.params} for s in queries]
    return html("home.html", classes=counted("class"), drugs=counted("drug"), cases=cases,
                terms=counted("ontology"), ontology=ontology, release=release.release,
                release_id=release.id, queries=queries, chosen=value_labels(defaults))


def value_labels(forms: list[dict[str, str]]) -> dict[str, str]:
    """Labels of the terms named in query forms (CURIEs or IRIs), by the text as written."""
    iris: dict[str, str] = {}
    for values in forms:
        for text in values.values():
            try:
                iris[text] = iri(text if text.startswith(("http://", "https://"))
                                 else expand_curie(text)).value
            except (CurieError, ValueError):
                continue
    if not iris:
        return {}
    rows = select(Q.LABELS.format(values=values_block("s", iris.values())))
    labels = first_labels(rows, "s", "l")
    return {text: labels[full] for text, full in iris.items() if full in labels}


def _catalogue() -> list[ServedQuery]:
    return [served for _, served in sorted(get_catalogue().items())]


def named_query_page(name: str) -> Response:
    """A named query as a form; with parameters given (or none needed), its results."""
    served = get_catalogue().get(name)
    if served is None:
        raise UnknownQueryError(f"no named query {quoted(name)}; available: "
                                f"{', '.join(sorted(get_catalogue())) or 'none'}")
    given = {k: v for k, v in request.args.items() if k != "run"}
    values = {p.name: given.get(p.name, p.default or "") for p in served.named.params}
    table, error, status = None, None, 200
    if "run" in request.args:
        try:
            bindings = served.named.bind(given)
            check_kinds(served.named, bindings, given)
            plan = Plan(sparql=served.named.sparql, checked=served.checked, select_fmt="json",
                        graph_fmt="json", bindings=tuple(sorted(bindings.items())),
                        values_binding=True)
            table = result_table(get_service().answer(plan).outcome,
                                 evidence_link(served, given))
            if served.named.evidence:
                ev = served.named.evidence
                table.evidence_label = ev.label + (
                    f" (the rows of {ev.query} with this row's "
                    f"{', '.join(source for _, source in ev.match)})" if ev.match else "")
            query = urlencode({**{k: v for k, v in given.items() if v}})
            table.downloads = [(f"/api/queries/{name}?{query}{'&' if query else ''}_format={f}",
                                label) for f, label in (("csv", "CSV"), ("tsv", "TSV"),
                                                        ("json", "JSON"))]
        except QueryParameterError as exc:
            error, status = str(exc), exc.status
    return html("query.html", status=status, served=served, values=values, table=table,
                error=error, chosen=value_labels([values]))


#: The editor page runs YASGUI, whose editor and tables set inline styles (CodeMirror measures
#: and places its parts with ``style`` attributes): this page allows inline *styles*.
EDITOR_CSP = INLINE_STYLE_CSP


def evidence_link(served: ServedQuery, given: Mapping[str, str]
                  ) -> Callable[[Mapping[str, str]], str | None] | None:
    """A row's link to the named question its header's ``evidence`` names, if it has one."""
    ev = served.named.evidence
    detail = get_catalogue().get(ev.query) if ev else None
    if ev is None or detail is None:
        return None
    defaults = {p.name: p.default for p in served.named.params}

    def link(row: Mapping[str, str]) -> str | None:
        args = evidence_args(detail.named, ev, row, given, defaults)
        return None if args is None else url_for("pages.named_query", name=ev.query, **args,
                                                 run="1")
    return link


def editor_page() -> Response:
    """The SPARQL workbench (YASGUI), with a plain form and a server-rendered table under it for
    browsers without JavaScript; named queries are its examples."""
    example = request.args.get("example")
    text = request.args.get("query")
    examples = _examples()
    if text is None:
        text = examples.get(example, (None, EDITOR_START))[1] if example else EDITOR_START
    table, error, status = None, None, 200
    if request.args.get("query") is not None and text.strip():
        try:
            table = run_editor_query(text)
        except KgcaseError as exc:
            error, status = str(exc), exc.status
    return html("editor.html", status=status, text=text, table=table, error=error,
                examples=examples, prefixes=EDITOR_PREFIXES, start=EDITOR_START,
                headers={"Content-Security-Policy": EDITOR_CSP})


def run_editor_query(text: str) -> Table:
    """Run a user's query as ``/sparql`` would (gate, time limit, row cap); a table back."""
    service = get_service()
    checked = prepare_query(text, max_depth=service.settings.max_query_depth)
    plan = Plan(sparql=checked.text, checked=checked, select_fmt="json", graph_fmt="json",
                client=request.remote_addr or "",
                base_iri=public_base(service.settings) + "/sparql")
    try:
        outcome = service.answer(plan).outcome
    except QuerySyntaxError as exc:
        raise QuerySyntaxError(locate(str(exc), text, service.settings.max_query_depth)
                               ) from None
    table = result_table(outcome)
    graph = table.form == "graph"
    formats = (("turtle", "Turtle"), ("ntriples", "N-Triples"), ("rdfxml", "RDF/XML"),
               ("jsonld", "JSON-LD")) if graph else (("csv", "CSV"), ("tsv", "TSV"),
                                                    ("json", "SPARQL JSON"), ("xml", "SPARQL XML"))
    table.downloads = [("/sparql?" + urlencode({"query": text, "format": f}), label)
                       for f, label in formats]
    return table


def _examples() -> dict[str, tuple[str, str]]:
    """Each named query with its default parameters bound by VALUES: ``name -> (title, text)``."""
    cached = current_app.extensions.get(EXAMPLES)
    if cached is None:
        cached = {}
        for name, served in sorted(get_catalogue().items()):
            defaults = {p.name: p.to_term(p.default) for p in served.named.params
                        if p.default is not None}
            text = bind_with_values(served.named.sparql, defaults)
            cached[name] = (served.named.title, strip_headers(text))
        current_app.extensions[EXAMPLES] = cached
    return cached


def strip_headers(text: str) -> str:
    """``text`` without its ``#+`` header lines (a named query's build headers).

    >>> strip_headers("#+ title: x\\n#+ params: []\\nSELECT * {}\\n")
    'SELECT * {}\\n'
    """
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith("#+")]
    return "".join(kept).lstrip("\n")


def result_table(outcome: Outcome | None,
                 evidence: Callable[[Mapping[str, str]], str | None] | None = None) -> Table:
    """A SPARQL JSON outcome as table cells, IRIs labelled by one batched query; ``evidence``
    gives each row its evidence link from its values (as text)."""
    if outcome is None:
        return Table([], [])
    doc = json.loads(outcome.body)
    if "boolean" in doc:
        return Table(["boolean"], [[Value(text=str(doc["boolean"]).lower())]],
                     form="ask", boolean=doc["boolean"])
    columns = doc["head"]["vars"]
    nodes = [{k: Node(v["type"], v["value"] if v["type"] != "triple" else json.dumps(v["value"]),
                      v.get("datatype"), v.get("xml:lang")) for k, v in b.items()}
             for b in doc["results"]["bindings"]]
    iris = [n.value for row in nodes for n in row.values() if n.is_iri][:500]
    labels: dict[str, str] = {}
    if iris:
        labels = first_labels(select(Q.LABELS.format(values=values_block("s", iris))), "s", "l")

    def cell(node: Node | None) -> Value | None:
        if node is None:
            return None
        if node.is_iri:
            return Value(ref=ref(node.value, labels.get(node.value)))
        if node.is_blank:
            return Value(text="_:" + node.value)
        if node.datatype in NUMERIC and node.number() is not None:
            return Value(text=node.value)  # a number reads as one: no xsd:integer tag
        return literal(node)

    shown = [c for c in columns if not (c.endswith("Label") and c[:-5] in columns)]
    rows = [[cell(row.get(c)) for c in shown] for row in nodes]
    table = Table(shown, rows, outcome.truncated, outcome.form)
    if evidence is not None:
        table.evidence = [evidence({k: n.value for k, n in row.items()}) for row in nodes]
    return table


def more_query(predicate: str, obj: str) -> str:
    """SPARQL listing every subject linked to ``obj`` by ``predicate`` (for the editor link)."""
    p, o = str(ox.NamedNode(predicate)), str(ox.NamedNode(obj))
    return ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            f"SELECT ?s ?label WHERE {{\n  ?s {p} {o} .\n  OPTIONAL {{ ?s rdfs:label ?label }}\n}}"
            " LIMIT 1000\n")


def predicate_query(predicate: str) -> str:
    """SPARQL listing the statements that use ``predicate`` (for the editor link)."""
    p = str(ox.NamedNode(predicate))
    return ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            f"SELECT ?s ?o WHERE {{\n  ?s {p} ?o .\n}} LIMIT 1000\n")
