"""The pages' pure parts, without a server: IRI <-> path mapping, the page queries, class
expressions as text, chart geometry for censored values, and the ``base_iri`` setting."""

from __future__ import annotations

import doctest
import re

import pyoxigraph as ox
import pytest

from kgcase.config import ConfigError, load_settings
from kgcase.web import create_app, resolve
from kgcase.web.gate import check_query
from kgcase.web.pages import ResourcePathConverter, charts, runner, sections, sparqltext
from kgcase.web.pages.manchester import ExpressionRenderer
from kgcase.web.pages.model import OWL, RDF, XSD, Ref
from kgcase.web.pages.runner import Node

BASE = "https://w3id.org/kgcase/"


@pytest.mark.parametrize("module", [resolve, runner])
def test_pages_docstring_examples_run(module):
    failures, tried = doctest.testmod(module, verbose=False)
    assert tried > 0 and failures == 0


@pytest.mark.parametrize(("iri", "href"), [
    (BASE + "case/c/patient/p1", "/case/c/patient/p1"),
    (BASE + "KGCASE_0000100", "/KGCASE_0000100"),
    (BASE + "kgcase.owl", "/kgcase.owl"),
    (BASE + "api/x", "/resource?iri=https%3A%2F%2Fw3id.org%2Fkgcase%2Fapi%2Fx"),
    (BASE + "static/x", "/resource?iri=https%3A%2F%2Fw3id.org%2Fkgcase%2Fstatic%2Fx"),
    (BASE + "a?b", "/resource?iri=https%3A%2F%2Fw3id.org%2Fkgcase%2Fa%3Fb"),
    (BASE, "/resource?iri=https%3A%2F%2Fw3id.org%2Fkgcase%2F"),
    ("http://purl.obolibrary.org/obo/HP_1",
     "/resource?iri=http%3A%2F%2Fpurl.obolibrary.org%2Fobo%2FHP_1"),
])
def test_pages_href_for_maps_iris_to_service_urls(iri, href):
    assert resolve.href_for(iri, BASE) == href


def test_pages_suffixes_and_paths():
    assert resolve.split_suffix("/x/p1.jsonld") == ("/x/p1", "jsonld")
    assert resolve.split_suffix("/x/p1.json") == ("/x/p1", "page-json")
    assert resolve.split_suffix("/kgcase.owl") == ("/kgcase.owl", None)
    assert resolve.split_suffix("/.ttl") == ("/.ttl", None)
    assert resolve.href_for(BASE + "case/c", BASE, "rdfxml") == "/case/c.rdf"
    assert resolve.href_for("urn:x", BASE, "turtle") == "/resource.ttl?iri=urn%3Ax"
    assert resolve.iri_for_path("/case/c d", BASE) == BASE + "case/c%20d"


@pytest.mark.parametrize(("path", "matches"), [
    ("case/c/patient/p1", True), ("KGCASE_0000100.ttl", True), ("kgcase.owl", True),
    ("api/search", False), ("sparql/update", False), ("sparql", False), ("static/app.js", False),
    ("resource.ttl", False), ("apis/x", True), ("editorial", True),
])
def test_pages_resource_route_leaves_the_service_routes_alone(path, matches):
    assert bool(re.fullmatch(ResourcePathConverter.regex, path)) is matches


#: What each page query is bound to when a page runs it.
BOUND = {"HOME": {}, "LABELS": {}, "SEARCH": {"q": ox.Literal("x")},
         "ONTOLOGY_DOCUMENT": {"onto": ox.NamedNode("urn:x")}}


@pytest.mark.parametrize("name", sorted(sparqltext.ALL))
def test_pages_queries_pass_the_gate_and_parse(name):
    text = sparqltext.ALL[name]
    checked = check_query(text, frozenset())
    assert checked.services == () and not checked.has_dataset
    assert checked.form in ("select", "construct")
    bindings = BOUND.get(name, {"s": ox.NamedNode("urn:x")})
    # pyoxigraph binds only variables the query projects: this fails if one is not
    ox.Store().query(text, substitutions={ox.Variable(k): v for k, v in bindings.items()} or None)


