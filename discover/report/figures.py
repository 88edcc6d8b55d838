"""Figures of a run (matplotlib, written as PNG files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy as sp

from discover.errors import DataError
from discover.expressions import identifiers, parse_expression, to_text
from discover.integrate import compile_rhs, integrate
from discover.printing import derivative_text, differential_text
from discover.report.inputs_panel import driven_args, input_symbols, inputs_at
from discover.result import RunResult

MAX_PLOT_POINTS = 5000  # dots beyond this only slow the figure down
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.usetex"] = False  # labels are plain text: with mathtext only '$' is special
    import matplotlib.pyplot as plt

    return plt


def _plain(label: str) -> str:
    """A label as matplotlib text, never mathtext: every '$' escaped."""
    return str(label).replace("$", r"\$")


def _symbols(result):
    return [sp.Symbol(n) for n in result.names]


def trajectories(result: RunResult, path: Path) -> None:
    """Held-out data against the selected model simulated from each segment's first state."""
    plt = _plt()
    from discover.selection.scoring import LONG_HORIZONS

    horizon = LONG_HORIZONS * float(result.settings.get("validation_horizon") or np.inf)

    def cut(tr):
        n = max(2, int(np.searchsorted(tr.t, tr.t[0] + horizon, side="right")))
        p = np.unique(np.linspace(0, n - 1, min(n, MAX_PLOT_POINTS)).astype(int))
        return type(tr)(tr.t[p], tr.x[p], tr.label)

    segs = [cut(s) for s in result.validation[:3]]
    smooth = [cut(s) for s in result.validation_smoothed[:3]]
    d = len(result.names)
    fig, axes = plt.subplots(d, 1, figsize=(8, 1.9 * d + 0.6), sharex=False, squeeze=False)
    sims = None
    if result.best is not None:
        sol = integrate([result.best.equations[n] for n in result.names], _symbols(result),
                        np.array([s.x[0] for s in smooth]), [s.t for s in smooth],
                        **driven_args(result, result.validation[:3]))
        sims = sol.x
    for j, name in enumerate(result.names):
        ax = axes[j, 0]
        for k, seg in enumerate(segs):
            c = COLORS[k % len(COLORS)]
            ax.plot(seg.t, seg.x[:, j], ".", ms=2.5, color=c, alpha=0.45, label=_plain(f"data: {seg.label}") if j == 0 else None)
            if sims is not None and np.all(np.isfinite(sims[k])):
                ax.plot(seg.t, sims[k][:, j], "-", lw=1.4, color=c, label="model" if j == 0 and k == 0 else None)
        ax.set_ylabel(_plain(name))
    axes[-1, 0].set_xlabel(_plain(result.time_name))
    if result.best is None:
        axes[0, 0].set_title("Held-out data" if not result.in_sample else "Data")
    else:
        axes[0, 0].set_title("Held-out data (dots) and the selected equations simulated (lines)"
                             if not result.in_sample else "Data (dots) and the selected equations simulated (lines, in-sample)")
    axes[0, 0].legend(fontsize=7, loc="upper right", ncol=2)
    _save(fig, path)


def derivative_fit(result: RunResult, path: Path) -> None:
    """Estimated dx/dt against the selected right-hand side along the first training run."""
    plt = _plt()
    tr, xs, dx = result.train[0], result.train_smoothed[0], result.train_derivatives[0]
    p = np.unique(np.linspace(0, len(tr) - 1, min(len(tr), MAX_PLOT_POINTS)).astype(int))
    tr, xs, dx = type(tr)(tr.t[p], tr.x[p], tr.label), type(xs)(xs.t[p], xs.x[p], xs.label), dx[p]
    d = len(result.names)
    fig, axes = plt.subplots(d, 1, figsize=(8, 1.8 * d + 0.6), squeeze=False)
    f = compile_rhs([result.best.equations[n] for n in result.names], _symbols(result),
                    input_symbols(result)) if result.best else None
    model = f(xs.x.T, *inputs_at(result, result.train_smoothed[0], p)).T if f else None
    for j, name in enumerate(result.names):
        ax = axes[j, 0]
        ax.plot(tr.t, dx[:, j], ".", ms=2.5, color="#777777", alpha=0.6, label="estimated from data" if j == 0 else None)
        if model is not None:
            ax.plot(tr.t, model[:, j], "-", lw=1.2, color=COLORS[0], label="selected equations" if j == 0 else None)
        ax.set_ylabel(_plain(derivative_text(name, result.time_name)))
    axes[-1, 0].set_xlabel(_plain(result.time_name))
    axes[0, 0].set_title(_plain(f"Derivative fit on training run '{tr.label}'"))
    axes[0, 0].legend(fontsize=7, loc="upper right")
    _save(fig, path)


