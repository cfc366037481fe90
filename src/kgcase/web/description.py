"""The SPARQL service description (``sd:`` vocabulary) served on ``GET /sparql`` without a query."""

from __future__ import annotations

import pyoxigraph as ox

from kgcase.config import Settings
from kgcase.web.service import CurrentRelease
from kgcase.web.urls import public_base
from kgcase.web.worker import GRAPH_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD")
PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "dcterms": DCTERMS}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe_service(
    path: str, graphs: list[str], release: CurrentRelease, settings: Settings, fmt: str
) -> bytes:
    """Serialise the description of the endpoint at ``path``: formats, features, named graphs.

    The endpoint's IRI is ``path`` under the setting ``public_url`` (never the Host header).
    """
    endpoint = public_base(settings) + path
    service = ox.BlankNode()
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, ox.NamedNode(DCTERMS + "title"), ox.Literal("kgcase SPARQL endpoint")),
        ox.Triple(service, ox.NamedNode(DCTERMS + "hasVersion"), ox.Literal(release.id)),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    if settings.allowed_services:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + name))
                for name in RESULT_FORMATS]
    counts = release.release.graphs if release.release else {}
    for iri in graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(iri)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
        ]
        if iri in counts:
            triples.append(ox.Triple(graph, ox.NamedNode(VOID + "triples"),
                                     ox.Literal(str(counts[iri]), datatype=XSD_INTEGER)))
    rdf_format = GRAPH_FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
