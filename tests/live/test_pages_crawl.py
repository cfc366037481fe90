"""Follow every link from the home page (same origin, bounded): none answers 4xx or 5xx."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import requests

pytestmark = pytest.mark.live

#: Pages fetched at most (breadth first from the home page: every page type is reached early).
BOUND = 700
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class Links(HTMLParser):
    """Every ``href`` and ``src`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def crawl(base: str, bound: int) -> tuple[dict[str, int], set[str]]:
    """Status of each fetched URL (path + query), and the kinds of page seen."""
    origin = urlsplit(base).netloc
    status: dict[str, int] = {}
    queue, kinds = deque(["/"]), set()
    with requests.Session() as session:
        while queue and len(status) < bound:
            path = queue.popleft()
            if path in status:
                continue
            r = session.get(base + path, headers={"Accept": BROWSER}, timeout=30)
            status[path] = r.status_code
            html = r.headers.get("Content-Type", "").startswith("text/html")
            if r.status_code >= 400 or not html:
                continue
            kinds.update(k for k in ("class-view", "effects", "patient", "case-report", "claims",
                                     "results", "editor") if f'class="{k}' in r.text)
            parser = Links()
            parser.feed(r.text)
            for link in parser.found:
                url = urlsplit(urljoin(base + path, link))
                if url.netloc == origin and url.scheme in ("http", "https"):
                    target = url.path + (f"?{url.query}" if url.query else "")
                    if target not in status:
                        queue.append(target)
    return status, kinds


def test_pages_crawl_finds_no_broken_link(seed_server):
    status, kinds = crawl(seed_server.url, BOUND)
    broken = {path: code for path, code in status.items() if code >= 400}
    assert broken == {}
    assert len(status) == BOUND  # the graph has more pages than the bound
    assert {"class-view", "effects", "patient", "case-report", "claims"} <= kinds
    assert "/static/style.css" in status and "/static/app.js" in status
    assert any(p.endswith(".ttl") for p in status) and any(p.endswith(".json") for p in status)
