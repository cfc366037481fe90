"""An RSGI app in front of the Flask (WSGI) app: a request reaches Flask only once it is whole.

granian's WSGI interface reads the request body on the HTTP thread, so a client that sends its
body slowly holds a thread, and a few such clients hold them all. Here the body is read on
granian's event loop under a total deadline (``body_timeout_s``, 408 after) and a byte cap
(``max_body_bytes``, 413: before reading when Content-Length says so, and for a chunked body as
soon as it passes the cap); a client address has at most ``client_requests`` requests in
progress (429 beyond). Only then does the Flask app run, on one of ``threads`` threads, with the
body in memory (docs/decisions.md, "Requests reach the app whole").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import io
import json
import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from granian.rsgi import ProtocolClosed

from kgcase.config import Settings
from kgcase.web.errors import error_body

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Headers = list[tuple[str, str]]
#: What a job returns to the event loop: status, headers, body.
Answer = tuple[int, Headers, bytes]

#: Seconds a client refused for too many requests in progress is told to wait.
RETRY_AFTER_S = 1
_SPECIAL = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}
#: WSGI environ key of each header name seen so far (a few dozen names in practice).
_KEYS: dict[str, str] = {}


def _environ_key(name: str) -> str:
    key = _KEYS.get(name)
    if key is None:
        key = _SPECIAL.get(name) or "HTTP_" + name.upper().replace("-", "_")
        if len(_KEYS) < 1000:  # names are client-chosen: keep the table bounded
            _KEYS[name] = key
    return key


def _address(host_port: str) -> tuple[str, str]:
    """``("::1", "8000")`` from granian's ``"[::1]:8000"``."""
    host, _, port = host_port.rpartition(":")
    return host.strip("[]"), port


class Refused(Exception):
    """A request answered by the bridge itself, never shown to the app."""

    def __init__(self, status: int, message: str, headers: Headers | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers or []

    def answer(self, path: str, cors_origin: str) -> Answer:
        """The answer the app would give: JSON under ``/api``, plain text elsewhere
        (:func:`kgcase.web.errors.render_error`), with the CORS header a browser needs to read
        it."""
        if path.startswith("/api"):
            body = json.dumps(error_body(str(self), self.status)).encode()
            kind = "application/json"
        else:
            body, kind = f"{self}\n".encode(), "text/plain; charset=utf-8"
        cors = [("access-control-allow-origin", cors_origin)] if cors_origin else []
        return self.status, [("content-type", kind), *cors, *self.headers], body


class ThreadPool:
    """``size`` daemon threads running WSGI calls; each result is set on its asyncio future.

    Leaner than ``loop.run_in_executor``: no ``concurrent.futures`` future chained to an
    asyncio one, and the results that finish while the event loop is busy reach it with one
    wake-up (a wake-up is a pipe write and read). Made for one event loop (a granian worker
    process has one). Daemon threads do not hold up the exit."""

    def __init__(self, size: int) -> None:
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.done: collections.deque[tuple[asyncio.Future[Answer], Any, Any]] = (
            collections.deque())
        self.lock = threading.Lock()
        self.woken = False  # a drain is scheduled on the loop and has not started
        for i in range(size):
            threading.Thread(target=self._work, name=f"http-{i}", daemon=True).start()

    def run(self, call: Callable[[Any], Answer], arg: Any) -> asyncio.Future[Answer]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.jobs.put((loop, future, call, arg))
        return future

    def _work(self) -> None:
        while True:
            loop, future, call, arg = self.jobs.get()
            result: Any = None
            error: BaseException | None = None
            try:
                result = call(arg)
            except BaseException as exc:  # handed to the request that waits for it
                error = exc
            with self.lock:
                self.done.append((future, result, error))
                wake, self.woken = not self.woken, True
            if wake:
                with contextlib.suppress(RuntimeError):  # the loop closed: the server stops
                    loop.call_soon_threadsafe(self._drain)
            del loop, future, arg, result, error

    def _drain(self) -> None:
        with self.lock:
            self.woken = False
            done, self.done = self.done, collections.deque()
        for future, result, error in done:
            if future.cancelled():
                continue
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)


