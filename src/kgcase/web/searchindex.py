"""Reading a release's search index (``search.sqlite``, written by :mod:`kgcase.search`).

A query is folded like the indexed texts (:func:`kgcase.searchtext.fold`); each word of three
characters or more must occur in a text (FTS5 trigram ``MATCH``, any order), each shorter word
must start a word of it; a query of one or two characters finds the labels, synonyms and CURIEs
it starts. A word that occurs in no label or synonym is taken as mistyped: the
words of the vocabulary within one edit (two from eight letters on) are accepted in its place
(rapidfuzz's Levenshtein distance). Hits are ranked concepts first, then by where the text
matched (label, synonym or identifier, then definitions and quotes), words found as typed before
corrected ones, then how closely the text matches the whole query, then the shortest label.

Every value reaches SQLite as a bound parameter, never as SQL text; a ``MATCH`` expression is
built from folded words, which hold only letters and digits, each quoted as an FTS5 string.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kgcase.search import FIELDS, SEARCH_FILE
from kgcase.searchtext import fold, words

#: Words shorter than this are never corrected (too many words are one edit away).
CORRECTED_FROM = 5
#: Corrections tried per mistyped word.
CORRECTIONS = 4


@dataclass
class IndexHit:
    iri: str
    label: str
    curie: str | None
    type: str | None
    type_label: str | None
    concept: bool
    context: str | None
    matched: str
    match: str


@dataclass
class Facet:
    type: str | None
    label: str
    count: int


@dataclass
class Found:
    total: int
    hits: list[IndexHit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    #: Mistyped words and the words searched in their place.
    corrected: dict[str, list[str]] = field(default_factory=dict)


class SearchIndex:
    """A release's ``search.sqlite``, opened read-only (the file never changes)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                  check_same_thread=False)
        self._vocabulary: list[str] | None = None

    @classmethod
    def open(cls, release_dir: Path) -> SearchIndex | None:
        """The index of a release, or ``None`` if its build wrote none."""
        path = release_dir / SEARCH_FILE
        return cls(path) if path.is_file() else None

    def close(self) -> None:
        self.db.close()

    def type_of(self, text: str) -> str | None:
        """The type IRI named by ``text`` (a CURIE or IRI the facets give), if indexed."""
        row = self.db.execute("SELECT type FROM types WHERE curie = ? OR type = ?",
                              (text, text)).fetchone()
        return row[0] if row else None

    def _corrections(self, word: str) -> list[str]:
        if len(word) < CORRECTED_FROM or not word.isalpha() or self.db.execute(
                "SELECT 1 FROM vocabulary_fts WHERE vocabulary_fts MATCH ? LIMIT 1",
                (f'"{word}"',)).fetchone():
            return []
        if self._vocabulary is None:
            self._vocabulary = [w for (w,) in self.db.execute("SELECT word FROM vocabulary")]
        edits = 1 if len(word) < 8 else 2
        found = process.extract(word, self._vocabulary, scorer=Levenshtein.distance,
                                score_cutoff=edits, limit=CORRECTIONS)
        return sorted(w for w, _d, _i in found)

    def search(self, text: str, *, offset: int = 0, limit: int = 12, type_: str | None = None,
               kinds: tuple[str, ...] = ()) -> Found:
        """The hits ``offset`` to ``offset + limit`` of ``text``, the total and the count per
        type (facets count every type, whichever ``type_`` is chosen)."""
        if text.startswith(("http://", "https://", "urn:")):
            return self._by_iri(text, type_, kinds)
        folded = fold(text)
        tokens = words(folded)
        if not tokens:
            return Found(0)
        found = Found(0)
        match = []
        for word in (w for w in tokens if len(w) >= 3):
            corrected = self._corrections(word)
            if corrected:
                found.corrected[word] = corrected
            match.append("(" + " OR ".join(f'"{w}"' for w in [word, *corrected]) + ")")
        if not match and len(folded) >= 3:
            match.append(f'"{folded}"')
        where, table = (_MATCH, _TEXTS) if match else (_SCAN, _NAMES)
        params = {"match": " AND ".join(match), "scan": folded, "scan_end": folded + "\U0010ffff",
                  "short": json.dumps([w for w in tokens if len(w) < 3]),
                  "kinds": json.dumps(kinds) if kinds else None}
        facets = self.db.execute(_FACETS + table + where + _FILTER + _FACETS_END, params).fetchall()
        found.facets = [Facet(curie or t, label, n) for t, label, curie, n in facets]
        found.total = sum(n for t, _l, _c, n in facets if type_ is None or t == type_)
        if found.total == 0:
            return found
        rows = self.db.execute(_HITS + table + where + _FILTER + _HITS_END, {
            **params, "exact": json.dumps([w for w in tokens if len(w) >= 3]), "folded": folded,
            "type": type_, "limit": limit, "offset": offset}).fetchall()
        found.hits = [IndexHit(iri, label, curie, t, type_label, bool(concept), context,
                               original, _field_name(f))
                      for iri, label, curie, t, type_label, concept, context, original, f, _s
                      in rows]
        return found

    def _by_iri(self, text: str, type_: str | None, kinds: tuple[str, ...]) -> Found:
        row = self.db.execute(_BY_IRI, {"iri": text, "type": type_,
                                        "kinds": json.dumps(kinds) if kinds else None}).fetchone()
        if row is None:
            return Found(0)
        hit = IndexHit(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6], text,
                       "identifier")
        return Found(1, [hit], [Facet(row[7] or row[3], row[4] or "untyped", 1)])


