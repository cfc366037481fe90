"""Browser fixtures: headless Debian Chromium (driven by Playwright) and the servers it visits.

Chromium is the system package (``tests/browser/APT_PACKAGES``); Playwright never downloads a
browser here. A missing Chromium is a failure with a clear message, not a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from live.conftest import ROOT, LiveServer, build_release, run_server

CHROMIUM = Path(os.environ.get("KGCASE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile.trig"
HOSTILE_BASE = "https://example.org/kg/"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install the Debian packages in "
                    "tests/browser/APT_PACKAGES (apt-get install chromium chromium-driver), "
                    "or set KGCASE_CHROMIUM")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageProblems:
    """Console errors, page errors and dialogs seen while a test ran."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = PageProblems(tab)  # type: ignore[attr-defined]
    yield tab
    context.close()


@pytest.fixture(scope="session")
def pages_server(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[LiveServer]:
    """The real seed build with the real named queries, as in ``tests/live``."""
    with run_server(built_data_dir, tmp_path_factory.mktemp("browser-logs"),
                    queries_dir=ROOT / "queries") as server:
        yield server


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A tiny release whose labels are markup and script, served under its own base IRI."""
    data_dir = tmp_path_factory.mktemp("hostile-data")
    build_release(data_dir, source=HOSTILE, release_id="hostile-1")
    with run_server(data_dir, tmp_path_factory.mktemp("hostile-logs"),
                    "--base-iri", HOSTILE_BASE, queries_dir=ROOT / "queries") as server:
        yield server


@pytest.fixture
def shoot():
    """:func:`screenshot`, for tests."""
    return screenshot


def screenshot(page: Page, name: str, *, docs: bool = False, full_page: bool = False) -> Path:
    """Save a screenshot to tests/artifacts/ (and, with KGCASE_DOC_SCREENSHOTS=1 and ``docs``,
    a copy to docs/screenshots/, which is how the pictures in the docs were made)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if docs and os.environ.get("KGCASE_DOC_SCREENSHOTS") == "1":
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SCREENSHOTS / path.name)
    return path
