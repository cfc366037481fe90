"""The Turtle edit file survives conversion, and every tool we use reads it."""

from __future__ import annotations

import hashlib
import io
from collections import Counter

import owlready2
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

from kgcase.vocab import K

from .conftest import EDIT_FILE

pytestmark = pytest.mark.ontology


def _same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphism test, fast for tree-shaped blank nodes (as OWL's RDF mapping makes them).

    Each blank node is replaced by a hash of the subtree below it; when some blank node is the
    object of two triples (not a tree), fall back to rdflib's general (slow) algorithm.
    """
    def fingerprint(g: Graph) -> Counter | None:
        if any(n > 1 for n in Counter(o for o in g.objects() if isinstance(o, BNode)).values()):
            return None
        memo: dict[BNode, str] = {}

        def key(node) -> str:
            if not isinstance(node, BNode):
                return node.n3()
            if node not in memo:
                memo[node] = "_:" + hashlib.sha256(
                    "|".join(sorted(p.n3() + " " + key(o) for p, o in g.predicate_objects(node)))
                    .encode()
                ).hexdigest()
            return memo[node]

        return Counter(f"{key(s)} {p.n3()} {key(o)}" for s, p, o in g)

    fa, fb = fingerprint(a), fingerprint(b)
    if fa is None or fb is None:
        return isomorphic(a, b)
    return fa == fb


@pytest.mark.parametrize(("fmt", "parse_as"), [("xml", "xml"), ("turtle", "turtle"), ("nt", "nt")])
def test_edit_file_round_trips(edit_graph, fmt, parse_as):
    back = Graph().parse(data=edit_graph.serialize(format=fmt), format=parse_as)
    assert len(back) == len(edit_graph)
    assert _same_graph(back, edit_graph)


def test_round_trip_check_notices_a_changed_literal(edit_graph):
    changed = Graph().parse(data=edit_graph.serialize(format="nt"), format="nt")
    axiom = next(changed.subjects(OWL.annotatedTarget, None))
    target = changed.value(axiom, OWL.annotatedTarget)
    changed.set((axiom, OWL.annotatedTarget, type(target)(str(target) + ".")))
    assert len(changed) == len(edit_graph)
    assert not _same_graph(changed, edit_graph)


def test_pyoxigraph_reads_the_edit_file_as_rdflib_does(edit_graph):
    store = ox.Store()
    store.load(path=str(EDIT_FILE), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(edit_graph)


def test_owlready2_reads_the_rdfxml_conversion(edit_graph):
    """owlready2 does not read Turtle; the RDF/XML it gets from rdflib keeps the terms."""
    world = owlready2.World()
    try:
        edit_graph.remove((None, OWL.imports, None))  # else owlready2 fetches them
        data = edit_graph.serialize(format="xml", encoding="utf-8")
        world.get_ontology("urn:kgcase:test").load(fileobj=io.BytesIO(data), only_local=True)
        tocilizumab = world[str(K.Tocilizumab)]
        assert tocilizumab is not None
        assert list(tocilizumab.label) == ["tocilizumab"]
        assert world[str(K.HumanisedMonoclonalAntibody)] in tocilizumab.is_a
    finally:
        world.close()
