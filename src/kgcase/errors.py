"""The exceptions kgcase raises on bad input. Each says what is wrong, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: The most characters of a client's value an error message quotes.
QUOTE_LIMIT = 100


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as an error message quotes it: ``repr`` of at most ``limit`` characters.

    Whatever a client sent is echoed through here, so an 8 KB header comes back as ~100
    characters and control characters come back escaped.

    >>> quoted("a" * 200, 5)
    "'aaaaa'…"
    """
    text = str(value)
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


class KgcaseError(ValueError):
    """Base class of every kgcase error a user can act on."""

    status = 400


@dataclass
class Problem:
    """One defect in an input file: where it is, what is wrong, how to fix it."""

    path: Path | str
    line: int | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return f"{text} (fix: {self.hint})" if self.hint else text


@dataclass
class CaseFileError(KgcaseError):
    """One or more problems in a case file; ``problems`` lists each with file, line and field."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in case data"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)


class ShapeViolationError(CaseFileError):
    """The RDF built from a case breaks a SHACL shape in ``ontology/shapes/``."""


class ReasoningError(KgcaseError):
    """The ontology plus case data is inconsistent, or has unsatisfiable classes."""


class QueryParameterError(KgcaseError):
    """A named-query parameter is missing, of the wrong type, or not allowed."""


class QueryFileError(KgcaseError):
    """A ``queries/*.rq`` file whose header or body cannot be used."""


class StoreUnavailableError(KgcaseError):
    """No built store where one was expected, or a remote store that does not answer."""

    status = 503
