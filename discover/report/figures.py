"""Figures of a run (matplotlib, written as PNG files).

Data are grey dots, models coloured lines simulated on a fine grid between the samples;
every figure is laid out by matplotlib's constrained layout and drawn once, at one DPI
(:mod:`discover.core.plotkit`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy as sp

from discover.core.expressions import identifiers, to_text
from discover.core.integrate import compile_rhs, integrate
from discover.core.plotkit import (
    MAX_DOTS,
    MODEL,
    dense_times,
    dots,
    figure,
    integer_axis,
    log_axis,
    nondominated,
    plain,
    run_name,
    save,
    source_runs,
    thin,
    time_axis,
)
from discover.core.printing import derivative_text, differential_text
from discover.core.section import Figure
from discover.report.inputs_panel import driven_args, input_symbols
from discover.result import RunResult

COLORS = MODEL


def _symbols(result):
    return [sp.Symbol(n) for n in result.names]


def trajectories(result: RunResult, path: Path) -> None:
    """Held-out data against the selected model simulated from each segment's first state."""
    from discover.selection.scoring import LONG_HORIZONS

    horizon = LONG_HORIZONS * float(result.settings.get("validation_horizon") or np.inf)

    def cut(tr):
        n = max(2, int(np.searchsorted(tr.t, tr.t[0] + horizon, side="right")))
        return type(tr)(tr.t[:n], tr.x[:n], tr.label)

    segs = [cut(s) for s in result.validation[:3]]
    smooth = [cut(s) for s in result.validation_smoothed[:3]]
    runs = source_runs(result)
    d = len(result.names)
    fig, axes = figure(d, 1, (8, 1.7 * d + 0.9))
    sims, grids = None, [dense_times(s.t) for s in smooth]
    if result.best is not None:
        sol = integrate([result.best.equations[n] for n in result.names], _symbols(result),
                        np.array([s.x[0] for s in smooth]), grids, **driven_args(result, result.validation[:3]))
        sims = sol.x
    several = len(segs) > 1
    for j, name in enumerate(result.names):
        ax = axes[j, 0]
        for k, seg in enumerate(segs):
            p = thin(len(seg.t), MAX_DOTS)
            first = j == 0 and k == 0
            ax.plot(seg.t[p], seg.x[p, j], **dots(len(p)), label="data" if first else None)
            if sims is not None and np.all(np.isfinite(sims[k])):
                label = None
                if j == 0:
                    label = plain(f"model, {run_name(seg.label, runs)}") if several else "selected equations"
                ax.plot(grids[k], sims[k][:, j], "-", lw=1.5, color=MODEL[k % len(MODEL)], label=label)
        ax.set_ylabel(plain(name))
        time_axis(ax, np.concatenate([s.t for s in segs]))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    if result.best is None:
        axes[0, 0].set_title("Held-out data" if not result.in_sample else "Data")
    elif result.in_sample:
        axes[0, 0].set_title("The selected equations simulated from the first sample (in-sample: nothing could be held out)")
    else:
        axes[0, 0].set_title("The selected equations simulated from the first state of each held-out segment")
    axes[0, 0].legend(loc="upper right", ncol=2 if several else 1)
    save(fig, path)


def derivative_fit(result: RunResult, path: Path) -> None:
    """Estimated dx/dt against the selected right-hand side along the first training run."""
    tr, xs, dx = result.train[0], result.train_smoothed[0], result.train_derivatives[0]
    p = thin(len(tr), MAX_DOTS)
    d = len(result.names)
    fig, axes = figure(d, 1, (8, 1.6 * d + 0.9))
    f = compile_rhs([result.best.equations[n] for n in result.names], _symbols(result),
                    input_symbols(result)) if result.best else None
    model = None
    if f is not None:
        # the right-hand side along the smoothed states, interpolated between samples
        from scipy.interpolate import make_interp_spline

        grid = dense_times(xs.t)
        states = make_interp_spline(xs.t, xs.x, k=3 if len(xs.t) > 3 else 1)(grid)
        extra = ()
        if input_symbols(result):
            from discover.core.signals import InputSignal

            extra = (InputSignal(xs.t, xs.u, result.hold)(grid).T,)
        with np.errstate(all="ignore"):
            model = f(states.T, *extra).T
    for j, name in enumerate(result.names):
        ax = axes[j, 0]
        ax.plot(tr.t[p], dx[p, j], **dots(len(p)), label="estimated from the data" if j == 0 else None)
        if model is not None:
            ax.plot(grid, model[:, j], "-", lw=1.3, color=MODEL[0], label="selected equations" if j == 0 else None)
        ax.set_ylabel(plain(derivative_text(name, result.time_name)))
        time_axis(ax, tr.t)
    axes[-1, 0].set_xlabel(plain(result.time_name))
    which = run_name(tr.label, source_runs(result))
    axes[0, 0].set_title(plain("Derivative fit on the training data" + ("" if which == "the data" else f" ({which})")))
    axes[0, 0].legend(loc="upper right")
    save(fig, path)


