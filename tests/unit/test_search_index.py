"""The search index on a small graph: folding, any-order words, typing errors, short queries,
types, facets and paging, without a server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgcase.search import SEARCH_FILE, write_search_index
from kgcase.searchtext import fold
from kgcase.web.searchindex import SearchIndex

KG = "https://w3id.org/kgcase/"
ONT = ox.NamedNode(KG + "graph/ontology")
CASE = ox.NamedNode(KG + "graph/case/r1")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SUB = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
SYN = ox.NamedNode("http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym")
CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
ENTITY = ox.NamedNode("http://www.w3.org/ns/prov#Entity")


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(KG + local)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> SearchIndex:
    store = ox.Store()
    quads = [
        (n("KGCASE_0000100"), RDF_TYPE, CLASS, ONT),
        (n("KGCASE_0000100"), LABEL, ox.Literal("tocilizumab"), ONT),
        (n("KGCASE_0000100"), SYN, ox.Literal("Actemra"), ONT),
        (n("KGCASE_0000012"), RDF_TYPE, CLASS, ONT),
        (n("KGCASE_0000012"), LABEL, ox.Literal("text excerpt"), ONT),
        (n("KGCASE_0000012"), SUB, ENTITY, ONT),
        (n("KGCASE_0000140"), RDF_TYPE, CLASS, ONT),
        (n("KGCASE_0000140"), LABEL, ox.Literal("haemoglobin concentration test"), ONT),
    ]
    for i in range(30):
        quote = n(f"case/r1/excerpt/{i}")
        quads += [(quote, RDF_TYPE, n("KGCASE_0000012"), CASE),
                  (quote, RDF_TYPE, ENTITY, CASE),
                  (quote, LABEL, ox.Literal(f"“tocilizumab was given, dose {i}”"), CASE)]
    store.extend([ox.Quad(*q) for q in quads])
    path = tmp_path_factory.mktemp("search") / SEARCH_FILE
    assert write_search_index(path, store) == 33
    found = SearchIndex(path)
    yield found
    found.close()


def test_fold_meets_spellings_and_punctuation():
    assert fold("Leucopenia") == fold("leukopenia")
    assert fold("Raynaud’s") == fold("Raynaud's") == "raynaud"
    assert fold("IL-6") == "il 6"


def test_concepts_first_total_facets_and_paging(index):
    found = index.search("tocilizumab", limit=10)
    assert found.total == 31 and found.hits[0].iri == KG + "KGCASE_0000100"
    assert {f.label: f.count for f in found.facets} == {"text excerpt": 30, "class": 1}
    assert all(h.type_label == "text excerpt" for h in found.hits[1:])
    rest = index.search("tocilizumab", offset=10, limit=50)
    assert len(rest.hits) == 21
    assert not {h.iri for h in found.hits} & {h.iri for h in rest.hits}


def test_words_in_any_order_typing_errors_and_synonyms(index):
    assert index.search("given tocilizumab", limit=1).total == 30
    typo = index.search("tocilizumb", limit=1)
    assert typo.corrected == {"tocilizumb": ["tocilizumab"]}
    assert typo.hits[0].iri == KG + "KGCASE_0000100"
    assert index.search("actemra").hits[0].match == "synonym"
    assert index.search("hemoglobin").hits[0].iri == KG + "KGCASE_0000140"
    assert index.search("KGCASE:0000100").hits[0].match == "identifier"
    assert index.search("zzzzzz").total == 0


def test_short_queries_find_the_names_they_start(index):
    found = index.search("t", limit=50)
    assert found.total == 32  # the two classes and the quotes, whose text starts with "t"
    assert {h.label for h in found.hits[:2]} == {"tocilizumab", "text excerpt"}
    assert index.search("g", limit=5).total == 0  # "given" starts no name


def test_kinds_keep_a_class_and_those_below_it(index):
    below_entity = index.search("text excerpt", kinds=(str(ENTITY.value),))
    assert [h.label for h in below_entity.hits] == ["text excerpt"]
    itself = index.search("tocilizumab", kinds=(KG + "KGCASE_0000100",))
    assert [h.label for h in itself.hits] == ["tocilizumab"]  # a class with no parent


def test_type_filter_keeps_one_type(index):
    excerpt = index.type_of("KGCASE:0000012")
    assert excerpt == KG + "KGCASE_0000012" and index.type_of("nope") is None
    found = index.search("tocilizumab", type_=excerpt, limit=5)
    assert found.total == 30 and all(h.type == excerpt for h in found.hits)
