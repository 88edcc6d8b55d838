"""Figures of a run (matplotlib, written as PNG files).

Data are grey dots, models coloured lines simulated on a fine grid between the samples;
every figure is laid out by matplotlib's constrained layout and drawn once, at one DPI
(:mod:`discover.report.plotkit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import sympy as sp

from discover.core.errors import DataError
from discover.core.expressions import identifiers, parse_expression, to_text
from discover.core.integrate import compile_rhs, integrate
from discover.core.printing import derivative_text, differential_text
from discover.report.inputs_panel import driven_args, input_symbols
from discover.report.plotkit import (
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
    shown = {k: v for k, v in result.surrogates.items() if v.get("forecasts")}
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
            f = info["forecasts"][0]
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


def _curves(result: RunResult) -> list[dict] | None:
    """Fitted curves a surrogate left in its facts (t, states u, hidden term G, known part F)."""
    for info in result.surrogates.values():
        if info.get("curves"):
            return info["curves"]
    return None


def hidden_term(result: RunResult, path: Path) -> bool:
    """The hidden-term network along the fitted runs beside the distilled hidden formula."""
    curves = _curves(result)
    pinned = [c for c in result.candidates if "hidden" in c.settings]
    if not curves or not pinned:
        return False
    c = result.best if result.best is not None and "hidden" in result.best.settings else pinned[0]
    syms = _symbols(result)
    # the settings hold formulas written on the identifiers of equations.json: read them back safely
    table = {ident: sp.Symbol(label) for label, ident in identifiers((*result.names, *result.inputs)).items()}
    inputs = [sp.Symbol(n) for n in result.inputs]  # with measured inputs, the curves hold them as "w"

    def read(text, n):
        return parse_expression(text, table, f"hidden-term formula for d{n}/d{result.time_name}", error=DataError)

    hidden = [read(c.settings["hidden"][n], n) for n in result.names]
    f = compile_rhs(hidden, syms, inputs)
    d = len(result.names)
    fig, axes = figure(d, 1, (8, 1.7 * d + 0.9))
    # The model's constants were refitted after training, so its hidden term is compared with G
    # at the PINN's own parameters: (known part fitted + hidden formula) - known part at the PINN's.
    fitted_known = compile_rhs([read(c.settings.get("known_fitted", {}).get(n, "0"), n) for n in result.names], syms,
                               inputs)
    for k, curve in enumerate(curves):
        at = (curve["u"].T, curve["w"].T) if inputs else (curve["u"].T,)
        shifted = f(*at).T + fitted_known(*at).T - curve["F"]
        for j, name in enumerate(result.names):
            ax = axes[j, 0]
            ax.plot(curve["t"], curve["G"][:, j], "-", lw=1.6, color=COLORS[1],
                    label="hidden-term network G" if (j == 0 and k == 0) else None)
            ax.plot(curve["t"], shifted[:, j], "--", lw=1.2, color=COLORS[0],
                    label="distilled model, at the PINN's known parameters" if (j == 0 and k == 0) else None)
            ax.set_ylabel(plain(f"hidden {derivative_text(name, result.time_name)}"))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    axes[0, 0].set_title("Hidden term along the fitted trajectories")
    axes[0, 0].legend(loc="upper right")
    return save(fig, path)


def _havok_span(result: RunResult):
    """HAVOK's stretch of its training run: times, coordinates, measured signal, driven reconstruction."""
    a = result.delay.arrays if result.delay is not None else {}
    if "havok/v" not in a:
        return None
    return a["havok/t"], a["havok/v"], a["havok/measured"], a["havok/driven"], float(a["havok/forcing_std"])


def havok_forcing(result: RunResult, path: Path) -> bool:
    """The measured signal above HAVOK's forcing v_r; bursts of forcing shaded on both."""
    span = _havok_span(result)
    if span is None:
        return False
    t, v, x, _, spread = span
    f = v[:, -1]
    burst = np.abs(f) > 2.0 * spread
    fig, axes = figure(2, 1, (8, 4.2), sharex=True)
    axes = axes[:, 0]
    for ax in axes:
        ax.fill_between(t, 0, 1, where=burst, color=COLORS[1], alpha=0.15, transform=ax.get_xaxis_transform(), lw=0)
    axes[0].plot(t, x[:, 0], color="0.3", lw=0.9)
    axes[0].set_ylabel(plain(f"{result.names[0]} (measured)"))
    axes[1].plot(t, f, color=COLORS[1], lw=0.9)
    axes[1].set_ylabel(f"forcing v{result.delay.rank}")
    axes[1].set_xlabel(plain(result.time_name))
    axes[0].set_title("HAVOK forcing (shaded where |v_r| > 2 standard deviations)")
    return save(fig, path)