def term_confidence(result: RunResult, path: Path) -> bool:
    """Bootstrap inclusion probability of each term; returns False when there is none to show."""
    if result.best is None or not result.best.term_confidence:
        return False
    plt = _plt()
    from discover.structure import terms

    rows = []
    for v, probs in result.best.term_confidence.items():
        kept = {sp.sstr(t) for t in terms(result.best.equations[v], 1e-12)}
        for t, p in sorted(probs.items(), key=lambda kv: (kv[0] not in kept, -kv[1])):
            if p >= 0.05 or t in kept:
                label = f"{differential_text(v)}: {t}" + ("" if t in kept else "  (not in model)")
                rows.append((_plain(label), p, t in kept))
    if not rows:
        return False
    labels, values, inside = zip(*rows[::-1])
    longest = max(len(label) for label in labels)  # long names: a wider figure, not a squeezed plot
    fig, ax = plt.subplots(figsize=(min(max(7.0, 4.5 + 0.08 * longest), 16.0), 0.28 * len(rows) + 1.0))
    colors = ["#bbbbbb" if not k else "#2ca02c" if p >= 0.9 else "#ff7f0e" if p >= 0.6 else "#d62728"
              for p, k in zip(values, inside)]
    ax.barh(range(len(values)), values, color=colors)
    ax.set_yticks(range(len(values)), labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("inclusion probability over bootstrap refits")
    ax.axvline(0.9, color="#999999", lw=0.8, ls="--")
    ax.set_title("How often each term is kept when the data are resampled")
    return _save(fig, path)


def pareto(result: RunResult, path: Path) -> None:
    """Held-out error against complexity for every candidate, by method."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    methods = sorted({c.method for c in result.candidates})
    for k, m in enumerate(methods):
        pts = [(c.complexity, max(1 - c.scores.get("short_r2", np.nan), 1e-8)) for c in result.candidates
               if c.method == m and not c.scores.get("failed")]
        if pts:
            x, y = zip(*pts)
            ax.plot(x, y, "o", color=COLORS[k % len(COLORS)], label=m, alpha=0.8)
    if result.best is not None and not result.best.scores.get("failed"):
        ax.plot([result.best.complexity], [max(1 - result.best.scores["short_r2"], 1e-8)], "*", ms=16,
                color="gold", mec="black", label="selected")
    ax.set_yscale("log")
    ax.set_xlabel("complexity (terms + non-polynomial operations)")
    ax.set_ylabel("held-out error (1 - R²)")
    ax.set_title("Candidates: accuracy against complexity")
    ax.legend(fontsize=8)
    _save(fig, path)


def search_fronts(result: RunResult, path: Path) -> bool:
    """Symbolic regression's Pareto front for each searched equation (error against complexity)."""
    if not result.fronts:
        return False
    plt = _plt()
    keys = list(result.fronts)
    fig, axes = plt.subplots(1, len(keys), figsize=(3.6 * len(keys) + 0.6, 3.4), squeeze=False)
    ids = identifiers(result.names)  # the fronts' formulas are written as equations.json writes equations
    chosen = {f"d{v}/d{result.time_name}": to_text(e, ids) for v, e in (result.best.equations.items() if result.best else [])}
    for ax, key in zip(axes[0], keys):
        front = sorted(result.fronts[key], key=lambda e: e["complexity"])
        x = [e["complexity"] for e in front]
        y = [max(e["mse"], 1e-12) for e in front]
        ax.step(x, y, where="post", color=COLORS[0], lw=1)
        ax.plot(x, y, "o", color=COLORS[0])
        var = key.split(": ", 1)[-1]
        for e in front:
            if chosen.get(var) == e["expr"]:
                ax.plot([e["complexity"]], [max(e["mse"], 1e-12)], "*", ms=15, color="gold", mec="black")
        ax.set_yscale("log")
        ax.set_title(_plain(key), fontsize=9)
        ax.set_xlabel("complexity")
    axes[0, 0].set_ylabel("mean squared error")
    fig.suptitle("Symbolic regression: Pareto front per equation (star: in the selected model)", fontsize=10)
    return _save(fig, path)


def forecasts(result: RunResult, path: Path) -> bool:
    """Each surrogate's forecast of the held-out segments beside the selected equations."""
    shown = {k: v for k, v in result.surrogates.items() if v.get("forecasts")}
    if not shown or not result.validation:
        return False
    plt = _plt()
    seg, smooth = result.validation[0], result.validation_smoothed[0]
    p = np.unique(np.linspace(0, len(seg.t) - 1, min(len(seg.t), MAX_PLOT_POINTS)).astype(int))
    d = len(result.names)
    fig, axes = plt.subplots(d, 1, figsize=(8, 1.9 * d + 0.6), squeeze=False)
    sim = None
    if result.best is not None:
        sol = integrate([result.best.equations[n] for n in result.names], _symbols(result), smooth.x[:1], [seg.t],
                        **driven_args(result, [seg]))
        sim = sol.x[0] if sol.ok else None
    for j, name in enumerate(result.names):
        ax = axes[j, 0]
        ax.plot(seg.t[p], seg.x[p, j], ".", ms=2.5, color="0.55", label="held-out data" if j == 0 else None)
        for k, (label, info) in enumerate(shown.items()):
            f = info["forecasts"][0]
            ax.plot(seg.t, f[:, j], "--", lw=1.4, color=COLORS[(k + 1) % len(COLORS)],
                    label=f"{label} forecast" if j == 0 else None)
        if sim is not None:
            ax.plot(seg.t, sim[:, j], "-", lw=1.2, color=COLORS[0], label="selected equations" if j == 0 else None)
        lo, hi = float(np.min(seg.x[:, j])), float(np.max(seg.x[:, j]))
        pad = 0.3 * (hi - lo) + 1e-12
        ax.set_ylim(lo - pad, hi + pad)  # a forecast that runs away must not flatten the data
        ax.set_ylabel(_plain(name))
    axes[-1, 0].set_xlabel(_plain(result.time_name))
    axes[0, 0].set_title("Surrogate forecast and distilled equations from the first held-out state")
    axes[0, 0].legend(fontsize=7, loc="upper right")
    return _save(fig, path)


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
    table = {ident: sp.Symbol(label) for label, ident in identifiers(result.names).items()}

    def read(text, n):
        return parse_expression(text, table, f"hidden-term formula for d{n}/d{result.time_name}", error=DataError)

    hidden = [read(c.settings["hidden"][n], n) for n in result.names]
    f = compile_rhs(hidden, syms)
    plt = _plt()
    d = len(result.names)
    fig, axes = plt.subplots(d, 1, figsize=(8, 1.9 * d + 0.6), squeeze=False)
    # The model's constants were refitted after training, so its hidden term is compared with G
    # at the PINN's own parameters: (known part fitted + hidden formula) - known part at the PINN's.
    fitted_known = compile_rhs([read(c.settings.get("known_fitted", {}).get(n, "0"), n) for n in result.names], syms)
    for k, curve in enumerate(curves):
        shifted = f(curve["u"].T).T + fitted_known(curve["u"].T).T - curve["F"]
        for j, name in enumerate(result.names):
            ax = axes[j, 0]
            ax.plot(curve["t"], curve["G"][:, j], "-", lw=1.6, color=COLORS[1],
                    label="hidden-term network G" if (j == 0 and k == 0) else None)
            ax.plot(curve["t"], shifted[:, j], "--", lw=1.2, color=COLORS[0],
                    label="distilled model, at the PINN's known parameters" if (j == 0 and k == 0) else None)
            ax.set_ylabel(_plain(f"hidden {derivative_text(name, result.time_name)}"))
    axes[-1, 0].set_xlabel(_plain(result.time_name))
    axes[0, 0].set_title("Hidden term along the fitted trajectories")
    axes[0, 0].legend(fontsize=7, loc="upper right")
    return _save(fig, path)


def _havok_span(result: RunResult):
    """HAVOK's stretch of its training run: times, coordinates, measured signal, driven reconstruction."""
    a = result.delay.arrays if result.delay is not None else {}
    if "havok/v" not in a:
        return None
    return a["havok/t"], a["havok/v"], a["havok/measured"], a["havok/driven"], float(a["havok/forcing_std"])


def _save(fig, path: Path) -> bool:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _plt().close(fig)
    return True


def havok_forcing(result: RunResult, path: Path) -> bool:
    """The measured signal above HAVOK's forcing v_r; bursts of forcing shaded on both."""
    span = _havok_span(result)
    if span is None:
        return False
    t, v, x, _, spread = span
    f = v[:, -1]
    burst = np.abs(f) > 2.0 * spread
    plt = _plt()
    fig, axes = plt.subplots(2, 1, figsize=(8, 4.2), sharex=True)
    for ax in axes:
        ax.fill_between(t, 0, 1, where=burst, color=COLORS[1], alpha=0.15, transform=ax.get_xaxis_transform(), lw=0)
    axes[0].plot(t, x[:, 0], color="0.3", lw=0.9)
    axes[0].set_ylabel(_plain(f"{result.names[0]} (measured)"))
    axes[1].plot(t, f, color=COLORS[1], lw=0.9)
    axes[1].set_ylabel(f"forcing v{result.delay.rank}")
    axes[1].set_xlabel(_plain(result.time_name))
    axes[0].set_title("HAVOK forcing (shaded where |v_r| > 2 standard deviations)")
    return _save(fig, path)


def havok_reconstruction(result: RunResult, path: Path) -> bool:
    """HAVOK driven by its measured forcing, against the measured signal (training run)."""
    span = _havok_span(result)
    if span is None:
        return False
    t, v, meas, rec, _ = span
    plt = _plt()
    k = rec.shape[1]
    fig, axes = plt.subplots(k, 1, figsize=(8, 1.9 * k + 0.8), squeeze=False)
    for j in range(k):
        axes[j, 0].plot(t, meas[:, j], color="0.55", lw=1.6, label="measured" if j == 0 else None)
        axes[j, 0].plot(t, rec[:, j], "--", color=COLORS[0], lw=1.0, label="HAVOK model" if j == 0 else None)
        axes[j, 0].set_ylabel(_plain(result.names[j]))
    axes[-1, 0].set_xlabel(_plain(result.time_name))
    axes[0, 0].set_title("HAVOK reconstruction (linear model driven by the measured forcing)")
    axes[0, 0].legend(fontsize=7, loc="upper right")
    return _save(fig, path)


def delay_forecasts(result: RunResult, path: Path) -> bool:
    """Forecasts of the first held-out segment by each delay model, over the longest horizon."""
    a = result.delay.arrays if result.delay is not None else {}
    if "example/t" not in a:
        return False
    ex = {k: a[f"example/{k}"] for k in ("t", "truth", "t_history", "history")}
    ex["forecasts"] = {k.split("/", 2)[2]: v for k, v in a.items() if k.startswith("example/forecast/")}
    plt = _plt()
    k = ex["truth"].shape[1]
    fig, axes = plt.subplots(k, 1, figsize=(8, 1.9 * k + 0.8), squeeze=False)
    for j in range(k):
        ax = axes[j, 0]
        ax.plot(ex["t_history"], ex["history"][:, j], color="0.3", lw=1.0, label="history" if j == 0 else None)
        ax.plot(ex["t"], ex["truth"][:, j], ".", ms=3, color="0.55", label="held-out data" if j == 0 else None)
        for c, (name, pred) in enumerate(ex["forecasts"].items()):
            ax.plot(ex["t"], pred[:, j], "-", lw=1.2, color=COLORS[c % len(COLORS)], label=name if j == 0 else None)
        lo, hi = float(np.min(ex["truth"][:, j])), float(np.max(ex["truth"][:, j]))
        pad = 0.5 * (hi - lo) + 1e-12
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_ylabel(_plain(result.names[j]))
    axes[-1, 0].set_xlabel(_plain(result.time_name))
    axes[0, 0].set_title("Forecasts from delay measurements (first held-out segment)")
    axes[0, 0].legend(fontsize=7, loc="upper left")
    return _save(fig, path)


def write_all(result: RunResult, folder: Path) -> dict[str, str]:
    """Write every figure into ``folder``; return {key: file name}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    trajectories(result, folder / "trajectories.png")
    out["trajectories"] = "trajectories.png"
    if forecasts(result, folder / "forecasts.png"):
        out["forecasts"] = "forecasts.png"
    if hidden_term(result, folder / "hidden.png"):
        out["hidden"] = "hidden.png"
    if result.best is not None:
        derivative_fit(result, folder / "derivatives.png")
        out["derivatives"] = "derivatives.png"
    if term_confidence(result, folder / "confidence.png"):
        out["confidence"] = "confidence.png"
    for key, draw in (("havok_forcing", havok_forcing), ("havok_reconstruction", havok_reconstruction),
                      ("delay_forecasts", delay_forecasts)):
        if draw(result, folder / f"{key}.png"):
            out[key] = f"{key}.png"
    if not result.candidates:
        return out
    pareto(result, folder / "pareto.png")
    out["pareto"] = "pareto.png"
    if search_fronts(result, folder / "sr_fronts.png"):
        out["sr_fronts"] = "sr_fronts.png"
    return out