def _renderer(triples: dict[str, list[tuple[str, Node]]]) -> ExpressionRenderer:
    return ExpressionRenderer(triples, lambda iri: Ref(iri, iri.rsplit("/", 1)[-1], "#"))


def _text(parts) -> str:
    return " ".join(p.ref.label if p.ref else p.text for p in parts)


def iri(value: str) -> Node:
    return Node("uri", value)


def blank(value: str) -> Node:
    return Node("bnode", value)


def test_pages_class_expressions_read_as_manchester():
    triples = {
        "r": [(OWL + "onProperty", iri("urn:interacts")),
              (OWL + "someValuesFrom", iri("urn:sIL6R"))],
        "i": [(OWL + "intersectionOf", blank("l1"))],
        "l1": [(RDF + "first", iri("urn:drug")), (RDF + "rest", blank("l2"))],
        "l2": [(RDF + "first", blank("r")), (RDF + "rest", iri(RDF + "nil"))],
        "d": [(OWL + "onProperty", iri("urn:value")), (OWL + "someValuesFrom", blank("dt"))],
        "dt": [(OWL + "onDatatype", iri(XSD + "decimal")), (OWL + "withRestrictions", blank("f"))],
        "f": [(RDF + "first", blank("f1")), (RDF + "rest", iri(RDF + "nil"))],
        "f1": [(XSD + "maxExclusive", Node("literal", "1.0", XSD + "decimal"))],
        "n": [(OWL + "complementOf", blank("o"))],
        "o": [(OWL + "oneOf", blank("m"))],
        "m": [(RDF + "first", iri("urn:a")), (RDF + "rest", blank("m2"))],
        "m2": [(RDF + "first", iri("urn:b")), (RDF + "rest", iri(RDF + "nil"))],
        "c": [(OWL + "onProperty", blank("inv")), (OWL + "minQualifiedCardinality",
                                                     Node("literal", "2")),
              (OWL + "onClass", iri("urn:cell"))],
        "inv": [(OWL + "inverseOf", iri("urn:part"))],
    }
    render = _renderer(triples).render
    assert _text(render(blank("r"))) == "urn:interacts some urn:sIL6R"
    assert _text(render(blank("i"))) == "urn:drug and ( urn:interacts some urn:sIL6R )"
    assert _text(render(blank("d"))) == "urn:value some XMLSchema#decimal [ < 1.0 ]"
    assert _text(render(blank("n"))) == "not { urn:a , urn:b }"
    assert _text(render(blank("c"))) == "( inverse urn:part ) min 2 urn:cell"


def test_pages_censored_values_are_drawn_open_ended():
    points = [charts.Point(0, 30, "30"), charts.Point(6, 85, "85"),
              charts.Point(12, 97, ">97", comparator=">"),
              charts.Point(18, 0.2, "<0.2", comparator="<")]
    chart = charts.series_chart("anti-dsDNA", points, [0, 6, 12, 18], upper=7.0)
    directions = [m.direction for m in chart.marks]
    assert directions == ["", "", "up", "down"]
    assert [dashed for *_, dashed in chart.segments] == [False, True, True]
    top, bottom = chart.band
    assert bottom == chart.plot[3] and top < bottom  # from 0 up to the upper limit 7
    assert chart.marks[2].y > chart.plot[1]  # 97 is inside the plot: the axis leaves headroom
    titres = charts.series_chart("ANA", [charts.Point(0, 1600, "1/1600"),
                                         charts.Point(6, 1280, "1/1280")], [0, 6], log=True)
    assert [label for _, label in titres.y_ticks] == ["1/1280", "1/1600"]


