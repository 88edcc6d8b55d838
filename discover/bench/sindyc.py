"""The peer on driven systems: PySINDy's SINDYc with its default settings, and driven scoring.

SINDy with control (Brunton, Proctor & Kutz, "Sparse identification of nonlinear dynamics with
control (SINDYc)", IFAC 2016) as a scientist gets it from ``pysindy.SINDy().fit(x, t=t, u=u)``:
finite differences, STLSQ with threshold 0.1, and the default polynomial library of degree 2
over the states and inputs together. ``discover bench`` prints it beside ours on the driven
reference systems, and scores every found model simulated under the measured input.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from discover.core.expressions import parse_expression
from discover.core.integrate import integrate
from discover.core.metrics import r2
from discover.core.signals import InputSignal
from discover.data.dataset import Dataset

PEER = "pysindy-sindyc"


def pysindy_sindyc(data: Dataset) -> dict[str, sp.Expr]:
    """Fit ``pysindy.SINDy()`` with its defaults and the inputs as control (``u=``) on every run."""
    import pysindy as ps

    model = ps.SINDy()
    d = len(data.names)
    # internal names for states and inputs: the data's own names never enter a formula's text
    internal = [f"x{i}" for i in range(d)] + [f"u{j}" for j in range(len(data.inputs))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit([tr.x for tr in data.trajectories], t=[tr.t for tr in data.trajectories],
                  u=[tr.u for tr in data.trajectories], feature_names=internal)
    table = dict(zip(internal, (sp.Symbol(n) for n in (*data.names, *data.inputs))))
    features = [parse_expression(f.replace(" ", "*"), table, f"pysindy feature '{f}'", caret=True)
                for f in model.feature_library.get_feature_names(internal)]
    coef = np.asarray(model.coefficients())
    return {v: sum((sp.Float(float(c), 6) * f for c, f in zip(coef[i], features) if c != 0), sp.Integer(0))
            for i, v in enumerate(data.names)}


def driven_r2(found: dict, truth: dict, system, run) -> float:
    """R² over variables of ``found`` against the true model, both simulated from ``run``'s first
    state and driven by ``run``'s measured input (``nan`` if the truth fails, ``-inf`` if ``found`` blows up)."""
    syms, inputs = system.symbols, [sp.Symbol(u) for u in system.inputs]
    drive = {"inputs": [InputSignal(run.t, run.u)], "input_symbols": inputs}
    ref = integrate([truth[v] for v in system.variables], syms, run.x[:1], [run.t], rtol=1e-8, atol=1e-10,
                    max_evals=10**6, **drive)
    if not ref.ok:
        return float("nan")
    try:
        sim = integrate([found[v] for v in system.variables], syms, run.x[:1], [run.t],
                        bound=1e3 * (np.abs(ref.x[0]).max() + 1), max_evals=10**6, **drive)
    except (TypeError, NameError):  # a found formula reads a symbol the system does not have
        return float("-inf")
    return r2(ref.x[0], sim.x[0]) if sim.ok else float("-inf")


def new_driven_run(system, seed: int, points: int, x0: np.ndarray):
    """A clean run from ``x0`` driven by a chirp (a different signal than the training sines)."""
    from discover.systems import generate

    return generate(system, points=points, seed=seed, initial_states=x0[None, :], input_signal="chirp").trajectories[0]
