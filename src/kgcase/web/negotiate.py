"""Content negotiation: the formats each kind of answer offers, and Accept header -> format.

Everything here is data or a pure function, tested on its own (``tests/unit/test_negotiate.py``).

>>> choose_format("text/csv;q=0.5, application/sparql-results+xml", SELECT_OFFERS).key
'xml'
>>> choose_format("text/turtle", SELECT_OFFERS) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ResultFormat:
    """One serialisation: a short key (also the ``format=`` value) and its canonical media type."""

    key: str
    media_type: str
    text: bool = True  # send ``; charset=utf-8``

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type


JSON = ResultFormat("json", "application/sparql-results+json")
XML = ResultFormat("xml", "application/sparql-results+xml")
CSV = ResultFormat("csv", "text/csv")
TSV = ResultFormat("tsv", "text/tab-separated-values")
TURTLE = ResultFormat("turtle", "text/turtle")
NTRIPLES = ResultFormat("ntriples", "application/n-triples")
RDFXML = ResultFormat("rdfxml", "application/rdf+xml")
JSONLD = ResultFormat("jsonld", "application/ld+json")
PLAIN_JSON = ResultFormat("plain", "application/json")
#: Quads keep each statement's named graph (resource descriptions and whole graphs only).
NQUADS = ResultFormat("nquads", "application/n-quads")
TRIG = ResultFormat("trig", "application/trig")

Offers = Sequence[tuple[str, ResultFormat]]

#: SELECT and ASK results, in the order preferred when the client accepts several equally.
SELECT_OFFERS: Offers = (
    (JSON.media_type, JSON),
    (XML.media_type, XML),
    (CSV.media_type, CSV),
    (TSV.media_type, TSV),
    ("application/json", JSON),
    ("application/xml", XML),
    ("text/xml", XML),
)

#: CONSTRUCT and DESCRIBE results, and the service description.
GRAPH_OFFERS: Offers = (
    (TURTLE.media_type, TURTLE),
    (NTRIPLES.media_type, NTRIPLES),
    (RDFXML.media_type, RDFXML),
    (JSONLD.media_type, JSONLD),
    ("application/x-turtle", TURTLE),
    ("text/plain", NTRIPLES),
    ("application/json", JSONLD),
)

#: Named-query answers under /api: a plain JSON table by default.
API_OFFERS: Offers = (
    (PLAIN_JSON.media_type, PLAIN_JSON),
    (JSON.media_type, JSON),
    (CSV.media_type, CSV),
    (TSV.media_type, TSV),
)

_ALIASES = {"ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "json-ld": "jsonld",
            "rdf": "rdfxml", "rdf+xml": "rdfxml", "srj": "json", "srx": "xml",
            "nq": "nquads", "n-quads": "nquads"}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 2 exact, 1 ``type/*``, 0 ``*/*``,
        -1 no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; entries that are not ``type/subtype`` are skipped.

    A missing or empty header is ``*/*``. Invalid q-values count as 1, as browsers do.
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def choose_format(accept: str | None, offers: Offers) -> ResultFormat | None:
    """Pick the offer the client prefers: highest q of its most specific matching range,
    ties broken by the order of ``offers``. ``None`` means nothing is acceptable (406)."""
    ranges = parse_accept(accept)
    best: tuple[float, int, ResultFormat] | None = None
    for position, (media_type, fmt) in enumerate(offers):
        matching = [(r.matches(media_type), r.q) for r in ranges if r.matches(media_type) >= 0]
        if not matching:
            continue
        _, q = max(matching)  # the most specific range decides (RFC 9110 §12.5.1)
        if q <= 0:
            continue
        if best is None or q > best[0]:
            best = (q, position, fmt)
    return best[2] if best else None


#: ``format=xml``/``json`` name the RDF syntax for a graph answer (SPARQLWrapper sends
#: ``format=xml`` with every query, CONSTRUCT included), as Fuseki and Virtuoso read them.
_GRAPH_FALLBACK = {"xml": "rdfxml", "json": "jsonld"}


def format_by_key(key: str, offers: Offers) -> ResultFormat | None:
    """Resolve a ``format=`` parameter (a key such as ``csv``, an alias, or a media type)."""
    wanted = _ALIASES.get(key.strip().lower(), key.strip().lower())
    for candidate in (wanted, _GRAPH_FALLBACK.get(wanted)):
        for media_type, fmt in offers:
            if candidate in (fmt.key, media_type):
                return fmt
    return None


def media_types(offers: Offers) -> list[str]:
    """The media types of ``offers`` without duplicates (for 406 messages and docs)."""
    return list(dict.fromkeys(media_type for media_type, _ in offers))
