"""The measured inputs in the report: their panel beside the states, and simulations driven by them.

A model fitted with ``--inputs`` reads u(t); every simulation the report draws is driven by the
inputs measured on that run (interpolated as the fit was: linearly, or held between samples),
and the inputs of the held-out runs are drawn in a panel of their own (``inputs.png``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy as sp

from discover.core.signals import InputSignal
from discover.result import RunResult

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def _plain(label: str) -> str:
    """A label as matplotlib text, never mathtext: every '$' escaped (as figures.py does; no import
    of it here, since it reads this module's helpers)."""
    return str(label).replace("$", r"\$")


def input_symbols(result: RunResult) -> list:
    return [sp.Symbol(n) for n in getattr(result, "inputs", ())]


def driven_args(result: RunResult, runs) -> dict:
    """Keyword arguments of :func:`~discover.core.integrate.integrate` driving each of ``runs`` by its own
    measured inputs (empty for a model without inputs)."""
    if not getattr(result, "inputs", ()):
        return {}
    return {"inputs": [InputSignal(r.t, r.u, result.hold) for r in runs], "input_symbols": input_symbols(result)}


def inputs_at(result: RunResult, run, rows) -> tuple:
    """The extra argument of a compiled right-hand side (``f(X, U)``): ``run``'s inputs at ``rows``."""
    if not getattr(result, "inputs", ()):
        return ()
    return (run.u[rows].T,)


def input_panel(result: RunResult, path: Path) -> bool:
    """The measured inputs of the held-out runs (as the states are drawn in ``trajectories.png``);
    returns False when the run has no inputs."""
    if not getattr(result, "inputs", ()) or not result.validation:
        return False
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.usetex"] = False  # labels are plain text, as in figures.py
    import matplotlib.pyplot as plt

    from discover.core.plotkit import run_name, source_runs

    runs = source_runs(result)
    m = len(result.inputs)
    fig, axes = plt.subplots(m, 1, figsize=(8, 1.6 * m + 0.6), squeeze=False, layout="constrained")
    for k, seg in enumerate(result.validation[:3]):
        dense = np.linspace(seg.t[0], seg.t[-1], min(4000, 20 * len(seg.t)))
        drawn = InputSignal(seg.t, seg.u, result.hold)(dense)
        for j, name in enumerate(result.inputs):
            axes[j, 0].plot(dense, drawn[:, j], "-", lw=1.2, color=COLORS[k % len(COLORS)],
                            label=_plain(run_name(seg.label, runs)) if j == 0 else None)
            axes[j, 0].set_ylabel(_plain(name))
    axes[-1, 0].set_xlabel(_plain(result.time_name))
    hold = "held between samples" if result.hold == "zoh" else "interpolated linearly between samples"
    axes[0, 0].set_title(f"Measured inputs of the held-out data ({hold})", fontsize=10)
    axes[0, 0].legend(fontsize=7, loc="upper right")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def write_input_figures(result: RunResult, folder: Path) -> dict[str, str]:
    """The input panel, when the run has inputs: ``{"inputs": "inputs.png"}``."""
    return {"inputs": "inputs.png"} if input_panel(result, folder / "inputs.png") else {}
