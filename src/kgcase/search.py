"""The search index, written at build time into the release as ``search.sqlite``.

Every IRI with a label becomes one row of ``resources``: its label, CURIE, most specific type
(a text excerpt is a "text excerpt", not a ``prov:Entity``), whether it is a concept (an
ontology term) or an instance (a report's effect, exposure, measurement, quote …) and a
context that tells apart resources of the same label and type (the report, the section, the
quote a fact comes from). Its texts (label, synonyms, cross-reference ids, definition, a
quote's full text), folded by :func:`kgcase.searchtext.fold`, go into an SQLite FTS5 table with
the trigram tokenizer: any substring of three characters or more, in any order, is found by
the index. Labels, synonyms and CURIEs are also in ``names``, sorted, for queries of one or two
characters (too short for trigrams): the names they start. The words of labels and synonyms go
into ``vocabulary``, from which the reader
corrects typing errors (:mod:`kgcase.web.searchindex`). ``kinds`` holds, for each class, itself
and its superclasses, for the pickers that take one kind of class.

The file is written next to the store before the release switches, so it switches with it.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kgcase.iris import DEFAULT_BASE, compress_iri, ontology_graph_iri
from kgcase.searchtext import fold

SEARCH_FILE = "search.sqlite"
#: Text fields, best first (their number is their rank): a match in a label beats one in a
#: synonym, then an identifier, then a definition or a quote's full text.
FIELDS = ("label", "synonym", "identifier", "text")
#: The field of a resource's own CURIE: an identifier, ranked as its label.
OWN_ID = len(FIELDS)
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_OIO = "http://www.geneontology.org/formats/oboInOwl#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"
#: Literal-valued properties searched, with their field.
TEXT_PROPERTIES = {
    _RDFS + "label": "label",
    _OIO + "hasExactSynonym": "synonym", _OIO + "hasRelatedSynonym": "synonym",
    _OIO + "hasNarrowSynonym": "synonym", _OIO + "hasBroadSynonym": "synonym",
    _OIO + "hasDbXref": "identifier", "http://purl.org/dc/terms/identifier": "identifier",
    "http://purl.obolibrary.org/obo/IAO_0000115": "text", _PROV + "value": "text",
    "http://purl.org/dc/terms/title": "synonym",
}
#: IRI-valued properties whose object's CURIE is searched as an identifier of the subject.
XREF_PROPERTIES = tuple(_SKOS + p for p in ("exactMatch", "closeMatch", "broadMatch",
                                            "narrowMatch", "relatedMatch"))
SECTION = DEFAULT_BASE + "KGCASE_0002020"
#: Types that say nothing specific: a resource shows a more specific one when it has one.
GENERIC_TYPES = frozenset({_OWL + "NamedIndividual", _OWL + "Thing", _PROV + "Entity"})
#: The OWL kinds of ontology terms, with the name a reader sees.
TERM_TYPES = {_OWL + "Class": "class", _OWL + "ObjectProperty": "object property",
              _OWL + "DatatypeProperty": "datatype property",
              _OWL + "AnnotationProperty": "annotation property", _OWL + "Ontology": "ontology"}

_SCHEMA = """
CREATE TABLE resources (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
                        curie TEXT, type TEXT, type_label TEXT, concept INTEGER NOT NULL,
                        context TEXT);
CREATE TABLE types (type TEXT PRIMARY KEY, label TEXT NOT NULL, curie TEXT) WITHOUT ROWID;
CREATE VIRTUAL TABLE texts USING fts5(folded, rid UNINDEXED, field UNINDEXED,
                                      original UNINDEXED, tokenize = 'trigram');
CREATE TABLE names (folded TEXT NOT NULL, rid INTEGER NOT NULL, field INTEGER NOT NULL,
                    original TEXT NOT NULL);
