"""IRIs made from case-file text are valid IRIs, whatever the text holds."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgcase.iris import doi_iri
from kgcase.model.schema import Case, Citation
from kgcase.rdf.case_graph import case_to_triples
from kgcase.rdf.ntriples import ntriples

# A SICI-style DOI, as Wiley registered many: <, > and ; are part of it.
SICI = "10.1002/(SICI)1097-4636(199606)31:2<213::AID-JBM9>3.0.CO;2-F"


@pytest.mark.parametrize("doi", [SICI, "10.1000/a%20b", '10.1000/x"y{z}|\\^`'])
def test_a_doi_iri_is_one_a_strict_parser_accepts(doi: str) -> None:
    line = f"<urn:x:s> <urn:x:p> <{doi_iri(doi)}> .\n"
    (triple,) = ox.parse(line.encode(), format=ox.RdfFormat.N_TRIPLES)
    assert triple.object.value.startswith("https://doi.org/10.")


def test_a_case_with_a_sici_doi_gives_n_triples_that_parse() -> None:
    citation = Citation(authors=["A"], title="T", journal="J", year=1996, doi=SICI)
    case = Case(id="c1", title="test case", citation=citation, patients=[])
    text = ntriples(case_to_triples(case, [], {}))
    objects = {q.object.value for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert "https://doi.org/10.1002/(SICI)1097-4636(199606)31:2%3C213::AID-JBM9%3E3.0.CO;2-F" \
        in objects
