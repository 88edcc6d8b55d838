"""Shared setup and small helpers of the report's figures.

One matplotlib set-up for every figure (Agg, plain text, constrained layout, one DPI), so
each figure is laid out and drawn once when it is saved: no tight bounding box computed per
axis, no figure drawn twice. Also: how runs are named, ticks that suit the time unit, lines
thinned to what a figure can show, dense simulation grids between samples, and Pareto fronts
that keep only non-dominated points.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

DPI = 100
MAX_DOTS = 1500  # data dots per series: more only slow the figure down and look the same
MAX_LINE = 1200  # points per drawn line
PNG_COMPRESSION = 3  # zlib level: a quarter faster to write than the default 6, files 4% larger
DATA = {"color": "#4a4a4a", "marker": "o", "ms": 2.6, "ls": "none", "alpha": 0.55, "mew": 0}
MODEL = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]  # models: never the data's grey


def dots(n: int) -> dict:
    """The data's marks for a series of ``n`` points: larger when there are few."""
    return {**DATA, "ms": 4.0 if n <= 200 else DATA["ms"]}


@lru_cache(maxsize=1)
def pyplot():
    """matplotlib.pyplot with the report's settings (imported on first use only)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({
        "text.usetex": False,  # labels are plain text: with mathtext only '$' is special (escaped by plain())
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "font.size": 9,
        "axes.titlesize": 10,
        "legend.fontsize": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": True,
        "path.simplify_threshold": 0.5,
        "axes.formatter.useoffset": False,  # a year axis reads 1900, 1905, not "+1.9e3"
    })
    return plt


def plain(label) -> str:
    """A label as matplotlib text, never mathtext: every '$' escaped."""
    return str(label).replace("$", r"\$")


def figure(rows: int = 1, cols: int = 1, size=(8.0, 3.0), **kw):
    """A figure with constrained layout and a 2-D array of axes."""
    return pyplot().subplots(rows, cols, figsize=size, squeeze=False, layout="constrained", **kw)


def save(fig, path: Path) -> bool:
    """Write the PNG (one draw, at the report's DPI) and free the figure."""
    fig.savefig(path, dpi=DPI, pil_kwargs={"compress_level": PNG_COMPRESSION})
    pyplot().close(fig)
    return True


def thin(n: int, limit: int) -> np.ndarray:
    """Indices of at most ``limit`` evenly spread points of ``n`` (first and last kept)."""
    return np.unique(np.linspace(0, n - 1, min(n, limit)).astype(int))


def dense_times(t: np.ndarray, per_sample: int = 8, limit: int = MAX_LINE) -> np.ndarray:
    """A fine grid from the first to the last sample time, for simulating a model between samples."""
    n = int(min(limit, max(200, per_sample * len(t))))
    return np.linspace(float(t[0]), float(t[-1]), n)


def time_axis(ax, times: np.ndarray) -> None:
    """Ticks that suit the time values: whole numbers when the samples fall on whole numbers
    (years, days), never an offset."""
    from matplotlib.ticker import MaxNLocator, ScalarFormatter

    t = np.asarray(times, dtype=float)
    whole = t.size > 0 and np.all(np.isfinite(t)) and np.allclose(t, np.round(t)) and np.ptp(t) >= 2
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=bool(whole), steps=[1, 2, 5, 10]))
    fmt = ScalarFormatter(useOffset=False)
    fmt.set_scientific(False)
    ax.xaxis.set_major_formatter(fmt)


def integer_axis(axis) -> None:
    """Whole-number ticks (complexity, counts)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def log_axis(ax) -> None:
    """A logarithmic y axis labelled in plain numbers (0.02, 5, 300), with 2 and 5 between the
    powers of ten labelled only when the axis spans less than two decades."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    lo, hi = ax.get_ylim()
    plain_number = FuncFormatter(lambda v, _: f"{v:.3g}")
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(plain_number)
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))
    ax.yaxis.set_minor_formatter(plain_number if hi / max(lo, 1e-300) < 100 else NullFormatter())


_PART = re.compile(r"^(.*) \((before|after|held-out block)\)$")
_PART_WORDS = {"before": "before the held-out block", "after": "after the held-out block",
               "held-out block": "held-out block"}


def run_name(label: str, runs: int) -> str:
    """How a figure names a stretch of data: ``"0 (before)"`` of a one-run CSV is "before the
    held-out block"; of a several-run CSV, "run 0, before the held-out block"."""
    m = _PART.match(str(label))
    base, part = (m.group(1), _PART_WORDS[m.group(2)]) if m else (str(label), "")
    if runs <= 1:
        return part or "the data"
    return f"run {base}, {part}" if part else f"run {base}"


def source_runs(result) -> int:
    """How many runs (trajectories) the data had before the split cut them into stretches."""
    labels = [tr.label for tr in (*result.train, *result.validation)]
    return len({(_PART.match(str(x)).group(1) if _PART.match(str(x)) else str(x)) for x in labels})


def nondominated(points: list[dict], x: str = "complexity", y: str = "mse") -> list[dict]:
    """The Pareto front of ``points``: sorted by ``x``, each kept point strictly better in ``y``
    than every simpler one (ties in ``x``: the best ``y`` only)."""
    out, floor = [], np.inf
    for p in sorted(points, key=lambda e: (e[x], e[y])):
        if p[y] < floor:
            out.append(p)
            floor = p[y]
    return out
