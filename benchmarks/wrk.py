"""``wrk`` (Debian package, C) as a load generator: a Lua script that sends a list of GET paths
in turn, and the parse of its ``--latency`` report.

A Python client on this 2-core machine costs about as much CPU per request as the servers it
measures, so the fastest servers look slower than they are; wrk costs a fraction of that.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

SCRIPT = """\
paths = {%s}
headers = {["Accept"] = "%s"}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end
"""
_COUNT = re.compile(r"(\d+) requests in ([\d.]+)(m?s|m)\b")
_BAD = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_PCT = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.M)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def run(base: str, paths: list[str], accept: str, *, connections: int, seconds: float,
        timeout_s: float, work: Path) -> dict[str, Any]:
    """Send ``paths`` in turn to ``base`` from 2 threads and ``connections`` connections for
    ``seconds``; return :func:`parse` of the report."""
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("--load wrk needs wrk on PATH (apt-get install wrk)")
    script = work / "rotate.lua"
    script.write_text(SCRIPT % (", ".join(json.dumps(p) for p in paths), accept))
    done = subprocess.run(
        [exe, "-t2", f"-c{connections}", f"-d{seconds:g}s", f"--timeout={timeout_s:g}s",
         "--latency", "-s", str(script), base], capture_output=True, text=True, check=True)
    return parse(done.stdout + done.stderr)


def parse(out: str) -> dict[str, Any]:
    """The counts, rate and percentiles of one ``wrk --latency`` report; answered requests
    are those without a non-2xx status or a connect, read or write error."""
    count = _COUNT.search(out)
    if count is None:
        raise RuntimeError(f"wrk printed no request count:\n{out}")
    took = float(count.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[count.group(3)]
    total = int(count.group(1))
    bad = int(m.group(1)) if (m := _BAD.search(out)) else 0
    socket = [int(x) for x in m.groups()] if (m := _SOCKET.search(out)) else [0, 0, 0, 0]
    ok = max(0, total - bad - sum(socket[:3]))
    pct = {p: float(v) * _UNITS[u] for p, v, u in _PCT.findall(out)}
    return {"requests": total + socket[3], "ok": ok, "timeouts": socket[3],
            "errors": bad + sum(socket[:3]), "seconds": round(took, 2),
            "rate": round(ok / took, 2) if took else 0.0,
            "p50_ms": pct.get("50"), "p99_ms": pct.get("99"), "load": "wrk",
            "non_2xx": bad, "socket_errors": dict(zip(("connect", "read", "write", "timeout"),
                                                      socket, strict=True))}
