"""The comparison figures of a batch: each constant against a numeric metadata column.

One figure per numeric metadata column (temperature, dose, a parameter of a generated family),
one panel per constant found in at least two data sets: the fitted coefficient against the
column, with one standard error as an error bar where the runs recorded one. A dashed line
y = x is drawn where the two ranges overlap, so a fitted parameter can be read against the
value the manifest says it had (only where the constant spans at least half
of the column's range). A nearly constant coefficient is drawn on a scale of ±10% of its value. Labels are plain text (every ``$`` escaped: never mathtext).
"""

from __future__ import annotations

import io
import math

import pandas as pd

MAX_PANELS = 12  # the constants found most often; the CSV holds every one


def _plain(label) -> str:
    return str(label).replace("$", r"\$")


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Metadata columns that hold numbers with at least two distinct values among the data sets that ran."""
    ok = frame[frame["status"] == "ok"]
    out = []
    for col in frame.attrs.get("metadata", []):
        values = pd.to_numeric(ok[col], errors="coerce")
        if values.notna().all() and values.nunique() >= 2:
            out.append(col)
    return out


def plotted_constants(frame: pd.DataFrame) -> list[str]:
    """Constants found in at least two data sets that ran, most often found first."""
    ok = frame[frame["status"] == "ok"]
    counts = {k: int(ok[k].notna().sum()) for k in frame.attrs.get("constants", [])}
    return sorted((k for k, n in counts.items() if n >= 2), key=lambda k: -counts[k])[:MAX_PANELS]


def constant_figure(frame: pd.DataFrame, column: str) -> bytes:
    """PNG of every plotted constant against the metadata ``column``."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.usetex"] = False
    import matplotlib.pyplot as plt

    ok = frame[frame["status"] == "ok"]
    keys = plotted_constants(frame)
    ncol = min(3, max(1, len(keys)))
    nrow = math.ceil(len(keys) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.2 * nrow), squeeze=False)
    x = pd.to_numeric(ok[column], errors="coerce")
    for ax, key in zip(axes.flat, keys):
        y = pd.to_numeric(ok[key], errors="coerce")
        se_col = f"se {key}"
        err = pd.to_numeric(ok[se_col], errors="coerce") if se_col in ok else None
        has = y.notna()
        if err is not None and err[has].notna().any():
            ax.errorbar(x[has], y[has], yerr=err[has].fillna(0), fmt="o", capsize=3, color="#1f77b4")
        else:
            ax.plot(x[has], y[has], "o", color="#1f77b4")
        xs, ys = x[has], y[has]
        lo, hi = max(xs.min(), ys.min()), min(xs.max(), ys.max())
        if hi - lo >= 0.5 * (xs.max() - xs.min()) > 0:  # the constant spans the column's range: compare with y = x
            ax.plot([lo, hi], [lo, hi], "--", color="#999", lw=1, label="y = x")
            ax.legend(fontsize=7, loc="best")
        mid, spread = float(ys.mean()), float(ys.max() - ys.min())
        if spread < 0.05 * abs(mid):  # nearly constant: show it flat, not its last digits magnified
            ax.set_ylim(mid - 0.1 * abs(mid), mid + 0.1 * abs(mid))
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.set_title(_plain(key), fontsize=9)
        ax.set_xlabel(_plain(column), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()
