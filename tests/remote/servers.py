"""Start real SPARQL servers on loopback free ports: Oxigraph's CLI server and Virtuoso.

Used by the ``tests/remote`` fixtures and by ``benchmarks/bench_remote.py``. Each starter is a
context manager that yields a :class:`RemoteServer` once the server answers a query, and always
stops the process. A missing executable is an error naming the install command, never a skip.
"""

from __future__ import annotations

import configparser
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: The dba password of the test instance (loopback only, a fresh database each session).
VIRTUOSO_PASSWORD = "kgcasetestdba"
VIRTUOSO_ROW_LIMIT = 10000  # Virtuoso's default ResultSetMaxRows, kept on purpose
ASK = {"query": "ASK {}"}


class ServerStartError(RuntimeError):
    """A server that is not installed, or did not come up."""


@dataclass
class RemoteServer:
    """A running store: its name, query endpoint and the ``KGCASE_STORE`` descriptor for it."""

    name: str
    endpoint: str
    descriptor: str
    process: subprocess.Popen[bytes]
    log: Path
    user: str = ""
    password: str = ""
    sql_port: int = 0  # Virtuoso's isql port

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_program(executable: str, install: str) -> str:
    """The program's path: beside this Python first (a virtualenv not on PATH), then PATH."""
    path = shutil.which(executable, path=f"{Path(sys.executable).parent}{os.pathsep}"
                                          f"{os.environ.get('PATH', os.defpath)}")
    if path is None:
        raise ServerStartError(f"{executable} is not installed; install it with: {install}")
    return path


def _wait_ready(server: RemoteServer, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if server.process.poll() is not None:
            raise ServerStartError(
                f"{server.name} exited with {server.process.returncode}:\n{server.output()}")
        try:
            if requests.get(server.endpoint, params=ASK, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise ServerStartError(f"{server.name} not ready after {timeout_s:g} s:\n"
                                   f"{server.output()}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextmanager
def oxigraph_server(directory: Path) -> Iterator[RemoteServer]:
    """``oxigraph serve`` on disk in ``directory``, with the union default graph kgcase uses."""
    exe = require_program("oxigraph", "pip install -e '.[test]'  (PyPI package oxigraph)")
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [exe, "serve", "--location", str(directory / "store"), "--bind",
             f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    server = RemoteServer("oxigraph", f"{base}/query", f"sparql+{base}/query?dialect=oxigraph",
                          process, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(process)


def _virtuoso_ini(directory: Path, http_port: int, sql_port: int) -> Path:
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",), interpolation=None,
                                    strict=False)
    ini.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    ini.read(VIRTUOSO_INI)
    db = directory / "db"
    db.mkdir(parents=True, exist_ok=True)
    for key, name in [("DatabaseFile", "virtuoso.db"), ("ErrorLogFile", "virtuoso.log"),
                      ("LockFile", "virtuoso.lck"), ("TransactionFile", "virtuoso.trx"),
                      ("xa_persistent_file", "virtuoso.pxa")]:
        ini["Database"][key] = str(db / name)
    ini["TempDatabase"]["DatabaseFile"] = str(db / "virtuoso-temp.db")
    ini["TempDatabase"]["TransactionFile"] = str(db / "virtuoso-temp.trx")
    params = ini["Parameters"]
    params["ServerPort"] = f"127.0.0.1:{sql_port}"
    params["DirsAllowed"] = f"., {db}, /usr/share/virtuoso-opensource-7/vad"
    params["NumberOfBuffers"] = "20000"  # ~160 MB: enough for the test corpora
    params["MaxDirtyBuffers"] = "15000"
    http = ini["HTTPServer"]
    http["ServerPort"] = f"127.0.0.1:{http_port}"
    http["ServerThreads"] = "20"
    http["MaxClientConnections"] = "20"
    ini["URIQA"]["DefaultHost"] = f"127.0.0.1:{http_port}"
    ini["SPARQL"]["ResultSetMaxRows"] = str(VIRTUOSO_ROW_LIMIT)
    path = directory / "virtuoso.ini"
    with path.open("w") as fh:
        ini.write(fh)
    return path


def _set_dba_password(isql: str, sql_port: int) -> None:
    """``SET PASSWORD`` through isql, then prove it by logging in (isql exits 0 on errors)."""
    where = f"127.0.0.1:{sql_port}"
    steps = [("dba", f"EXEC=SET PASSWORD dba {VIRTUOSO_PASSWORD};"),
             (VIRTUOSO_PASSWORD, "EXEC=SELECT 1;")]
    for password, command in steps:
        done = subprocess.run([isql, where, "dba", password, command], capture_output=True,
                              text=True, timeout=60, check=False)
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise ServerStartError(f"isql-vt {command!r} failed:\n{done.stdout}{done.stderr}")


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[RemoteServer]:
    """Our own ``virtuoso-t`` on loopback ports, a fresh database, the dba password set."""
    install = "bash tests/remote/install-virtuoso  (Debian virtuoso-opensource, preseeded)"
    exe = require_program("virtuoso-t", install)
    isql = require_program("isql-vt", install)
    http_port, sql_port = free_port(), free_port()
    directory.mkdir(parents=True, exist_ok=True)
    ini = _virtuoso_ini(directory, http_port, sql_port)
    log = directory / "db" / "virtuoso.log"
    with (directory / "stdout.log").open("wb") as out:
        process = subprocess.Popen([exe, "+foreground", "+configfile", str(ini)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=directory)
    base = f"http://127.0.0.1:{http_port}"
    descriptor = f"sparql+{base}/sparql?dialect=virtuoso&update={base}/sparql-auth"
    server = RemoteServer("virtuoso", f"{base}/sparql", descriptor, process, log,
                          user="dba", password=VIRTUOSO_PASSWORD, sql_port=sql_port)
    try:
        _wait_ready(server, timeout_s=120)
        _set_dba_password(isql, sql_port)
        yield server
    finally:
        _stop(process)
