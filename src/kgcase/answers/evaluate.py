"""Run the materialised queries over a few case reports at a time, in a build's workers.

Each worker keeps one in-memory pyoxigraph store holding the ontology and HermiT's
classification. For each batch of reports it loads their quads (their inferred triples into a
scratch graph, since the inferred graph also holds the classification), runs every plan with its
parameters unbound over the union of the graphs, and removes the reports again. A batch of
:data:`BATCH` reports costs least per report: one at a time pays each query's fixed cost per
report, and larger batches make some unbound joins grow faster than the reports
(docs/decisions.md, "8 reports per batch").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from kgcase.answers.plan import AnswerPlan, natural_parts, param_key, sort_key
from kgcase.iris import inferred_graph_iri
from kgcase.store.sparql_json import binding_json, plain_json

#: Reports per evaluation (see the module docstring).
BATCH = 8
#: Batches after which the in-memory store is made afresh: removed quads leave versions behind
#: in it, so it grows, and its scans slow down, with every batch.
RENEW_EVERY = 64
SCRATCH_GRAPH = "urn:x-kgcase:answers-scratch"

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
        self.store.load(text.encode(), format=ox.RdfFormat.N_QUADS)
        try:
            return [row for plan in self.plans for row in plan_rows(self.store, plan)]
        finally:
            for graph in (*graphs, SCRATCH_GRAPH):
                self.store.remove_graph(ox.NamedNode(graph))


def plan_rows(store: ox.Store, plan: AnswerPlan) -> Iterator[AnswerRow]:
    """The rows of ``plan`` on ``store``, with its parameters unbound.

    A row whose parameters are not all IRIs (a blank node: an anonymous class) is left out: no
    request can bind a parameter to it.
    """
    order = plan.order
    for solution in store.query(plan.sparql, use_default_graph_as_union=True):
        if not all(isinstance(solution[p], ox.NamedNode) for p in plan.params):
            continue
        row = {c: solution[c] for c in plan.columns if solution[c] is not None}
        for column, separator in plan.concat:
            value = row.get(column)
            if isinstance(value, ox.Literal) and separator in value.value:
                row[column] = ox.Literal(natural_parts(value.value, separator),
                                         datatype=value.datatype)
        text = binding_json(row)
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest() if plan.distinct else None
        yield (plan.name, param_key([solution[p] for p in plan.params]),
               sort_key([solution[v] for v, _ in order], order), text, plain_json(row), digest)