def havok_reconstruction(result: RunResult, path: Path) -> bool:
    """HAVOK driven by its measured forcing, against the measured signal (training run)."""
    span = _havok_span(result)
    if span is None:
        return False
    t, v, meas, rec, _ = span
    k = rec.shape[1]
    fig, axes = figure(k, 1, (8, 1.7 * k + 0.9))
    for j in range(k):
        axes[j, 0].plot(t, meas[:, j], color="0.55", lw=1.6, label="measured" if j == 0 else None)
        axes[j, 0].plot(t, rec[:, j], "--", color=COLORS[0], lw=1.0, label="HAVOK model" if j == 0 else None)
        axes[j, 0].set_ylabel(plain(result.names[j]))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    axes[0, 0].set_title("HAVOK reconstruction (linear model driven by the measured forcing)")
    axes[0, 0].legend(loc="upper right")
    return save(fig, path)


def delay_forecasts(result: RunResult, path: Path) -> bool:
    """Forecasts of the first held-out segment by each delay model, over the longest horizon."""
    a = result.delay.arrays if result.delay is not None else {}
    if "example/t" not in a:
        return False
    ex = {k: a[f"example/{k}"] for k in ("t", "truth", "t_history", "history")}
    ex["forecasts"] = {k.split("/", 2)[2]: v for k, v in a.items() if k.startswith("example/forecast/")}
    k = ex["truth"].shape[1]
    fig, axes = figure(k, 1, (8, 1.7 * k + 0.9))
    for j in range(k):
        ax = axes[j, 0]
        ax.plot(ex["t_history"], ex["history"][:, j], color="0.3", lw=1.0, label="history" if j == 0 else None)
        ax.plot(ex["t"], ex["truth"][:, j], ".", ms=3, color="0.55", label="held-out data" if j == 0 else None)
        for c, (name, pred) in enumerate(ex["forecasts"].items()):
            ax.plot(ex["t"], pred[:, j], "-", lw=1.2, color=COLORS[c % len(COLORS)], label=name if j == 0 else None)
        lo, hi = float(np.min(ex["truth"][:, j])), float(np.max(ex["truth"][:, j]))
        pad = 0.5 * (hi - lo) + 1e-12
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_ylabel(plain(result.names[j]))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    axes[0, 0].set_title("Forecasts from delay measurements (first held-out segment)")
    axes[0, 0].legend(loc="upper left")
    return save(fig, path)


def plan(result: RunResult) -> list[tuple[str, Callable]]:
    """The figures a run may have, in the report's order: ``(key, draw)``, each written as
    ``<key>.png`` by ``draw(result, path)``, which returns False when it has nothing to show.
    Each draws alone, so they may be drawn in any order or in separate processes."""
    out = [("trajectories", trajectories), ("forecasts", forecasts), ("hidden", hidden_term)]
    if result.best is not None:
        out.append(("derivatives", derivative_fit))
    from discover.report.equivalent import compared, draw

    if len(compared(result)) > 1:
        out.append(("equivalent", draw))
    out += [("confidence", term_confidence), ("havok_forcing", havok_forcing),
            ("havok_reconstruction", havok_reconstruction), ("delay_forecasts", delay_forecasts)]
    if result.candidates:
        out += [("pareto", pareto), ("sr_fronts", search_fronts)]
    return out


def write_all(result: RunResult, folder: Path, keys=None) -> dict[str, str]:
    """Write every figure (or those of ``keys``) into ``folder``; return {key: file name}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for key, draw in plan(result):
        if (keys is None or key in keys) and draw(result, folder / f"{key}.png") is not False:
            out[key] = f"{key}.png"
    return out
