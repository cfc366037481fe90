"""The page queries' shape on a store where one resource is used in many graphs."""

from __future__ import annotations

from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from kgcase.iris import inferred_graph_iri
from kgcase.store.binding import bind_values
from kgcase.web.pages import runner
from kgcase.web.pages.sparqltext import ALL, RESOURCE, VALUES_BOUND

DRUG = ox.NamedNode("https://w3id.org/kgcase/KGCASE_0000100")
USES = ox.NamedNode("https://w3id.org/kgcase/KGCASE_0001007")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def test_incoming_links_are_counted_per_predicate_not_per_graph() -> None:
    """A drug used in 50 case graphs and the reasoner's graph: two count rows, not 51 (one
    per graph filled the row limit at 100 000 reports and cut the page's label off)."""
    store = ox.Store()
    store.add(ox.Quad(DRUG, LABEL, ox.Literal("tocilizumab"), ox.NamedNode("urn:x-test:onto")))
    for i in range(50):
        graph = ox.NamedNode(f"https://w3id.org/kgcase/graph/case/c{i}")
        store.add(ox.Quad(ox.NamedNode(f"urn:x-test:exposure{i}"), USES, DRUG, graph))
    inferred = ox.NamedNode(inferred_graph_iri())
    store.add(ox.Quad(ox.NamedNode("urn:x-test:exposure0"), USES, DRUG, inferred))
    rows = list(store.query(RESOURCE, substitutions={ox.Variable("s"): DRUG},
                            use_default_graph_as_union=True))
    counts = {(r["g"].value == inferred.value, int(r["n"].value))
              for r in rows if r["dir"].value == "count"}
    assert counts == {(False, 50), (True, 1)}
    assert any(r["dir"].value == "out" and r["o"] == ox.Literal("tocilizumab") for r in rows)


def _rows(result: ox.QuerySolutions) -> list[tuple[str, ...]]:
    names = [v.value for v in result.variables]
    return sorted(tuple(str(s[n]) for n in names) for s in result)


@pytest.mark.parametrize("name", sorted(n for n, q in ALL.items() if q in VALUES_BOUND))
@pytest.mark.parametrize("subject", ["KGCASE_0000100", "KGCASE_0000149", "KGCASE_0000040"])
def test_values_bound_page_queries_give_the_rows_substitutions_give(built_data_dir, name,
                                                                    subject) -> None:
    """The effect queries are bound as VALUES (planned with the term: 24x faster at 100 000
    reports); on the seed, drug, test and class pages get the same rows either way."""
    store = ox.Store.read_only(str(built_data_dir / "current" / "oxigraph"))
    node = ox.NamedNode("https://w3id.org/kgcase/" + subject)
    text = ALL[name]
    by_values = _rows(store.query(bind_values(text, {"s": node}),
                                  use_default_graph_as_union=True))
    by_substitution = _rows(store.query(text, substitutions={ox.Variable("s"): node},
                                        use_default_graph_as_union=True))
    assert by_values == by_substitution
    if (name.endswith("DRUG") and subject == "KGCASE_0000100") or (
            name.endswith("TARGET") and subject == "KGCASE_0000149"):
        assert by_values  # tocilizumab's effects, the effects on anti-dsDNA


def test_page_jobs_bind_only_the_values_bound_queries_as_values() -> None:
    """The runner asks for the VALUES form exactly for :data:`VALUES_BOUND`."""
    release = SimpleNamespace(id="r1", path="/nowhere")
    service = SimpleNamespace(watcher=SimpleNamespace(current=lambda: release))
    for text in ALL.values():
        _, job = runner._key(service, text, "json", None, 10, {"s": DRUG})  # type: ignore[arg-type]
        assert job.values_binding is (text in VALUES_BOUND)


@pytest.mark.parametrize(("subject", "listing", "summaries", "mode"), [
    ("KGCASE_0000100", "EFFECTS_OF_DRUG", "EFFECT_SUMMARIES_OF_DRUG", "drug"),
    ("KGCASE_0000040", "EFFECTS_OF_DRUG", "EFFECT_SUMMARIES_OF_DRUG", "drug"),
    ("KGCASE_0000149", "EFFECTS_ON_TARGET", "EFFECT_SUMMARIES_ON_TARGET", "target"),
])
def test_effect_tallies_from_the_build_agree_with_the_listed_effects(
        built_data_dir, monkeypatch, subject, listing, summaries, mode) -> None:
    """On the seed a page lists every effect; its tallies, counted from its observations (a
    stated or patient-level effect, not a window between two time points), agree with the
    ones a page that lists only some takes from the build's summaries (patients and reports
    wherever those are exact)."""
    from kgcase.web import create_app
    from kgcase.web.pages import sections

    store = ox.Store.read_only(str(built_data_dir / "current" / "oxigraph"))
    node = ox.NamedNode("https://w3id.org/kgcase/" + subject)

    def rows(name: str) -> list[dict[str, runner.Node]]:
        found = store.query(bind_values(ALL[name], {"s": node}), use_default_graph_as_union=True)
        return [{v.value: runner.Node("uri" if isinstance(t, ox.NamedNode) else "literal",
                                      t.value) for v, t in zip(found.variables, s, strict=True)
                 if t is not None} for s in found]

    listed, counted = rows(listing), rows(summaries)
    with create_app({"data_dir": str(built_data_dir)}).test_request_context():
        full = sections.effects(listed, mode, counted)
        monkeypatch.setattr(sections, "EFFECT_ROWS", 1)
        some = sections.effects(listed, mode, counted)
    # the build counts observations (stated or patient-level effects), not each window
    observations = [e for e in full.rows if e.observation]
    assert not full.limited and some.limited and full.total == len(observations) > 1
    assert len(observations) < len(full.rows)  # the windows are listed, as detail
    exact = {(t.target.iri, t.direction): t for t in full.tallies}
    assert {(t.target.iri, t.direction) for t in some.tallies} == set(exact)
    for t in some.tallies:
        mine = exact[(t.target.iri, t.direction)]
        assert (t.effects, t.stated, t.derived) == (mine.effects, mine.stated, mine.derived)
        if t.at_most:
            assert t.patients >= mine.patients and t.reports >= mine.reports
        else:
            assert (t.patients, t.reports) == (mine.patients, mine.reports)
    assert any(not t.at_most for t in some.tallies)


def test_usages_found_through_expression_links_are_those_of_any_link(built_data_dir) -> None:
    """USAGES finds the expression node through the predicates expressions are built of, not
    every link into the resource; on the seed that finds the same usages for every ontology
    term used in an expression (W3C vocabulary, typed by expression nodes, aside)."""
    from kgcase.web.pages.sparqltext import EXPRESSION_LINK, USAGES

    store = ox.Store.read_only(str(built_data_dir / "current" / "oxigraph"))
    any_link = USAGES.replace(f"?x {EXPRESSION_LINK} ?s", "?x ?q ?s")
    assert any_link != USAGES
    used = {r["s"].value for r in store.query(
        "SELECT DISTINCT ?s WHERE { ?x ?p ?s FILTER(isBlank(?x) && isIRI(?s)) }",
        use_default_graph_as_union=True)}
    w3c = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
           "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2001/XMLSchema#")
    found = 0
    for iri in sorted(used):
        if iri.startswith(w3c):
            continue
        rows = [_rows(store.query(text, substitutions={ox.Variable("s"): ox.NamedNode(iri)},
                                  use_default_graph_as_union=True)) for text in (USAGES, any_link)]
        assert rows[0] == rows[1], iri
        found += bool(rows[0])
    assert found > 20
