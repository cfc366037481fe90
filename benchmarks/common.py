"""What every benchmark script shares: the machine line of a report and the Markdown section
swap that rewrites one section of docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path


def machine() -> str:
    """CPU model, usable cores, Python version and RAM of this machine, for a report."""
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in info
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"{cpu}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
            f"{mem_kb / 2**20:.0f} GB RAM")


def replace_section(path: Path, heading: str, section: str) -> None:
    """Replace the section of ``path`` under ``heading`` (up to the next ``## ``) by
    ``section``, or append it; everything else is kept."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    body = section.rstrip("\n") + "\n"
    if pattern.search(old):
        new = pattern.sub(lambda m: body + ("\n" if m.end() < len(old) else ""), old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + body
    path.write_text(new)
