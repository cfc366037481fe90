"""kgcase: a reasoned knowledge graph and SPARQL service for clinical case reports."""

__version__ = "0.1.0"
