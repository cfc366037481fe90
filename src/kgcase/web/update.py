"""Blueprint: ``POST /sparql/update``, registered only when an admin token is configured.

An update never writes to the release being served (workers read it; a writer beside readers is
undefined behaviour in RocksDB). It is applied copy-on-write: the current release is backed up
into a new release directory, the update runs there in a one-shot process (killed past
``update_timeout_s``), and ``current`` is switched to it only on success — the same atomic swap a
build does. The next ``kgcase build`` starts again from the case files, so an update is a patch for
a curator in a hurry, not a second source of truth. ``LOAD`` and ``SERVICE`` are refused by the
gate, in that process, on the normalised text it then applies; the process has no network.
"""

from __future__ import annotations

import fcntl
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, request

from kgcase.store import Release, switch_current
from kgcase.store.embedded import BuildLock, prune_releases
from kgcase.web.auth import is_admin
from kgcase.web.errors import (
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    ServiceBusyError,
    UnauthorizedError,
    UnsupportedMediaTypeError,
)
from kgcase.web.executor import SPAWN
from kgcase.web.lexer import Normalised, normalise
from kgcase.web.service import get_service
from kgcase.web.worker import apply_update

bp = Blueprint("update", __name__)

_ONE_AT_A_TIME = threading.Lock()
LOCK_FILE = ".update.lock"


@contextmanager
def _one_at_a_time(data_dir: Path, timeout_s: float) -> Iterator[None]:
    """Hold the update lock of ``data_dir``: one thread of this process, then an exclusive
    ``flock`` of its lock file, which the other HTTP processes (``processes`` > 1) and servers
    on the same directory take too."""
    busy = ServiceBusyError("another update is running; retry later")
    if not _ONE_AT_A_TIME.acquire(timeout=timeout_s):
        raise busy
    try:
        with (data_dir / LOCK_FILE).open("a") as lock:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise busy from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        _ONE_AT_A_TIME.release()


def _check_token(expected: str) -> None:
    if not is_admin(expected):
        raise UnauthorizedError("the update endpoint needs 'Authorization: Bearer <admin token>'")


def _read_update() -> str:
    if request.mimetype == "application/sparql-update":
        try:
            return request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise QuerySyntaxError("the update body is not valid UTF-8") from None
    if request.mimetype == "application/x-www-form-urlencoded":
        updates = request.form.getlist("update")
        if len(updates) != 1:
            raise QuerySyntaxError("send exactly one 'update' field")
        return updates[0]
    raise UnsupportedMediaTypeError(
        "send the update as application/sparql-update or as a form field 'update='"
    )


def _new_release_id(old: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{old.split('+update-')[0]}+update-{stamp}"


def run_update(update: Normalised) -> Release:
    """Apply ``update`` to a copy of the current release and switch to it; return the release."""
    service = get_service()
    settings = service.settings
    current = service.watcher.current()
    base = current.release or Release(id=current.id, built_at="", triples=0)
    new = replace(base, id=_new_release_id(current.id),
                  built_at=datetime.now(UTC).isoformat(timespec="seconds"))
    data_dir = Path(settings.data_dir)
    target = data_dir / "stores" / new.id
    target.mkdir(parents=True)
    lock = BuildLock(target)  # a build's clean-up leaves this unfinished release alone
    parent, child = SPAWN.Pipe()
    process = SPAWN.Process(target=apply_update, args=(current.path, str(target), update, child),
                            daemon=True)
    process.start()
    child.close()
    done = False
    try:
        if not parent.poll(settings.update_timeout_s):
            raise QueryTimeoutError(
                f"the update ran longer than {settings.update_timeout_s:g} s and was stopped "
                "(setting update_timeout_s); nothing changed"
            )
        try:
            reply = parent.recv()
        except EOFError:
            raise QueryFailedError("the update process died; nothing changed") from None
        if reply[0] != "ok":
            error = {"syntax": QuerySyntaxError, "refused": QueryRefusedError}.get(
                reply[1], QueryFailedError)
            raise error(reply[2])
        done = True
    finally:
        process.kill()
        process.join(5)
        parent.close()
        if not done:
            lock.release()
            shutil.rmtree(target, ignore_errors=True)
    new = replace(new, triples=reply[1], graphs=reply[2])
    new.write(target / "release.json")
    lock.release()
    switch_current(data_dir, target)
    prune_releases(data_dir, keep=2)  # as a build does: the current release and the one before
    return new


@bp.post("/sparql/update")
def update_endpoint() -> Response:
    """Apply one SPARQL Update (admin token required) as a new release."""
    service = get_service()
    _check_token(service.settings.admin_token)
    # The gate's parse (LOAD and SERVICE refused) runs in the update's own process, on this
    # normalised text, which is also the text applied (kgcase.web.worker.apply_update).
    update = normalise(_read_update(), max_depth=service.settings.max_query_depth)
    with _one_at_a_time(Path(service.settings.data_dir), service.settings.timeout_s):
        release = run_update(update)
    return Response(f"update applied: release {release.id}, {release.triples} triples\n",
                    mimetype="text/plain", headers={"X-KGCase-Release": release.id})
