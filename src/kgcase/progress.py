"""Progress bars for the long steps of a build that run inside the store engine.

The cases stage counts reports (:func:`kgcase.build.process_cases`). Two later steps run inside
pyoxigraph and report nothing of their own: the bulk load, whose progress is the share of its
N-Quads file read so far (:func:`reading`), and work with no measure of progress at all
(``optimize()``, SQLite sorting the answer tables), which shows the time it has taken so far
(:func:`ticking`).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm


class _Counting(io.RawIOBase):
    """A binary file that moves a progress bar by the bytes read from it."""

    def __init__(self, raw: io.FileIO, bar: tqdm) -> None:
        self.raw, self.bar = raw, bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer) or 0
        self.bar.update(n)
        return n


@contextmanager
def reading(path: Path, desc: str, *, enabled: bool = True) -> Iterator[io.BufferedReader]:
    """``path`` opened for reading in 1 MiB blocks, with a bar of the bytes read so far."""
    with (tqdm(total=path.stat().st_size, desc=desc, unit="B", unit_scale=True,
               unit_divisor=1024, disable=not enabled) as bar,
          open(path, "rb", buffering=0) as raw):
        yield io.BufferedReader(_Counting(raw, bar), buffer_size=1 << 20)


@contextmanager
def ticking(desc: str, *, enabled: bool = True, every_s: float = 1.0) -> Iterator[None]:
    """A bar that shows the time taken so far, for work with no measure of progress."""
    if not enabled:
        yield
        return
    done = threading.Event()
    with tqdm(desc=desc, bar_format="{desc}: {elapsed}") as bar:
        ticker = threading.Thread(target=_tick, args=(bar, done, every_s), daemon=True)
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()


def _tick(bar: tqdm, done: threading.Event, every_s: float) -> None:
    while not done.wait(every_s):
        bar.refresh()