def test_pages_base_iri_setting():
    assert load_settings(environ={}).base_iri == BASE
    assert load_settings(environ={"KGCASE_BASE_IRI": "https://example.org/kg/"}
                         ).base_iri == "https://example.org/kg/"
    assert resolve.check_base("http://localhost:8000/") == "http://localhost:8000/"
    for bad in ("https://example.org/kg", "example.org/", "ftp://example.org/", ""):
        with pytest.raises(ConfigError, match="base_iri"):
            resolve.check_base(bad)


def _effect_row(i: int) -> dict[str, Node]:
    iri = "https://w3id.org/kgcase/"
    return {"effect": Node("uri", f"{iri}case/c/effect/{i}"), "kind": Node("literal", "stated"),
            "d": Node("uri", f"{iri}KGCASE_0000100"), "t": Node("uri", f"{iri}KGCASE_0000149"),
            "dir": Node("uri", f"{iri}KGCASE_0000172"),
            "patient": Node("uri", f"{iri}case/c/patient/p{i}")}


def _summary_row(kind: str, n: int, patients: int, reports: int) -> dict[str, Node]:
    iri, integer = "https://w3id.org/kgcase/", XSD + "integer"
    return {"t": Node("uri", f"{iri}KGCASE_0000149"), "dir": Node("uri", f"{iri}KGCASE_0000172"),
            "dirl": Node("literal", "increased"), "kind": Node("literal", kind),
            "n": Node("literal", str(n), integer), "np": Node("literal", str(patients), integer),
            "nc": Node("literal", str(reports), integer)}


@pytest.mark.parametrize(("effects", "limited"), [(2, False), (3, True)])
def test_pages_effects_say_when_the_page_lists_only_some(tmp_path, monkeypatch, effects,
                                                         limited):
    monkeypatch.setattr(sections, "EFFECT_ROWS", 2)
    summaries = [_summary_row("stated", 50000, 40000, 30000),
                 _summary_row("derived", 3416, 3000, 2000)]
    with create_app({"data_dir": str(tmp_path)}).test_request_context():
        found = sections.effects([_effect_row(i) for i in range(effects)], "drug", summaries)
        assert sections.effects([], "drug", []).total is None
    assert found.total == 53416 and found.limited is limited
    assert len(found.rows) == 2 and found.patients == 2  # the page lists two
    (tally,) = found.tallies
    if limited:  # counted over every report by the build: stated and derived summed
        assert (tally.effects, tally.stated, tally.derived) == (53416, 50000, 3416)
        assert (tally.patients, tally.reports, tally.at_most) == (43000, 32000, True)
    else:  # counted from the effects listed, which are all of them
        assert (tally.effects, tally.patients, tally.at_most) == (2, 2, False)
    for text in (sparqltext.EFFECTS_OF_DRUG, sparqltext.EFFECTS_ON_TARGET):
        assert f"LIMIT {sparqltext.EFFECT_ROWS + 1} }}" in text  # the sub-select picks effects


def _claim_row(i: int, role: str = "subject") -> dict[str, Node]:
    iri = "https://w3id.org/kgcase/"
    return {"claim": Node("uri", f"{iri}case/c{i}/claim/x"), "role": Node("literal", role),
            "kind": Node("literal", "literature claim"),
            "statement": Node("literal", f"claim {i}")}


@pytest.mark.parametrize(("claims", "limited"), [(2, False), (3, True)])
def test_pages_claims_say_when_the_page_lists_only_some(tmp_path, monkeypatch, claims, limited):
    monkeypatch.setattr(sections, "CLAIM_ROWS", 3)  # (claim, role) pairs: one claim twice
    rows = [_claim_row(i) for i in range(claims)] + [_claim_row(0, "object")]
    with create_app({"data_dir": str(tmp_path)}).test_request_context():
        found = sections.claims(rows, total=40000 if limited else 0)
    listed = found.kinds["literature claim"]
    assert found.limited is limited and len(listed) == 2  # c0 (twice) and c1 fit in 3 pairs
    assert found.total == (40000 if limited else 3)  # named by 3 links when all are listed
    assert f"LIMIT {sparqltext.CLAIM_ROWS + 1} }}" in sparqltext.CLAIMS
