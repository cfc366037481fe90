"""SHACL gate: check a case graph against ``ontology/shapes/*.ttl`` with pyshacl.

A violation becomes a :class:`~kgcase.errors.Problem` that points back into the case file:
the focus node's IRI carries the ids (``…/patient/p1/measurement/crp/M0``) that lead to a line.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kgcase.errors import Problem, ShapeViolationError
from kgcase.model.load import LoadedCase
from kgcase.model.yamlpos import Loc, dotted, line_for

_COLLECTION = {
    "diagnosis": "diagnoses", "finding": "findings", "exposure": "exposures",
    "measurement": "measurements", "effect": "effects", "time": "time_points",
    "derived": "measurements",
}


def load_shapes(directory: Path) -> Graph:
    """All shape files of ``directory`` as one graph."""
    g = Graph()
    for path in sorted(directory.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def validate_case_graph(graph: Graph, shapes: Graph, loaded: LoadedCase) -> None:
    """Raise :class:`ShapeViolationError` listing each violation with file, line and field."""
    conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
    )
    if conforms:
        return
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "violates a shape"
        loc = locate(str(focus), loaded)
        field = dotted(loc) if loc else str(focus)
        prop = f" (property {path})" if isinstance(path, URIRef) else ""
        problems.append(
            Problem(loaded.path, line_for(loaded.lines, loc) if loc else None, field,
                    f"{message}{prop}", "see ontology/shapes/ for what this kind of fact needs")
        )
    raise ShapeViolationError(sorted(problems, key=lambda p: (p.line or 0, p.field)))


def locate(iri: str, loaded: LoadedCase) -> Loc | None:
    """Map an instance IRI minted from the case back to its place in the case file."""
    marker = f"/case/{loaded.case.id}/"
    if marker not in iri:
        return None
    parts = [unquote(p) for p in iri.split(marker, 1)[1].split("/")]
    if parts[0] != "patient" or len(parts) < 2:
        return ()
    patients = [p.id for p in loaded.case.patients]
    if parts[1] not in patients:
        return ()
    i = patients.index(parts[1])
    if len(parts) < 4 or parts[2] not in _COLLECTION:
        return ("patients", i)
    key = _COLLECTION[parts[2]]
    ids = [x.id for x in getattr(loaded.case.patients[i], key)]
    if parts[3] not in ids:
        return ("patients", i, key)
    loc: Loc = ("patients", i, key, ids.index(parts[3]))
    if parts[2] == "measurement" and len(parts) > 4:
        loc = (*loc, "values", parts[4])
    return loc
