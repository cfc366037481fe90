"""The class tree, as OLS draws it: the path from a top class down to this one, its siblings and
its children, each node expandable.

The page draws the tree as nested lists (it works without JavaScript); ``/api/tree?iri=`` answers
one node's children as JSON, which ``app.js`` fetches when a node is opened. Asserted and
inferred subclass links both count (the reasoner's are in ``…/graph/inferred``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify, request

from kgcase.errors import QueryParameterError, quoted
from kgcase.web.pages.describe import Entity
from kgcase.web.pages.model import Ref, node_ref, ref
from kgcase.web.pages.runner import iri, select
from kgcase.web.pages.sparqltext import PREFIXES
from kgcase.web.pages.units import time_key

#: Most children listed under one node (the rest are counted and linked to the class's page).
CHILDREN = 200
#: Deepest path drawn from a top class.
DEPTH = 30

#: A class's named superclasses, and theirs, up to the top: the edges of its ancestry.
ANCESTRY = PREFIXES + """
SELECT ?s ?a ?al ?p WHERE {
  ?s rdfs:subClassOf* ?a . FILTER(isIRI(?a) && ?a != owl:Thing)
  OPTIONAL { ?a rdfs:label ?al }
  OPTIONAL { ?a rdfs:subClassOf ?p . FILTER(isIRI(?p) && ?p != ?a && ?p != owl:Thing) }
} LIMIT 5000"""

#: A class's named subclasses, with whether each has subclasses of its own.
CHILDREN_OF = PREFIXES + f"""
SELECT ?s ?c ?cl ?more WHERE {{
  {{ SELECT DISTINCT ?s ?c WHERE {{
       ?c rdfs:subClassOf ?s . FILTER(isIRI(?c) && ?c != ?s)
       FILTER NOT EXISTS {{ ?c rdfs:subClassOf ?m . ?m rdfs:subClassOf ?s .
                           FILTER(isIRI(?m) && ?m != ?c && ?m != ?s) }}
     }} LIMIT {CHILDREN + 1} }}
  OPTIONAL {{ ?c rdfs:label ?cl }}
  BIND(EXISTS {{ ?g rdfs:subClassOf ?c . FILTER(isIRI(?g) && ?g != ?c) }} AS ?more)
}}"""


#: The ontology's top classes: named classes with no named superclass.
TOP_CLASSES = PREFIXES + f"""
SELECT ?c ?cl ?more WHERE {{
  {{ SELECT DISTINCT ?c WHERE {{
       ?c a owl:Class . FILTER(isIRI(?c) && ?c != owl:Thing)
       FILTER NOT EXISTS {{ ?c rdfs:subClassOf ?p .
                           FILTER(isIRI(?p) && ?p != ?c && ?p != owl:Thing) }}
     }} LIMIT {CHILDREN + 1} }}
  OPTIONAL {{ ?c rdfs:label ?cl }}
  BIND(EXISTS {{ ?g rdfs:subClassOf ?c . FILTER(isIRI(?g) && ?g != ?c) }} AS ?more)
}}"""
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"


@dataclass
class Node:
    ref: Ref
    more: bool = False
    here: bool = False
    children: list[Node] = field(default_factory=list)
    cut: bool = False  # more children than listed


def children(target: str | None) -> tuple[list[Node], bool]:
    """The subclasses of ``target`` (at most :data:`CHILDREN`), and whether there are more;
    without a target, the top classes."""
    rows = select(CHILDREN_OF, s=iri(target)) if target else select(TOP_CLASSES)
    seen: dict[str, Node] = {}
    for row in rows:
        key = row["c"].value
        if key not in seen:
            seen[key] = Node(node_ref(row["c"], row.get("cl")),
                             more=row.get("more") is not None and row["more"].value == "true")
    nodes = sorted(seen.values(), key=lambda n: time_key(n.ref.label))
    return nodes[:CHILDREN], len(nodes) > CHILDREN


def _path(target: str) -> list[Ref]:
    """One path from a top class down to ``target`` (the first direct parent by label)."""
    parents: dict[str, list[str]] = {}
    labels: dict[str, Ref] = {}
    for row in select(ANCESTRY, s=iri(target)):
        a = row["a"].value
        labels.setdefault(a, node_ref(row["a"], row.get("al")))
        if "p" in row:
            parents.setdefault(a, [])
            if row["p"].value not in parents[a]:
                parents[a].append(row["p"].value)
    path, here = [target], target
    while len(path) < DEPTH:
        ups = _direct([p for p in parents.get(here, []) if p not in path and p in labels],
                      parents)
        if not ups:
            break
        here = min(ups, key=lambda p: time_key(labels[p].label))
        path.append(here)
    return [labels.get(p) or ref(p) for p in reversed(path)]


def _direct(ups: list[str], parents: dict[str, list[str]]) -> list[str]:
    """``ups`` without those that are also above another of them (the reasoner's graph holds
    every entailed superclass, not only the direct ones)."""
    def above(x: str) -> set[str]:
        seen: set[str] = set()
        todo = list(parents.get(x, []))
        while todo:
            y = todo.pop()
            if y not in seen and y != x:
                seen.add(y)
                todo.extend(parents.get(y, []))
        return seen
    indirect = set().union(*(above(u) for u in ups)) if ups else set()
    return [u for u in ups if u not in indirect] or ups


def class_tree(target: str) -> Node | None:
    """The tree drawn on a class's page: the path from its top class, the siblings at the last
    step, and the class's own children."""
    path = _path(target)
    if not path:
        return None
    own, own_cut = children(target)
    if len(path) == 1:
        return Node(path[0], more=bool(own), here=True, children=own, cut=own_cut)
    siblings, sib_cut = children(path[-2].iri)
    here = next((n for n in siblings if n.ref.iri == target), None)
    if here is None:
        here = Node(path[-1])
        siblings.insert(0, here)
    here.here, here.children, here.cut, here.more = True, own, own_cut, bool(own)
    node = Node(path[-2], more=True, children=siblings, cut=sib_cut)
    for step in reversed(path[:-2]):
        node = Node(step, more=True, children=[node])
    return node


