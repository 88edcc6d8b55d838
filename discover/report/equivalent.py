"""The report's view of the structures the data cannot tell apart: a table and one figure.

The figure puts them side by side: left, the fitted field of each over the design box (one
variable: f(x) against x, the observed range shaded; several: along the line from the data's
mean state through the state where the first alternative differs most from the pick, each
variable's equation in its own row); right, their simulations from the suggested initial state
(outside the data), when the run proposed one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy as sp

from discover.core.integrate import compile_rhs
from discover.core.plotkit import MODEL, figure, plain, save
from discover.core.printing import derivative_text, text
from discover.result import RunResult

LINE_POINTS = 300


def compared(result: RunResult) -> list:
    """The structures the report sets side by side, the pick first: the equivalence set, or, when it holds the
    pick alone, the models of the suggested experiment (the pick and its nested rival with the term the data
    ask for, or its strongest rival of another structure); [] when there is nothing to compare."""
    if len(result.equivalent) >= 2:
        return list(result.equivalent)
    ranks = [m.get("rank") for m in (result.suggestion or {}).get("models", [])]
    if result.best is None or len(ranks) < 2 or not all(
            isinstance(r, int) and 0 <= r < len(result.candidates) for r in ranks):
        return []
    from discover.core.candidates import Alternative

    return [Alternative(result.candidates[r]) for r in ranks]


def rows(result: RunResult) -> list[dict]:
    """One row per structure of :func:`compared`, the pick first, for the templates."""
    out = []
    separates = (result.suggestion or {}).get("separates") if len(result.equivalent) < 2 else "equivalent"
    label = {"missing_term": "with the term the data ask for", "rival": "strongest rival of another structure"}
    for i, a in enumerate(compared(result)):
        c = a.candidate
        where = ", ".join(f"{k} = {v:.4g}" for k, v in a.at.items())
        out.append({
            "place": "selected" if i == 0 else str(i), "method": c.method, "complexity": c.complexity,
            "short_r2": c.scores.get("short_r2"),
            "equations": "; ".join(f"{derivative_text(v, result.time_name)} = {text(c.equations[v])}"
                                   for v in result.names),
            "differs": "—" if i == 0 else label[separates] if separates in label else f"{a.typical:.0%} typical, {a.largest:.0%} largest in "
                       f"{derivative_text(a.variable, result.time_name)} at {where}",
        })
    return out


def _line(result: RunResult):
    """States along which the fields are drawn, and the coordinate on the horizontal axis (with its label)."""
    names = list(result.names)
    box = np.array([result.design_box[n] for n in names], dtype=float)
    if len(names) == 1:
        s = np.linspace(box[0, 0], box[0, 1], LINE_POINTS)
        return s[:, None], s, plain(names[0])
    X = np.concatenate([tr.x for tr in result.train_smoothed])
    centre = X.mean(axis=0)
    far = np.array([compared(result)[1].at.get(n, c) for n, c in zip(names, centre)])
    direction = far - centre
    if not np.any(direction):
        direction = box[:, 1] - box[:, 0]
    # from the centre both ways until the box's walls
    with np.errstate(divide="ignore", invalid="ignore"):
        hi = np.nanmin(np.where(direction > 0, (box[:, 1] - centre) / direction,
                                np.where(direction < 0, (box[:, 0] - centre) / direction, np.inf)))
        lo = np.nanmax(np.where(direction > 0, (box[:, 0] - centre) / direction,
                                np.where(direction < 0, (box[:, 1] - centre) / direction, -np.inf)))
    s = np.linspace(min(lo, 0.0), max(hi, 1.0), LINE_POINTS)
    return centre + s[:, None] * direction, s, "distance along the line (0: the data's mean state, 1: where they differ most)"


def draw(result: RunResult, path: Path) -> bool:
    """The figure (see the module); False when there are fewer than two structures to compare."""
    models = compared(result)
    if len(models) < 2 or not result.design_box:
        return False
    names = list(result.names)
    d = len(names)
    states, s, xlabel = _line(result)
    proposal = result.suggestion
    cols = 2 if proposal else 1
    fig, axes = figure(d, cols, (11 if proposal else 7, 2.2 * d + 1.0))
    syms = [sp.Symbol(n) for n in names]
    X = np.concatenate([tr.x for tr in result.train_smoothed])
    for k, a in enumerate(models):
        f = compile_rhs([a.candidate.equations[n] for n in names], syms)
        with np.errstate(all="ignore"):
            F = np.asarray(f(states.T), dtype=float).T
        label = "selected" if k == 0 else f"alternative {k} ({a.candidate.method})"
        for j in range(d):
            axes[j, 0].plot(s, F[:, j], "-", lw=1.4, color=MODEL[k % len(MODEL)], label=label)
    for j, n in enumerate(names):
        ax = axes[j, 0]
        if d == 1:
            ax.axvspan(X[:, 0].min(), X[:, 0].max(), color="#cccccc", alpha=0.5, lw=0, label="observed range")
        ax.set_ylabel(plain(derivative_text(n, result.time_name)))
    axes[-1, 0].set_xlabel(xlabel)
    axes[0, 0].set_title("Fitted field of each structure over the design box")
    axes[0, 0].legend(loc="best", fontsize=8)
    if proposal:
        for k, m in enumerate(proposal["models"]):
            for j, n in enumerate(names):
                axes[j, 1].plot(m["t"], m["x"][n], "-", lw=1.4, color=MODEL[k % len(MODEL)])
        for j, n in enumerate(names):
            axes[j, 1].set_ylabel(plain(n))
        start = ", ".join(f"{n} = {v:.3g}" for n, v in proposal["initial_state"].items())
        axes[0, 1].set_title(plain(f"Simulated from the suggested start ({start})"))
        axes[-1, 1].set_xlabel(plain(result.time_name))
    return save(fig, path)
