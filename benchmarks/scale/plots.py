"""Log-log plots of cost against N from a scale run's results dict (matplotlib, PNG)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import LogFormatter, NullLocator

from benchmarks.scale.report import STAGES, engines_of


class _Plain(LogFormatter):
    """The ticks LogFormatter labels, as plain numbers (0.6, 30, 1000)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{x:g}" if super().__call__(x, pos) else ""


def _line(ax: Any, xs: list[int], ys: list[float | None], label: str, **style: Any) -> None:
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None and y > 0]
    if points:
        ax.plot(*zip(*points, strict=True), marker="o", label=label, **style)


def _axes(ax: Any, title: str, ylabel: str, ns: list[int]) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ns, [f"{n:,}" for n in ns])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(_Plain())
    ax.yaxis.set_minor_formatter(_Plain(labelOnlyBase=False, minor_thresholds=(2, 0.4)))
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("N reports")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)


def plot_build(doc: dict[str, Any], path: Path) -> None:
    """Build time per stage and in total, raw bulk load, peak RSS and store size against N."""
    results = doc["results"]
    ns = [r["n"] for r in results]
    fig, (time_ax, rss_ax, disk_ax) = plt.subplots(1, 3, figsize=(13, 4))
    for stage in (*STAGES, "total"):
        _line(time_ax, ns, [r["build"]["stages"].get(stage) for r in results], stage)
    _line(time_ax, ns, [r["build"]["raw_bulk_load_s"] for r in results],
          "raw pyoxigraph bulk load", linestyle="--")
    _line(time_ax, ns, [r["build"].get("raw_optimise_s") for r in results],
          "raw pyoxigraph optimize", linestyle=":")
    time_ax.axhline(600, color="grey", linewidth=0.8, linestyle="-.", label="10 minutes")
    _axes(time_ax, "Build time", "seconds", ns)
    time_ax.legend(fontsize=8)
    _line(rss_ax, ns, [r["build"]["peak_rss_mb"] for r in results], "kgcase build")
    _axes(rss_ax, "Peak RSS of the build", "MB", ns)
    _line(disk_ax, ns, [r["build"]["store_mb"] for r in results], "store on disk")
    _axes(disk_ax, "Store size on disk", "MB", ns)
    _save(fig, path)


def plot_queries(doc: dict[str, Any], path: Path) -> None:
    """p50 latency of each named query against N, one line per engine (x: a timeout)."""
    results = doc["results"]
    ns = [r["n"] for r in results]
    names = sorted({q for r in results for q in r["queries"]})
    cols = min(4, max(1, len(names)))
    rows = math.ceil(len(names) / cols) if names else 1
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.3 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        for engine in engines_of(doc):
            cells = [r["queries"].get(name, {}).get(engine) for r in results]
            line = [c["p50_ms"] if c else None for c in cells]
            _line(ax, ns, line, engine)
            slow = [(n, c["p50_ms"]) for n, c in zip(ns, cells, strict=True)
                    if c and c["timeouts"] and c["p50_ms"]]
            if slow:
                ax.scatter(*zip(*slow, strict=True), marker="x", s=80, color="black", zorder=3,
                           label="some requests timed out")
        _axes(ax, name, "p50 ms", ns)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    legend: dict[str, Any] = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend), loc="lower center", ncol=max(1, len(legend)),
               fontsize=9)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _save(fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
