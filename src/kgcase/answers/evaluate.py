"""Run the materialised queries over a few case reports at a time, in a build's workers.

Each worker keeps one in-memory pyoxigraph store holding the ontology and HermiT's
classification. For each batch of reports it loads their quads (their inferred triples into a
scratch graph, since the inferred graph also holds the classification), runs every plan with its
parameters unbound over the union of the graphs, and removes the reports again. A batch of
:data:`BATCH` reports costs less per report than smaller ones, since each query pays its fixed
cost once per batch (docs/decisions.md, "32 reports per batch").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from kgcase.answers.plan import AnswerPlan, encode_value, natural_parts, param_key, sort_key
from kgcase.iris import inferred_graph_iri
from kgcase.store.sparql_json import Term, term_texts

#: Reports per evaluation (see the module docstring).
BATCH = 32
#: Batches after which the in-memory store is made afresh: removed quads leave versions behind
#: in it, so it grows, and its scans slow down, with every batch.
RENEW_EVERY = 512 // BATCH
SCRATCH_GRAPH = "urn:x-kgcase:answers-scratch"
#: Bytes of a row's digest that end its sort key (see :func:`plan_rows`).
TIEBREAK = 8

#: One answer row: query, parameter key, sort key, the row's SPARQL JSON and plain JSON (the
#: API's default form), and for a DISTINCT query a digest of the SPARQL JSON (the table keeps
#: one row per digest and parameter).
AnswerRow = tuple[str, str, bytes, str, str, bytes | None]


class Evaluator:
    """The ontology in memory, and the plans to run over each batch of reports."""

    def __init__(self, ontology_nquads: str, tbox_ntriples: str,
                 plans: Sequence[AnswerPlan]) -> None:
        self.plans = tuple(plans)
        self._ontology = (ontology_nquads.encode(), tbox_ntriples.encode())
        self._inferred = f" <{inferred_graph_iri()}> .\n"
        self._scratch = f" <{SCRATCH_GRAPH}> .\n"
        self._batches = 0
        self.store = self._fresh_store()
        self.formatter = RowFormatter()

    def _fresh_store(self) -> ox.Store:
        store = ox.Store()
        store.load(self._ontology[0], format=ox.RdfFormat.N_QUADS)
        store.load(self._ontology[1], format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(inferred_graph_iri()))
        return store

    def rows(self, nquads: Sequence[str], graphs: Sequence[str]) -> list[AnswerRow]:
        """Every plan's rows over the ontology and these reports (their N-Quads and graphs)."""
        self._batches += 1
        if self._batches % RENEW_EVERY == 0:
            self.store = self._fresh_store()
        text = "".join(nquads).replace(self._inferred, self._scratch)
        # Lenient (IRIs not checked again): this is a scratch copy of quads that the build's
        # store loads, and checks, as they are.
        self.store.load(text.encode(), format=ox.RdfFormat.N_QUADS, lenient=True)
        try:
            return [row for plan in self.plans
                    for row in plan_rows(self.store, plan, self.formatter)]
        finally:
            for graph in (*graphs, SCRATCH_GRAPH):
                self.store.remove_graph(ox.NamedNode(graph))


def plan_rows(store: ox.Store, plan: AnswerPlan,
              formatter: RowFormatter | None = None) -> Iterator[AnswerRow]:
    """The rows of ``plan`` on ``store``, with its parameters unbound.

    A row whose parameters are not all IRIs (a blank node: an anonymous class) is left out: no
    request can bind a parameter to it.
    """
    fmt = formatter or RowFormatter()
    order, params, columns = plan.order, plan.params, plan.columns
    solutions = store.query(plan.sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        # A solution iterates its values in the order of its variables: one zip, instead of a
        # lookup by name for every column (a third of this loop's time).
        values = dict(zip(names, solution, strict=True))
        if not all(isinstance(values[p], ox.NamedNode) for p in params):
            continue
        row = {c: values[c] for c in columns if values[c] is not None}
        for column, separator in plan.concat:
            value = row.get(column)
            if isinstance(value, ox.Literal) and separator in value.value:
                row[column] = ox.Literal(natural_parts(value.value, separator),
                                         datatype=value.datatype)
        text, plain = fmt.row(row)
        whole = hashlib.blake2b(text.encode(), digest_size=16).digest()
        digest = whole if plan.distinct else None
        # The row's own digest ends its sort key: rows with equal ORDER BY values come in one
        # order whichever batch, or build, added them (kgcase.incremental updates the tables).
        yield (plan.name, param_key([values[p] for p in params]),
               sort_key([values[v] for v, _ in order], order, fmt.encoded) + whole[:TIEBREAK],
               text, plain, digest)


class RowFormatter:
    """:func:`binding_json`, :func:`plain_json` and sort-key parts of rows, each term once.

    A batch's rows repeat the same few terms (its drugs, targets, labels, the ontology's
    classes), so each term's JSON and sort-key bytes are made once and the rows are joined from
    them: the same text as the functions give, at a fraction of their cost.
    """

    LIMIT = 200_000  # terms kept before the cache starts afresh

    def __init__(self) -> None:
        self._terms: dict[Term, tuple[str, str]] = {}
        self._keys: dict[object, bytes] = {}
        self._names: dict[str, str] = {}

    def row(self, row: dict[str, Term]) -> tuple[str, str]:
        """The row's SPARQL JSON and plain JSON object texts."""
        if len(self._terms) > self.LIMIT:
            self._terms.clear()
        names, terms = self._names, self._terms
        sparql, plain = [], []
        for variable, term in row.items():
            name = names.get(variable)
            if name is None:
                name = names[variable] = json.dumps(variable, ensure_ascii=False)
            parts = terms.get(term)
            if parts is None:
                parts = terms[term] = term_texts(term)
            sparql.append(f"{name}:{parts[0]}")
            plain.append(f"{name}: {parts[1]}")
        return "{" + ",".join(sparql) + "}", "{" + ", ".join(plain) + "}"

    def encoded(self, value: object) -> bytes:
        """:func:`kgcase.answers.plan.encode_value`, cached."""
        if len(self._keys) > self.LIMIT:
            self._keys.clear()
        found = self._keys.get(value)
        if found is None:
            found = self._keys[value] = encode_value(value)
        return found
