"""Fixtures of the drafting tests."""

from __future__ import annotations

from typing import Any

import pytest

from draft.support import DATA, draft_of


@pytest.fixture(scope="session")
def negation_case() -> dict[str, Any]:
    return draft_of(DATA / "negation-report.txt")[0]
