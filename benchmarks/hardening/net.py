"""Clients of the hardening benchmark: one timed request from a chosen loopback address, a
listener that counts the requests a server is tricked into sending, and connections that send
their body or headers one byte at a time."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Probe:
    """One request: its status (``None``: no answer, see ``error``), wall time and bytes."""

    status: int | None
    seconds: float
    size: int = 0
    error: str = ""
    headers: dict[str, str] | None = None
    body: bytes = b""


def request(url: str, path: str, *, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 10.0,
            source: str | None = None, keep: bool = False) -> Probe:
    """Send one request on a new connection (from ``source``, a loopback address, if given) and
    read the whole answer (kept in ``body`` if ``keep``); never raises. ``timeout`` bounds
    connecting and each read, ten times it the whole answer."""
    parts = urlsplit(url)
    started = time.monotonic()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        size, kept = 0, []
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if keep:
                kept.append(chunk)
            if time.monotonic() - started > 10 * timeout:  # a dribbled answer, bounded too
                raise TimeoutError(f"answer still coming after {10 * timeout:g} s")
        return Probe(response.status, time.monotonic() - started, size,
                     headers={k.lower(): v for k, v in response.getheaders()},
                     body=b"".join(kept))
    except (OSError, http.client.HTTPException) as e:
        return Probe(None, time.monotonic() - started, error=type(e).__name__)
    finally:
        conn.close()


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile, ``None`` of nothing."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summarise(probes: Iterable[Probe]) -> dict[str, Any]:
    """Count, status codes and p50/p99/max (ms) of the answered probes; ``no_answer`` counts
    those without a status."""
    probes = list(probes)
    ms = [p.seconds * 1000 for p in probes if p.status is not None]
    statuses = Counter(str(p.status) if p.status is not None else "none" for p in probes)
    return {"count": len(probes), "answered": len(ms), "no_answer": len(probes) - len(ms),
            "statuses": dict(sorted(statuses.items())),
            "p50_ms": _round(percentile(ms, 50)), "p99_ms": _round(percentile(ms, 99)),
            "max_ms": _round(max(ms) if ms else None)}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def staggered(calls: list[Callable[[], Probe]], gap_s: float) -> list[Probe]:
    """Start each call ``gap_s`` after the previous one, each in a thread of its own (so a
    call that gets no answer does not delay the next); return their probes in order."""
    out: list[Probe | None] = [None] * len(calls)

    def run(i: int) -> None:
        out[i] = calls[i]()

    threads = []
    for i in range(len(calls)):
        t = threading.Thread(target=run, args=(i,), daemon=True)
        t.start()
        threads.append(t)
        time.sleep(gap_s)
    for t in threads:
        t.join()
    return [p if p is not None else Probe(None, 0.0, error="thread") for p in out]


class _Counting(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        body = b"an internal page"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


class Listener:
    """An HTTP server on loopback that counts the requests it gets, in a ``with`` block:
    it stands for an internal service a query should never reach."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
        self._server.hits = 0  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/x"

    @property
    def hits(self) -> int:
        return self._server.hits  # type: ignore[attr-defined]

    def __enter__(self) -> Listener:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def slow_body_head(host: str, length: int = 100_000) -> bytes:
    """The complete head of a ``POST /sparql`` whose body will come a byte at a time."""
    return (f"POST /sparql HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {length}\r\n\r\nquery=").encode()


def slow_header_head(host: str) -> bytes:
    """The start of a head whose last header line will never end."""
    return f"GET /api/health HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode()


class SlowClients:
    """Connections that each sent a head and then send one byte every ``every_s`` from one
    thread, while in a ``with`` block; closed on leaving it.

    ``opened`` counts the connections made, ``refused`` those that could not be, and
    :meth:`still_open` those the server has not closed (a send fails once it has)."""

    def __init__(self, url: str, heads: list[bytes], every_s: float = 2.0,
                 connect_timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.heads, self.every_s, self.connect_timeout = heads, every_s, connect_timeout
        self.sockets: list[socket.socket] = []
        self.alive: list[bool] = []
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drip, daemon=True)

    @property
    def opened(self) -> int:
        return len(self.sockets)

    def still_open(self) -> int:
        return sum(self.alive)

    def _open(self, head: bytes) -> None:
        try:
            sock = socket.create_connection(self.address, timeout=self.connect_timeout)
            sock.sendall(head)
            sock.setblocking(False)
        except OSError:
            self.refused += 1
            return
        self.sockets.append(sock)
        self.alive.append(True)

    def _drip(self) -> None:
        while not self._stop.wait(self.every_s):
            for i, sock in enumerate(self.sockets):
                if not self.alive[i]:
                    continue
                self.alive[i] = self._poke(sock)

    @staticmethod
    def _poke(sock: socket.socket) -> bool:
        """Send the next byte; whether the server still waits for more (it has not closed
        the connection, answered it, or stopped reading it)."""
        try:
            if sock.recv(1 << 12) is not None:  # b"": closed; bytes: answered (408, 400, …)
                return False
        except BlockingIOError:
            pass  # nothing to read: still waiting for us
        except OSError:
            return False
        try:
            return sock.send(b"x") == 1
        except OSError:  # reset, or the send buffer full
            return False

    def __enter__(self) -> SlowClients:
        for head in self.heads:
            self._open(head)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self.sockets:
            sock.close()
