"""``kgcase terms add``: add a term to the ontology's import list after checking it against a
release of its source ontology that the curator supplies (OBO or OWL), then regenerate the
import modules with ``ontology/tools/make_imports.py``.

An identifier the release does not declare, or declares obsolete, is refused; so is one already
imported. The label is the release's own; the definition is the curator's.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from kgcase.draft.vocab import read_obo
from kgcase.draft.write import atomic_write
from kgcase.errors import KgcaseError

#: The parent a new term gets when the curator names none, by prefix.
DEFAULT_PARENTS = {"HP": "KGCASE:0000301", "MONDO": "KGCASE:0000300", "DOID": "KGCASE:0000300",
                   "CHEBI": "KGCASE:0000020"}
COLUMNS = ("curie", "kind", "label", "parent", "inverse_of", "definition", "label_source",
           "xrefs")


class NewTermError(KgcaseError):
    """A term that cannot be added; nothing was written."""


@dataclass(frozen=True)
class Release:
    """What a release says about one identifier."""

    label: str
    obsolete: bool
    replaced_by: str
    version: str


def look_up(curie: str, release: Path) -> Release | None:
    """The identifier in an OBO or OWL (RDF/XML, Turtle) release; None when it is not there."""
    if release.suffix.lower() == ".obo":
        terms, _parents, version = read_obo(release)
        found = terms.get(curie)
        if found is None:
            return None
        replaced = _obo_replaced_by(release, curie)
        return Release(found[0], found[2], replaced, version)
    return _owl_look_up(curie, release)


def _obo_replaced_by(release: Path, curie: str) -> str:
    current = False
    with release.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("id: "):
                current = line[4:].strip() == curie
            elif current and line.startswith("replaced_by: "):
                return line.split(":", 1)[1].strip()
    return ""


def _owl_look_up(curie: str, release: Path) -> Release | None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL, RDFS

    from kgcase.iris import compress_iri, expand_curie

    g = Graph()
    try:
        g.parse(release)
    except Exception as exc:  # rdflib raises many parser-specific errors
        raise NewTermError(f"{release}: not an ontology file rdflib can read ({exc})") from None
    iri = URIRef(expand_curie(curie))
    label = g.value(iri, RDFS.label)
    if label is None and (iri, None, None) not in g:
        return None
    deprecated = g.value(iri, OWL.deprecated)
    replaced = g.value(iri, URIRef("http://purl.obolibrary.org/obo/IAO_0100001"))
    version = next((str(v) for v in g.objects(None, OWL.versionIRI)), "")
    return Release(str(label or ""), deprecated == Literal(True) or str(deprecated) == "true",
                   compress_iri(str(replaced)) or "" if replaced else "", version)


def _tool(ontology_dir: Path) -> ModuleType:
    path = ontology_dir / "tools" / "make_imports.py"
    spec = importlib.util.spec_from_file_location("kgcase_make_imports", path)
    if spec is None or spec.loader is None:
        raise NewTermError(f"{path}: the import generator is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_term(curie: str, release: Path, ontology_dir: Path, definition: str,
             parent: str | None = None) -> Release:
    """Check ``curie`` in ``release``, append it to imports/terms.tsv, regenerate the modules."""
    tool = _tool(ontology_dir)
    prefix = curie.split(":")[0]
    if ":" not in curie or prefix not in tool.SOURCES:
        raise NewTermError(f"{curie!r}: no import module for this prefix "
                           f"(fix: use one of {', '.join(sorted(tool.SOURCES))})")
    terms_tsv = ontology_dir / "imports" / "terms.tsv"
    rows = tool.read_terms(terms_tsv)
    if any(r["curie"] == curie for r in rows):
        raise NewTermError(f"{curie} is already imported ({terms_tsv})")
    if not release.is_file():
        raise NewTermError(f"{release}: no such file (fix: give a local OBO or OWL release)")
    found = look_up(curie, release)
    if found is None:
        raise NewTermError(f"{curie} is not declared in {release} (fix: check the identifier, "
                           "or give a newer release)")
    if found.obsolete:
        hint = f"use {found.replaced_by}" if found.replaced_by else "pick a current term"
        raise NewTermError(f"{curie} is obsolete in {release} (fix: {hint})")
    if not definition.strip():
        raise NewTermError("a definition is needed (fix: --definition 'one sentence')")
    parent = parent or DEFAULT_PARENTS.get(prefix, "")
    row = {"curie": curie, "kind": "class", "label": found.label, "parent": parent,
           "inverse_of": "", "definition": " ".join(definition.split()),
           "label_source": f"{release.name} {found.version}".strip()
           + " (checked by kgcase terms add)", "xrefs": ""}
    if any(c in v for v in row.values() for c in '\t\n"'):
        raise NewTermError("the label or definition holds a tab, newline or double quote "
                           "(fix: rephrase the definition)")
    text = terms_tsv.read_text(encoding="utf-8")
    line = "\t".join(row[c] for c in COLUMNS)
    atomic_write(terms_tsv, text + ("" if text.endswith("\n") else "\n") + line + "\n")
    for path, text in tool.render_all(terms_tsv).items():
        target = ontology_dir / "imports" / path.name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            atomic_write(target, text)
    return found