CREATE TABLE vocabulary (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE vocabulary_fts USING fts5(word, tokenize = 'trigram');
CREATE TABLE kinds (kind TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (kind, rid))
    WITHOUT ROWID;
"""


def _rows(store: ox.Store, sparql: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(sparql, use_default_graph_as_union=True)  # type: ignore[misc]


def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ " + " ".join(f"<{i}>" for i in iris) + " }"


def _ancestors(store: ox.Store) -> dict[str, set[str]]:
    """Each class's superclasses (told and inferred, transitively), itself included."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, f"SELECT ?c ?d WHERE {{ ?c <{_RDFS}subClassOf> ?d "
                            "FILTER(isIRI(?c) && isIRI(?d)) }"):
        parents[row["c"].value].add(row["d"].value)
    closed: dict[str, set[str]] = {}

    def up(c: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if c in closed:
            return closed[c]
        found = {c}
        for d in parents.get(c, ()):
            if d not in seen:
                found |= up(d, seen | {c})
        closed[c] = found
        return found

    for c in list(parents):
        up(c)
    return closed


def _specific(types: set[str], ancestors: dict[str, set[str]]) -> str | None:
    """The most specific of ``types`` (deepest below the others; generic ones last)."""
    terms = [t for t in TERM_TYPES if t in types]
    if terms:
        return terms[0]
    kept = [t for t in types if t not in GENERIC_TYPES] or list(types)
    kept = [t for t in kept if not any(t != u and t in ancestors.get(u, ()) for u in kept)]
    return min(kept, key=lambda t: (-len(ancestors.get(t, ())), t)) if kept else None


def write_search_index(path: Path, store: ox.Store) -> int:
    """Index every labelled IRI of ``store`` into a new SQLite file; return how many."""
    ontology = ontology_graph_iri()
    ancestors = _ancestors(store)
    labels: dict[str, str] = {}
    concept: set[str] = set()
    reports: dict[str, str] = {}
    case_graphs = DEFAULT_BASE + "graph/case/"
    for row in _rows(store, f"SELECT ?s ?l ?g WHERE {{ GRAPH ?g {{ ?s <{_RDFS}label> ?l }} "
                            "FILTER(isIRI(?s)) }"):
        s = row["s"].value
        if s not in labels or row["l"].value < labels[s]:
            labels[s] = row["l"].value
        if row["g"].value == ontology:
            concept.add(s)
        elif row["g"].value.startswith(case_graphs):
            reports[s] = row["g"].value[len(case_graphs):]
    types: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, f"SELECT ?s ?t WHERE {{ ?s <{_RDF}type> ?t "
                            "FILTER(isIRI(?s) && isIRI(?t)) }"):
        types[row["s"].value].add(row["t"].value)
    context = _contexts(store, labels, reports)
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        ids: dict[str, int] = {}
        shown_types: dict[str, str] = {}
        resources = []
        for rid, s in enumerate(sorted(labels), start=1):
            ids[s] = rid
            t = _specific(types.get(s, set()), ancestors)
            if t is not None:
                shown_types[t] = TERM_TYPES.get(t) or labels.get(t) or compress_iri(t) or t
            resources.append((rid, s, labels[s], compress_iri(s), t, shown_types.get(t or ""),
                              int(s in concept), context.get(s)))
        _tell_apart(resources)
        db.executemany("INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?, ?)", resources)
        db.executemany("INSERT INTO types VALUES (?, ?, ?)",
                       sorted((t, label, compress_iri(t)) for t, label in shown_types.items()))
        vocabulary = _write_texts(db, store, ids, labels)
        db.executemany("INSERT INTO vocabulary VALUES (?)", ((w,) for w in sorted(vocabulary)))
        db.execute("INSERT INTO vocabulary_fts (word) SELECT word FROM vocabulary")
        classes = ((c, ancestors.get(c) or {c}) for c in ids
                   if c in ancestors or _OWL + "Class" in types.get(c, ()))
        db.executemany("INSERT OR IGNORE INTO kinds VALUES (?, ?)",
                       ((kind, ids[c]) for c, above in classes for kind in above))
        db.execute("INSERT INTO texts(texts) VALUES ('optimize')")
        db.execute("INSERT INTO names SELECT folded, rid, field, original FROM texts "
                   "WHERE field IN (0, 1, 4)")  # labels, synonyms, own CURIEs (OWN_ID)
        db.execute("CREATE INDEX names_folded ON names (folded)")
        db.commit()
    finally:
        db.close()
    return len(labels)


def _write_texts(db: sqlite3.Connection, store: ox.Store, ids: dict[str, int],
                 labels: dict[str, str]) -> set[str]:
    """Insert each resource's texts (and its CURIE) into ``texts``; the words of labels and
    synonyms back."""
    vocabulary: set[str] = set()
    seen: set[tuple[int, str]] = set()

    def rows() -> Iterator[tuple[str, int, int, str]]:
        for s, rid in ids.items():
            curie = compress_iri(s)
            if curie:
                yield fold(curie), rid, OWN_ID, curie
        props = _values("p", TEXT_PROPERTIES)
        for row in _rows(store, f"SELECT ?s ?p ?o WHERE {{ {props} ?s ?p ?o "
                                "FILTER(isIRI(?s) && isLiteral(?o)) }"):
            rid = ids.get(row["s"].value)
            if rid is None:
                continue
            field = FIELDS.index(TEXT_PROPERTIES[row["p"].value])
            text = row["o"].value
            folded = fold(text)
            if not folded or (rid, folded) in seen:
                continue
            seen.add((rid, folded))
            if field <= 1:
                vocabulary.update(w for w in folded.split() if len(w) >= 4 and w.isalpha())
            yield folded, rid, field, text
        for row in _rows(store, "SELECT ?s ?o WHERE { " + _values("p", XREF_PROPERTIES)
                         + " ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) }"):
            rid = ids.get(row["s"].value)
            curie = compress_iri(row["o"].value)
            if rid is not None and curie:
                yield fold(curie), rid, FIELDS.index("identifier"), curie

    db.executemany("INSERT INTO texts (folded, rid, field, original) VALUES (?, ?, ?, ?)",
                   rows())
    return vocabulary


def _contexts(store: ox.Store, labels: dict[str, str],
              reports: dict[str, str]) -> dict[str, str]:
    """What tells an instance apart from others of its label: its report (``reports``), the
    section it was quoted from, or the quote it was derived from."""
    found: dict[str, list[str]] = defaultdict(list)
    for s, report in reports.items():
        found[s].append("report " + report)
    for row in _rows(store, f"SELECT ?s ?o WHERE {{ ?s <{SECTION}> ?o FILTER(isIRI(?s)) }}"):
        found[row["s"].value].append("section " + row["o"].value)
    for row in _rows(store, f"SELECT ?s ?o WHERE {{ ?s <{_PROV}wasDerivedFrom> ?o "
                            "FILTER(isIRI(?s) && isIRI(?o)) }"):
        quote = labels.get(row["o"].value)
        if quote and quote.startswith("“"):
            found[row["s"].value].append("from " + quote)
    return {s: " · ".join(sorted(set(parts), key=parts.index)) for s, parts in found.items()}


def _tell_apart(resources: list[tuple]) -> None:
    """Give resources that still share label, type and context the end of their IRI as well."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (_rid, _s, label, _c, t, _tl, _k, ctx) in enumerate(resources):
        groups[(label, t, ctx)].append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        for i in members:
            row = list(resources[i])
            tail = row[1].rstrip("/").rsplit("/", 1)[-1]
            row[7] = f"{row[7]} · {tail}" if row[7] else tail
            resources[i] = tuple(row)
