"""Run the app under waitress: in this process, or in ``processes`` forked ones sharing a socket.

One Python process serves at most one core's worth of requests (the interpreter lock), and
that bounds small, cheap answers (docs/sparql.md, "More than one HTTP process"). With
``processes`` > 1 the parent binds the port, forks that many HTTP processes that all accept on
it (the kernel hands each connection to one of them), and only supervises: it restarts a
process that dies, stops them all on SIGTERM or Ctrl-C, and gives up if they keep dying on
start. Each process builds its own app after the fork, with its own threads, query workers and
result cache.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from types import FrameType

import waitress
from flask import Flask

from kgcase.config import Settings
from kgcase.web import create_app, start_workers, stop_workers

#: A process that dies this soon after its start counts as failing to start.
EARLY_EXIT_S = 5.0
#: Consecutive early deaths after which the server stops instead of restarting them.
MAX_EARLY_EXITS = 3


def listen(settings: Settings) -> socket.socket:
    """The listening socket of ``host:port`` (raises ``OSError`` when it is taken)."""
    info = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM,
                              flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def run_one(app: Flask, settings: Settings, sock: socket.socket) -> None:
    """Serve ``app`` on ``sock`` in this process until SIGTERM or Ctrl-C."""
    server = waitress.create_server(
        app, sockets=[sock], threads=settings.threads, ident="kgcase",
        max_request_header_size=settings.max_url_bytes + 16384,
        max_request_body_size=4 * settings.max_body_bytes + 1048576,
    )
    start_workers(app)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    finally:
        stop_workers(app)


def _child(settings: Settings, sock: socket.socket) -> None:
    """An HTTP process: its own app on the shared socket; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
        run_one(create_app(settings), settings, sock)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_many(settings: Settings, sock: socket.socket,
             log: Callable[[str], None] = print) -> int:
    """Fork ``settings.processes`` HTTP processes on ``sock`` and supervise them; the exit code."""
    children: dict[int, float] = {}  # pid -> start time
    early = 0

    def spawn() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(settings, sock)
        children[pid] = time.monotonic()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        for _ in range(settings.processes):
            spawn()
        while True:
            pid, status = os.wait()
            started = children.pop(pid, None)
            if started is None:
                continue  # not one of ours
            code = os.waitstatus_to_exitcode(status)
            early = early + 1 if time.monotonic() - started < EARLY_EXIT_S else 0
            if early >= MAX_EARLY_EXITS:
                log(f"kgcase: HTTP processes keep exiting on start (last: {code}); stopping")
                return 1
            log(f"kgcase: HTTP process {pid} exited with {code}; starting another")
            spawn()
    except SystemExit:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _stop_children(children)
        sock.close()


def _stop_children(children: dict[int, float], grace_s: float = 10.0) -> None:
    """SIGTERM every child, then SIGKILL those still running after ``grace_s``."""
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while children and time.monotonic() < deadline:
        for pid in list(children):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                children.pop(pid)
        time.sleep(0.05)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
