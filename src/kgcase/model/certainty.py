"""The certainty check: no fact may be more certain than an ambiguity that concerns it allows.

An ambiguity records how sure the curators are of the way they resolved something the report
leaves unclear. Every fact it concerns rests on that resolution, so it cannot be surer: a cell
marked ``certain`` inside an ``uncertain`` ambiguity contradicts its own note. A concern path
``patient[/collection[/id[/time point]]]`` reaches the patient's facts, a collection, one fact,
or (for a measurement) one cell. A cell without its own certainty has its measurement's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kgcase.model.schema import Ambiguity, Case, CellValue, Measurement

Loc = tuple[str | int, ...]
Report = Callable[[Loc, str, str], None]

RANK = {"uncertain": 0, "probable": 1, "certain": 2}
COLLECTIONS = ("diagnoses", "findings", "exposures", "measurements", "effects")


def check_certainty(case: Case, report: Report) -> None:
    """Report every fact more certain than an ambiguity that concerns it (once per fact)."""
    seen: set[Loc] = set()
    for amb in case.ambiguities:
        for loc, what, certainty in _facts(case, amb):
            if RANK[certainty] > RANK[amb.certainty] and loc not in seen:
                seen.add(loc)
                report(
                    (*loc, "certainty"),
                    f"{what} is {certainty}, but ambiguity {amb.id!r}, which concerns it, "
                    f"is only {amb.certainty}",
                    f"mark it 'certainty: {amb.certainty}' (or lower) and say why in its note, "
                    f"or take it out of the ambiguity's concerns if the ambiguity does not "
                    f"bear on it",
                )


def _facts(case: Case, amb: Ambiguity) -> Iterator[tuple[Loc, str, str]]:
    index = {p.id: i for i, p in enumerate(case.patients)}
    for path in amb.concerns:
        parts = path.split("/")
        if parts[0] not in index:
            continue  # the concerns check reports it
        i = index[parts[0]]
        patient = case.patients[i]
        collections = [parts[1]] if len(parts) > 1 else list(COLLECTIONS)
        for key in collections:
            if key not in COLLECTIONS:
                continue
            for j, item in enumerate(getattr(patient, key)):
                if len(parts) > 2 and item.id != parts[2]:
                    continue
                loc: Loc = ("patients", i, key, j)
                name = f"{patient.id}/{key}/{item.id}"
                if isinstance(item, Measurement):
                    yield from _cells(item, loc, name, parts[3] if len(parts) > 3 else None)
                else:
                    yield loc, name, item.certainty


def _cells(m: Measurement, loc: Loc, name: str, only: str | None
           ) -> Iterator[tuple[Loc, str, str]]:
    own = [(tp, cell) for tp, cell in m.values.items() if cell is not None]
    if only is not None:
        own = [(tp, cell) for tp, cell in own if tp == only]
    inherited = [tp for tp, cell in own if not isinstance(cell, CellValue)]
    if inherited:
        yield loc, f"{name} (cells {', '.join(inherited)})", m.certainty
    for tp, cell in own:
        if isinstance(cell, CellValue):
            yield (*loc, "values", tp), f"{name} cell {tp}", cell.certainty
