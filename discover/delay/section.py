"""What the delay models add to a report: the delay embedding, each model's own part, and the
comparison of their forecasts with the equation baselines (one section for the family, whichever
delay models ran; each model's own blocks come from its :meth:`BaseDelayModel.blocks`).

Built from the run's ``delay`` record alone (:class:`discover.core.outputs.DelayResult`), so a run
folder read back shows the same; each model's description is written as ``<name>.json``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from discover.core.section import Figure, Heading, Section, Table, Text, fmt


def section(result) -> Section | None:
    """The delay models' part of the report (None when none ran)."""
    from discover.delay import REGISTRY

    d = result.delay
    if d is None:
        return None
    horizons = [fmt(x, 3) for x in d.horizons]
    blocks = [Text.plain(f"Delay embedding of {', '.join(result.names)}: {d.delays} delays, {d.spacing} sample(s) "
                         f"apart (window {fmt(d.window, 4)} {result.time_name}, sampling interval {fmt(d.dt, 5)}); "
                         f"rank {d.rank} from the Gavish–Donoho optimal hard threshold.")]
    for name in d.methods:
        if name in REGISTRY:
            blocks += list(REGISTRY[name].blocks(result))
    rows = tuple((r["method"], "—" if r["parameters"] is None else str(r["parameters"]), fmt(r["seconds"], 2),
                  "—" if r["operations"] is None else str(r["operations"]), *(fmt(e, 3) for e in r["rmse"]), r["note"])
                 for r in d.rows)
    blocks += [Heading("Forecast comparison"),
               Text.plain("RMSE in units of each signal's standard deviation on the held-out data, at horizons "
                          f"{', '.join(horizons)} {result.time_name}."),
               Table(("method", "parameters", "training (s)", "multiply-adds per step",
                      *(f"RMSE at {h}" for h in horizons), "note"), rows),
               Figure("delay_forecasts", "delay forecasts", delay_forecasts)]
    files = {f"{name}.json": description for name, description in d.models.items()}
    return Section("delay", "Time-delay models", tuple(blocks), level=2, place="models", files=files)


def delay_forecasts(result, path: Path) -> bool:
    """Forecasts of the first held-out segment by each delay model, over the longest horizon."""
    from discover.core.plotkit import MODEL, figure, plain, save

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
            ax.plot(ex["t"], pred[:, j], "-", lw=1.2, color=MODEL[c % len(MODEL)], label=name if j == 0 else None)
        lo, hi = float(np.min(ex["truth"][:, j])), float(np.max(ex["truth"][:, j]))
        pad = 0.5 * (hi - lo) + 1e-12
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_ylabel(plain(result.names[j]))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    axes[0, 0].set_title("Forecasts from delay measurements (first held-out segment)")
    axes[0, 0].legend(loc="upper left")
    return save(fig, path)