def call_wsgi(app: WSGIApp, environ: dict[str, Any]) -> Answer:
    """Run ``app`` on ``environ``; the whole answer, its iterable read and closed."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: Headers, exc_info: Any = None) -> Callable[..., Any]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if written:
        body = b"".join(written) + body
    return int(started[0][:3]), started[1], body


class Bridge:
    """The RSGI app granian calls: limits, then the body, then ``app`` on a thread."""

    def __init__(self, app: WSGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.body_timeout_s = settings.body_timeout_s
        self.per_client = settings.client_requests
        self.cors_origin = settings.cors_origin
        self.in_progress: dict[str, int] = {}  # touched on the event loop only: no lock
        self.pool = ThreadPool(settings.threads)
        self.base: dict[str, Any] = {
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SCRIPT_NAME": "",
            "SERVER_SOFTWARE": "kgcase",
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            # werkzeug reads wsgi.input to its end (the body is in memory) when this is set.
            "wsgi.input_terminated": True,
        }
        self._call = self._run  # bound once, not per request

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return
        client = _address(scope.client)[0]
        held = self.in_progress.get(client, 0)
        try:
            if self.per_client and held >= self.per_client:
                raise Refused(
                    429, f"{held} requests from {client} are already in progress, the most one "
                    f"client may have (setting client_requests); retry when one has finished",
                    [("retry-after", str(RETRY_AFTER_S))])
            self.in_progress[client] = held + 1
            try:
                body = await self._body(scope, protocol)
                status, headers, payload = await self.pool.run(
                    self._call, self._environ(scope, client, body))
            finally:
                if (left := self.in_progress[client] - 1) > 0:
                    self.in_progress[client] = left
                else:
                    del self.in_progress[client]
        except Refused as refused:
            protocol.response_bytes(*refused.answer(scope.path, self.cors_origin))
            return
        except ProtocolClosed:
            return  # the client left before its body was whole: nobody to answer
        protocol.response_bytes(status, headers, payload)

    async def _body(self, scope: Any, protocol: Any) -> bytes:
        """The whole body (``b""`` when the request has none), or :class:`Refused`."""
        headers = scope.headers
        length = headers.get("content-length")
        if length is None and "transfer-encoding" not in headers:
            return b""  # HTTP/1.1: neither header, no body
        expected = None if length is None else int(length)  # hyper checked it is a number
        if expected is not None and expected > self.max_body:
            raise self._too_large(f"the request body is {length} bytes")
        chunks: list[bytes] = []
        try:
            async with asyncio.timeout(self.body_timeout_s):
                if expected is not None:  # hyper reads no more than it says: one await
                    chunks.append(await protocol())
                else:
                    size = 0
                    async for chunk in protocol:
                        size += len(chunk)
                        if size > self.max_body:
                            raise self._too_large(
                                f"the request body is over {self.max_body} bytes")
                        chunks.append(chunk)
        except TimeoutError:
            raise Refused(
                408, f"the request body did not arrive within {self.body_timeout_s:g} s "
                f"(setting body_timeout_s); send it at once") from None
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if expected is not None and len(body) < expected:
            # granian ends the body early when the client goes: never run a cut request.
            # (A chunked body cut so cannot be told from a whole one here.)
            raise Refused(400, f"the request body ended after {len(body)} of {expected} bytes")
        return body

    def _too_large(self, what: str) -> Refused:
        return Refused(413, f"{what}; the limit is {self.max_body} bytes (setting "
                            "max_body_bytes): send a shorter query or ask for less")

    def _environ(self, scope: Any, client: str, body: bytes) -> dict[str, Any]:
        """The PEP 3333 environ of a request (``body`` already read)."""
        environ = self.base.copy()
        path = scope.path  # granian percent-decoded it as UTF-8; WSGI wants it as latin-1
        server_name, server_port = _address(scope.server)
        environ.update({
            "REQUEST_METHOD": scope.method,
            "PATH_INFO": path if path.isascii() else path.encode().decode("latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server_name,
            "SERVER_PORT": server_port,
            "SERVER_PROTOCOL": "HTTP/" + scope.http_version,
            "REMOTE_ADDR": client,
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
        })
        for name, value in scope.headers.items():
            key = _environ_key(name)
            if key in environ and key.startswith("HTTP_"):  # a repeated header: one value
                environ[key] += ("; " if key == "HTTP_COOKIE" else ",") + value
            else:
                environ[key] = value
        if body and "CONTENT_LENGTH" not in environ:
            environ["CONTENT_LENGTH"] = str(len(body))  # a chunked body, now counted
        return environ

    def _run(self, environ: dict[str, Any]) -> Answer:
        try:
            return call_wsgi(self.app, environ)
        except Exception:
            log.exception("the app failed on %s %s", environ["REQUEST_METHOD"],
                          environ["PATH_INFO"])
            return Refused(500, "internal error: the server failed on this request").answer(
                environ["PATH_INFO"], self.cors_origin)