# The statements are constants joined from constant parts; every value is a named parameter.
# Text fields are numbered as in kgcase.search.FIELDS (0 label, 3 text, 4 own CURIE).
_MATCH = "t.folded MATCH :match"
#: Queries of one or two characters: the labels, synonyms and CURIEs they start (an index range).
_SCAN = "t.folded >= :scan AND t.folded < :scan_end"
_TEXTS = "texts t WHERE "
_NAMES = "names t WHERE "
_FILTER = (" AND NOT EXISTS (SELECT 1 FROM json_each(:short) j"
           " WHERE instr(' ' || t.folded, ' ' || j.value) = 0)"
           " AND (:kinds IS NULL OR t.rid IN (SELECT k.rid FROM kinds k"
           " WHERE k.kind IN (SELECT value FROM json_each(:kinds))))")
_FACETS = ("SELECT r.type, COALESCE(y.label, 'untyped'), y.curie, COUNT(*) FROM resources r"
           " LEFT JOIN types y ON y.type = r.type"
           " WHERE r.id IN (SELECT t.rid FROM ")
_FACETS_END = ") GROUP BY r.type ORDER BY COUNT(*) DESC, 2"
_HITS = ("SELECT r.iri, r.label, r.curie, r.type, y.label, r.concept, r.context,"
         " t.original, t.field,"
         " MIN((1 - r.concept) * 10000"
         " + CASE t.field WHEN 3 THEN 1000 WHEN 0 THEN 0 WHEN 4 THEN 0 ELSE 1 END"
         " + (SELECT COUNT(*) FROM json_each(:exact) j WHERE instr(t.folded, j.value) = 0) * 10"
         " + CASE WHEN t.folded = :folded THEN 0"
         " WHEN substr(t.folded, 1, length(:folded)) = :folded THEN 2"
         " WHEN instr(t.folded, :folded) > 0 THEN 4 ELSE 6 END) AS score"
         " FROM resources r LEFT JOIN types y ON y.type = r.type JOIN ")
_HITS_END = (" AND r.id = t.rid AND (:type IS NULL OR r.type = :type) GROUP BY t.rid"
             " ORDER BY score, length(r.label), r.label, r.iri LIMIT :limit OFFSET :offset")
_BY_IRI = ("SELECT r.iri, r.label, r.curie, r.type, y.label, r.concept, r.context, y.curie"
           " FROM resources r LEFT JOIN types y ON y.type = r.type WHERE r.iri = :iri"
           " AND (:type IS NULL OR r.type = :type)"
           " AND (:kinds IS NULL OR r.id IN (SELECT k.rid FROM kinds k"
           " WHERE k.kind IN (SELECT value FROM json_each(:kinds))))")


def _field_name(number: int) -> str:
    return FIELDS[number] if number < len(FIELDS) else "identifier"
