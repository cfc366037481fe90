"""The page queries' shape on a store where one resource is used in many graphs."""

from __future__ import annotations

import pyoxigraph as ox

from kgcase.iris import inferred_graph_iri
from kgcase.web.pages.sparqltext import RESOURCE

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
