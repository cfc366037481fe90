"""IRIs: the persistent base, CURIE expansion and deterministic minting of instance IRIs.

Ontology terms are opaque and numeric (``KGCASE_0000100``); instance IRIs are hierarchical
and built only from the ids written in case files, so a rebuild gives the same IRIs.
"""

from __future__ import annotations

import os
import re

#: The persistent base every kgcase IRI hangs from. Override with ``KGCASE_BASE_IRI``
#: for a deployment whose own host serves the IRIs.
DEFAULT_BASE = "https://w3id.org/kgcase/"
BASE = os.environ.get("KGCASE_BASE_IRI", DEFAULT_BASE)

ONTOLOGY_IRI = f"{DEFAULT_BASE}kgcase.owl"

#: CURIE prefixes understood in case files and query parameters.
PREFIXES: dict[str, str] = {
    "KGCASE": f"{DEFAULT_BASE}KGCASE_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "BFO": "http://purl.obolibrary.org/obo/BFO_",
    "IAO": "http://purl.obolibrary.org/obo/IAO_",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    "drugbank": "https://go.drugbank.com/drugs/",
    "LOINC": "https://loinc.org/",
    "Reactome": "https://reactome.org/content/detail/",
    "doi": "https://doi.org/",
}

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class CurieError(ValueError):
    """A CURIE whose prefix is unknown or whose local part is empty."""


def expand_curie(curie: str) -> str:
    """Expand ``PREFIX:local`` to a full IRI, or raise :class:`CurieError` listing valid prefixes.

    >>> expand_curie("MONDO:0005854")
    'http://purl.obolibrary.org/obo/MONDO_0005854'
    """
    prefix, sep, local = curie.partition(":")
    if not sep or not local or prefix not in PREFIXES:
        valid = ", ".join(sorted(PREFIXES))
        raise CurieError(f"cannot expand {curie!r}: write PREFIX:local; valid prefixes: {valid}")
    return PREFIXES[prefix] + local


def compress_iri(iri: str) -> str | None:
    """Return the CURIE for ``iri`` if a known prefix covers it, else ``None``."""
    best: tuple[int, str] | None = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > best[0]):
            best = (len(ns), f"{prefix}:{iri[len(ns) :]}")
    return best[1] if best else None


def term(number: int) -> str:
    """The IRI of ontology term ``KGCASE_<number>`` (seven digits)."""
    return f"{DEFAULT_BASE}KGCASE_{number:07d}"


def check_segment(segment: str) -> str:
    """Validate one id used in an instance IRI (letters, digits, ``.``, ``_``, ``-``)."""
    if not _SAFE_SEGMENT.match(segment):
        raise ValueError(
            f"id {segment!r} may only contain letters, digits, '.', '_' and '-' "
            "and must start with a letter or digit"
        )
    return segment


def mint(*segments: str, base: str | None = None) -> str:
    """Mint a deterministic instance IRI ``<base>a/b/c`` from case-file ids.

    >>> mint("case", "cabrera-2016", "patient", "p1", base="https://example.org/")
    'https://example.org/case/cabrera-2016/patient/p1'
    """
    root = base if base is not None else BASE
    for s in segments:  # the allowed characters need no percent-encoding
        if not _SAFE_SEGMENT.match(s):
            check_segment(s)
    return root + "/".join(segments)


def case_prefix(*, base: str | None = None) -> str:
    """What every IRI minted for a case report starts with (:func:`mint` ``("case", …)``)."""
    return (base if base is not None else BASE) + "case/"


def doi_iri(doi: str) -> str:
    """The ``https://doi.org/`` IRI of a DOI, with the characters an IRI may not hold (``<``,
    ``>``, ``"``, ``{``, ``}``, ``|``, ``\\``, ``^``, backquote, ``%``) percent-encoded.

    >>> doi_iri("10.1002/(SICI)1097-4636(199606)31:2<213::AID-JBM9>3.0.CO;2-F")
    'https://doi.org/10.1002/(SICI)1097-4636(199606)31:2%3C213::AID-JBM9%3E3.0.CO;2-F'
    """
    return "https://doi.org/" + "".join(
        f"%{ord(ch):02X}" if ch in '<>"{}|\\^`%' else ch for ch in doi)


def case_graph_iri(case_id: str, *, base: str | None = None) -> str:
    """The named graph holding one case report."""
    return mint("graph", "case", case_id, base=base)


def ontology_graph_iri(*, base: str | None = None) -> str:
    """The named graph holding the ontology (TBox)."""
    return mint("graph", "ontology", base=base)


def summary_graph_iri(*, base: str | None = None) -> str:
    """The named graph holding the effect summaries computed at build time."""
    return mint("graph", "summary", base=base)


def inferred_graph_iri(*, base: str | None = None) -> str:
    """The named graph holding what the reasoner inferred."""
    return mint("graph", "inferred", base=base)
