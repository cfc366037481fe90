"""A local HTTP listener that counts the requests it gets: the stand-in for an internal service
that a smuggled SERVICE or LOAD would reach (tests of the gate and the sandbox)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Listener:
    """A running listener: its URL and how many requests reached it."""

    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        self.hits = 0
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.hits += 1
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"


@contextmanager
def listening(status: int = 200, body: bytes = b"<html>an internal page</html>",
              content_type: str = "text/html") -> Iterator[Listener]:
    """Serve a :class:`Listener` on a free loopback port while the block runs."""
    listener = Listener(status, body, content_type)
    thread = threading.Thread(target=listener.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        listener.server.shutdown()
        listener.server.server_close()