def term_confidence(result: RunResult, path: Path) -> bool:
    """Bootstrap inclusion probability of each term; returns False when there is none to show."""
    if result.best is None or not result.best.term_confidence:
        return False
    from discover.core.structure import terms

    rows = []
    for v, probs in result.best.term_confidence.items():
        kept = {sp.sstr(t) for t in terms(result.best.equations[v], 1e-12)}
        for t, p in sorted(probs.items(), key=lambda kv: (kv[0] not in kept, -kv[1])):
            if p >= 0.05 or t in kept:
                label = f"{differential_text(v)}: {t}" + ("" if t in kept else "  (not in model)")
                rows.append((plain(label), p, t in kept))
    if not rows:
        return False
    labels, values, inside = zip(*rows[::-1])
    longest = max(len(label) for label in labels)  # long names: a wider figure, not a squeezed plot
    fig, axes = figure(1, 1, (min(max(7.0, 4.5 + 0.08 * longest), 16.0), 0.28 * len(rows) + 1.0))
    ax = axes[0, 0]
    colors = ["#bbbbbb" if not k else "#2ca02c" if p >= 0.9 else "#ff7f0e" if p >= 0.6 else "#d62728"
              for p, k in zip(values, inside)]
    ax.barh(range(len(values)), values, color=colors)
    ax.set_yticks(range(len(values)), labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("inclusion probability over bootstrap refits")
    ax.axvline(0.9, color="#999999", lw=0.8, ls="--")
    ax.set_title("How often each term is kept when the data are resampled")
    return save(fig, path)


MARKERS = ["o", "s", "^", "D", "v", "P"]


def pareto(result: RunResult, path: Path) -> None:
    """Held-out error against complexity for every candidate, by method; the front joined."""
    fig, axes = figure(1, 1, (6.5, 3.6))
    ax = axes[0, 0]
    methods = sorted({c.method for c in result.candidates})
    everyone = []
    for k, m in enumerate(methods):
        pts = [{"complexity": c.complexity, "mse": max(1 - c.scores.get("short_r2", np.nan), 1e-10)}
               for c in result.candidates if c.method == m and not c.scores.get("failed")]
        pts = [q for q in pts if np.isfinite(q["mse"])]
        everyone += pts
        if pts:
            ax.plot([q["complexity"] for q in pts], [q["mse"] for q in pts], MARKERS[k % len(MARKERS)],
                    color=MODEL[(k + 1) % len(MODEL)], label=plain(m), alpha=0.85, ms=6)
    front = nondominated(everyone)
    if len(front) > 1:
        ax.step([q["complexity"] for q in front], [q["mse"] for q in front], where="post", color="0.6", lw=0.9,
                zorder=0, label="front (no candidate is both simpler and more accurate)")
    if result.best is not None and not result.best.scores.get("failed"):
        ax.plot([result.best.complexity], [max(1 - result.best.scores["short_r2"], 1e-10)], "*", ms=16,
                color="gold", mec="black", label="selected")
    log_axis(ax)
    integer_axis(ax.xaxis)
    ax.set_xlabel("complexity (terms + non-polynomial operations)")
    ax.set_ylabel("held-out error (1 - R²)")
    ax.set_title("Candidates: accuracy against complexity")
    ax.legend()
    save(fig, path)


def search_fronts(result: RunResult, path: Path) -> bool:
    """Symbolic regression's Pareto front for each searched equation (error against complexity)."""
    if not result.fronts:
        return False
    keys = list(result.fronts)
    fig, axes = figure(1, len(keys), (3.6 * len(keys) + 0.6, 3.4))
    ids = identifiers(result.names)  # the fronts' formulas are written as equations.json writes equations
    chosen = {derivative_text(v, result.time_name): to_text(e, ids) for v, e in (result.best.equations.items() if result.best else [])}
    starred = False
    for ax, key in zip(axes[0], keys):
        front = nondominated([{**e, "mse": max(e["mse"], 1e-12)} for e in result.fronts[key]])
        x = [e["complexity"] for e in front]
        y = [e["mse"] for e in front]
        ax.step(x, y, where="post", color=MODEL[1], lw=1)
        ax.plot(x, y, "o", color=MODEL[1], label="front" if ax is axes[0, 0] else None)
        var = key.split(": ", 1)[-1]
        for e in front:
            if chosen.get(var) == e["expr"]:
                ax.plot([e["complexity"]], [e["mse"]], "*", ms=15, color="gold", mec="black",
                        label=None if starred else "in the selected model")
                starred = True
        log_axis(ax)
        integer_axis(ax.xaxis)
        ax.set_title(plain(key), fontsize=9)
        ax.set_xlabel("complexity")
    axes[0, 0].set_ylabel("mean squared error")
    fig.legend(loc="outside lower center", ncol=2)
    fig.suptitle("Symbolic regression: Pareto front per equation", fontsize=10)
    return save(fig, path)


def forecasts(result: RunResult, path: Path) -> bool:
    """Each surrogate's forecast of the held-out segments beside the selected equations."""
    shown = {k: v for k, v in result.surrogates.items() if v.forecasts}
    if not shown or not result.validation:
        return False
    seg, smooth = result.validation[0], result.validation_smoothed[0]
    p = thin(len(seg.t), MAX_DOTS)
    d = len(result.names)
    fig, axes = figure(d, 1, (8, 1.7 * d + 0.9))
    sim, grid = None, dense_times(seg.t)
    if result.best is not None:
        sol = integrate([result.best.equations[n] for n in result.names], _symbols(result), smooth.x[:1], [grid],
                        **driven_args(result, [seg]))
        sim = sol.x[0] if sol.ok else None
    for j, name in enumerate(result.names):
        ax = axes[j, 0]
        ax.plot(seg.t[p], seg.x[p, j], **dots(len(p)), label="held-out data" if j == 0 else None)
        for k, (label, info) in enumerate(shown.items()):
            f = info.forecasts[0]
            ax.plot(seg.t, f[:, j], "--", lw=1.4, color=COLORS[(k + 1) % len(COLORS)],
                    label=f"{label} forecast" if j == 0 else None)
        if sim is not None:
            ax.plot(grid, sim[:, j], "-", lw=1.2, color=COLORS[0], label="selected equations" if j == 0 else None)
        lo, hi = float(np.min(seg.x[:, j])), float(np.max(seg.x[:, j]))
        pad = 0.3 * (hi - lo) + 1e-12
        ax.set_ylim(lo - pad, hi + pad)  # a forecast that runs away must not flatten the data
        ax.set_ylabel(plain(name))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    axes[0, 0].set_title("Surrogate forecast and distilled equations from the first held-out state")
    axes[0, 0].legend(loc="upper right")
    return save(fig, path)


def plan(result: RunResult) -> list[Figure]:
    """The one list of the figures a run may have, in the report's order: the report's own and those
    the plug-ins' sections specify (:mod:`discover.report.sections`). Each is written as ``<key>.png``
    by ``draw(result, path)``, which returns False when it has nothing to show; each draws alone, so
    they may be drawn in any order or in separate processes (the costly first)."""
    from discover.report.sections import collect

    found = collect(result)

    def placed(place):
        return [f for s in found if s.place == place for f in s.figures()]

    out = [Figure("trajectories", "held-out fit", trajectories, 3.0), Figure("forecasts", "surrogate forecast", forecasts, 3.0),
           *placed("evidence")]
    if result.best is not None:
        out.append(Figure("derivatives", "derivative fit", derivative_fit, 2.0))
    from discover.report.equivalent import compared, draw

    if len(compared(result)) > 1:
        out.append(Figure("equivalent", "equivalent structures", draw))
    out += [Figure("confidence", "term confidence", term_confidence), *placed("models")]
    if result.candidates:
        out += [Figure("pareto", "candidates", pareto, 2.0), Figure("sr_fronts", "symbolic regression fronts", search_fronts, 2.0)]
    return out


def write_all(result: RunResult, folder: Path, keys=None) -> dict[str, str]:
    """Write every figure (or those of ``keys``) into ``folder``; return {key: file name}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for f in plan(result):
        if (keys is None or f.key in keys) and f.draw(result, folder / f"{f.key}.png") is not False:
            out[f.key] = f"{f.key}.png"
    return out
