"""Run the app under granian: a Rust HTTP server that calls the Flask app through a bridge.

granian parses HTTP, keeps connections and writes responses outside the interpreter, so the one
core a Python process can use goes to the app; per request it costs about half of what waitress
did (docs/decisions.md, "granian serves HTTP"). Its main process binds the port and supervises
``processes`` worker processes that accept on the shared socket: it replaces one that dies and
stops them all on SIGTERM or Ctrl-C. Each worker process builds its own app
(:func:`app_factory`), with its own query workers and result cache. granian calls it through
RSGI: :class:`kgcase.web.bridge.Bridge` reads each request whole on granian's event loop, then
runs the Flask app on one of ``threads`` threads, so a slow client holds no thread
(docs/decisions.md, "Requests reach the app whole").

The settings reach the worker processes as JSON in the environment variable
``KGCASE_SERVE_SETTINGS``, and each builds its app only then, so no thread, pipe or store of the
main process is carried into a worker, whether granian forks or spawns it.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import logging
import os
import signal
import socket

from flask import Flask
from granian.constants import HTTPModes, Interfaces, Loops
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import Server

from kgcase.config import Settings
from kgcase.web import create_app, start_workers, stop_workers
from kgcase.web.bridge import Bridge
from kgcase.web.service import EXTENSION
from kgcase.web.worker import die_with_parent

SETTINGS_ENV = "KGCASE_SERVE_SETTINGS"
#: Seconds a worker process gets to finish its requests when the server stops.
STOP_GRACE_S = 10


def app_factory() -> Bridge:
    """The app of one HTTP worker process, behind its bridge (RSGI)."""
    app = flask_factory()
    return Bridge(app, app.extensions[EXTENSION].settings)


def flask_factory() -> Flask:
    """The Flask app of one HTTP worker process, from the settings its server passed on.

    granian calls this before it installs the worker's own signal handlers, and until then the
    worker holds the handlers it inherited from the main process, which would swallow a SIGTERM
    sent while the app is being built and leave the worker serving after the server stopped.
    So the default actions are restored first, and the worker dies with the main process.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    die_with_parent()
    settings = Settings(**json.loads(os.environ[SETTINGS_ENV]))
    app = create_app(settings)
    start_workers(app)
    atexit.register(stop_workers, app)
    return app


def free_port(settings: Settings) -> int:
    """The port to serve on: ``settings.port``, or a free one for 0.

    :raises OSError: the port is taken (checked here so that the error is ours, and clear).
    """
    info = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM,
                              flags=socket.AI_PASSIVE)[0]
    with socket.socket(info[0], socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(info[4])
        return int(probe.getsockname()[1])


def url_of(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


class _ThreadCountFilter(logging.Filter):
    """Drop granian's advice to run fewer threads than ``threads``: it assumes each thread
    competes for the interpreter, but ours mostly wait on a query worker's pipe, and a thread
    waiting there is one fewer for the quick requests (docs/decisions.md)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Python threads" not in record.getMessage()


def run(settings: Settings, port: int, *, bridge: bool = True) -> None:
    """Serve until SIGTERM or Ctrl-C: granian's main process here, its workers below it.

    ``bridge=False`` serves the Flask app through granian's own WSGI interface instead, where a
    slow client holds a thread: only for measuring what the bridge costs (benchmarks/).
    """
    logging.getLogger("_granian").addFilter(_ThreadCountFilter())
    os.environ[SETTINGS_ENV] = json.dumps(dataclasses.asdict(settings) | {"port": port})
    server = Server(
        "kgcase.web.serve:" + ("app_factory" if bridge else "flask_factory"),
        factory=True,
        address=settings.host,
        port=port,
        interface=Interfaces.RSGI if bridge else Interfaces.WSGI,
        http=HTTPModes.http1,
        # granian's default HTTP/1 buffer (408 KB) holds any request line that max_url_bytes
        # allows (at most 65 000, kgcase.config), so those reach the app and its 414.
        http1_settings=HTTP1Settings(header_read_timeout=round(settings.header_timeout_s * 1000)),
        websockets=False,
        loop=Loops.asyncio,
        workers=settings.processes,
        # The bridge runs the app on its own ``threads`` threads; granian's RSGI takes one.
        blocking_threads=1 if bridge else settings.threads,
        respawn_failed_workers=True,
        workers_kill_timeout=STOP_GRACE_S,
        log_level=LogLevels.warning,
    )
    server.serve()
