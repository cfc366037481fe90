"""A server of one source tree in a process group of its own, and the memory of its process
tree read from /proc."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_nofile(wanted: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards ``wanted`` (at most the hard limit);
    servers started afterwards inherit it. Returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def known_flags(src: Path, server_py: Path) -> set[str]:
    """The ``--flags`` the tree's ``server.py --help`` lists."""
    done = subprocess.run([sys.executable, str(server_py), "--help"], capture_output=True,
                          text=True, env=_env(src), timeout=60, check=False)
    return set(re.findall(r"^\s+(--[a-z][a-z0-9-]*)", done.stdout, re.M))


def _env(src: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGCASE_")}
    env["PYTHONPATH"] = str(src)
    return env


def _get_json(url: str, timeout: float) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # loopback only
            return json.loads(response.read()) if response.status == 200 else None
    except (OSError, ValueError):
        return None


@dataclass
class Server:
    """``server.py`` of one tree (``src`` on PYTHONPATH, ``src/../server.py``) on a free port.

    ``wanted`` maps flags to values; only those the tree knows are passed (``flags``)."""

    name: str
    src: Path
    data_dir: Path
    queries_dir: Path
    log: Path
    wanted: dict[str, str]
    flags: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    url: str = ""
    restarts: int = 0

    @property
    def server_py(self) -> Path:
        return self.src.parent / "server.py"

    def start(self, ready_s: float = 120.0) -> None:
        known = known_flags(self.src, self.server_py)
        self.flags = {k: v for k, v in self.wanted.items() if k in known}
        port = free_port()
        command = [sys.executable, str(self.server_py), "--port", str(port), "--data-dir",
                   str(self.data_dir), "--queries-dir", str(self.queries_dir),
                   *[x for kv in self.flags.items() for x in kv]]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            cwd=self.src.parent, env=_env(self.src),
                                            start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + ready_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited:\n{self.tail()}")
            if self.health(2.0) is not None:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} server not ready after {ready_s:.0f} s:\n{self.tail()}")

    def health(self, timeout: float = 5.0) -> dict[str, Any] | None:
        return _get_json(self.url + "/api/health", timeout)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the whole process group: granian, its workers and the query workers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def settle(self, limit_s: float = 60.0) -> bool:
        """Wait until the server answers its health check with every query worker idle (killed
        ones are replaced in the background); restart it if it died or never settles."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                break
            health = self.health(5.0)
            if health is not None and all_idle(health):
                return True
            time.sleep(0.3)
        self.stop()
        self.restarts += 1
        self.start()
        return False

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else -1


def all_idle(health: dict[str, Any]) -> bool:
    """Whether every worker pool the health answer lists (one pool, or one per kind) is idle."""
    workers = health.get("workers") or {}
    pools = [workers] if "idle" in workers else [p for p in workers.values()
                                                  if isinstance(p, dict) and "idle" in p]
    return all(p["idle"] == p["size"] for p in pools)


def children(proc: Path = Path("/proc")) -> dict[int, list[int]]:
    """Parent pid -> child pids of every process now running."""
    out: dict[int, list[int]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and every descendant of it."""
    kids, out, todo = children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_kb(pid: int) -> int:
    """VmRSS of one process in KiB (0 if it is gone or has none)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def is_worker(pid: int) -> bool:
    """A query worker: a multiprocessing child started by spawn (the resource tracker is not)."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class RssSampler:
    """Samples the VmRSS of a process tree every ``every_s`` in a thread, while in a ``with``
    block: the peak of the web processes (all but the query workers), of the workers together,
    of the largest single worker, and of the whole tree (in MiB)."""

    def __init__(self, pid: int, every_s: float = 0.05) -> None:
        self.pid, self.every_s = pid, every_s
        self.peak = {"web_mb": 0.0, "workers_mb": 0.0, "one_worker_mb": 0.0, "total_mb": 0.0}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        web = workers = one = 0
        for p in tree(self.pid):
            kb = rss_kb(p)
            if is_worker(p):
                workers += kb
                one = max(one, kb)
            else:
                web += kb
        now = {"web_mb": web, "workers_mb": workers, "one_worker_mb": one,
               "total_mb": web + workers}
        for k, kb in now.items():
            self.peak[k] = max(self.peak[k], round(kb / 1024, 1))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
