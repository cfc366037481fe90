"""The error every reader raises: which file, what is wrong with it, how to fix it."""

from __future__ import annotations

from pathlib import Path

from kgcase.errors import KgcaseError


class ReaderError(KgcaseError):
    """An input that cannot be read; nothing is written for it."""

    def __init__(self, path: Path, problem: str, hint: str = "") -> None:
        self.path, self.problem, self.hint = Path(path), problem, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.path}: {self.problem}"
        return f"{text} (fix: {self.hint})" if self.hint else text
