"""Where a cross-reference's CURIE is looked up: the resource that defines it, not an internal page
that would only repeat the identifier.

The URLs are the ones the Bioregistry lists as each prefix's provider (``uri_format``).
"""

from __future__ import annotations

#: CURIE prefix → URL of the term's page at its source (``{}``: the local id).
RESOLVERS: dict[str, str] = {
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_{}",
    "DOID": "http://purl.obolibrary.org/obo/DOID_{}",
    "HP": "http://purl.obolibrary.org/obo/HP_{}",
    "GO": "http://purl.obolibrary.org/obo/GO_{}",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_{}",
    "ECO": "http://purl.obolibrary.org/obo/ECO_{}",
    "Orphanet": "https://www.orpha.net/en/disease/detail/{}",
    "ORPHA": "https://www.orpha.net/en/disease/detail/{}",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_{}",
    "UMLS": "https://uts.nlm.nih.gov/uts/umls/concept/{}",
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui={}",
    "OMIM": "https://omim.org/entry/{}",
    "drugbank": "https://go.drugbank.com/drugs/{}",
    "DrugBank": "https://go.drugbank.com/drugs/{}",
    "UniProtKB": "https://www.uniprot.org/uniprotkb/{}",
    "LOINC": "https://loinc.org/{}",
    "Reactome": "https://reactome.org/content/detail/{}",
    "ATC": "https://www.whocc.no/atc_ddd_index/?code={}",
    "doi": "https://doi.org/{}",
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/{}",
}


def external_url(curie: str) -> str | None:
    """The source's page for ``curie`` (``DOID:3492``), or ``None`` for an unknown prefix."""
    prefix, sep, local = curie.partition(":")
    template = RESOLVERS.get(prefix)
    if not sep or not local or template is None or any(c.isspace() for c in local):
        return None
    return template.format(local)