def tree_api() -> Response:
    """``/api/tree?iri=<class>``: the class's subclasses, for expanding a tree node."""
    given = request.args.getlist("iri")
    if len(given) != 1 or not given[0].strip():
        raise QueryParameterError("give exactly one 'iri' parameter: /api/tree?iri=<class IRI>")
    try:
        target = iri(given[0].strip()).value
    except ValueError as exc:
        raise QueryParameterError(f"iri={quoted(given[0])} is not an IRI: "
                                  f"{quoted(exc, 200)}") from None
    nodes, cut = children(target)
    body: dict[str, Any] = {
        "ok": True, "iri": target, "more": cut,
        "children": [{"iri": n.ref.iri, "label": n.ref.label, "href": n.ref.href,
                      "curie": n.ref.curie, "has_children": n.more} for n in nodes]}
    return jsonify(body)


def add_tree_section(entity: Entity) -> None:
    """A class's page gets its place in the tree; the ontology's page a class browser (its top
    classes), and its ``owl:imports`` are shown as what they are: merged into the document."""
    if entity.klass is not None:
        tree = class_tree(entity.iri)
        if tree is not None:
            entity.sections["tree"] = tree
    if "ontology" in entity.kinds:
        tops, cut = children(None)
        entity.sections["browser"] = Node(ref(entity.iri), children=tops, cut=cut)
        imported: list[Ref] = []
        groups = []
        for name, props in entity.groups:
            kept = []
            for prop in props:
                if prop.predicate.iri == OWL_IMPORTS:
                    imported += [v.ref for v in prop.values if v.ref]
                else:
                    kept.append(prop)
            if kept:
                groups.append((name, kept))
        entity.groups = groups
        entity.sections["merged imports"] = imported
