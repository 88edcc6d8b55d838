"""Peers' answers on the same data: PySINDy, and the symbolic regression engine on derivatives.

- :func:`pysindy_default`: finite differences, STLSQ with threshold 0.1, polynomial library of
  degree 2: what a scientist gets from ``pysindy.SINDy().fit(x, t=t)``.
- :func:`pysindy_polynomial`: the same with a polynomial library of another degree (3 for ODEBench).
- :func:`sr_engine`: pyoperon alone, as one would use it without discover: a search per
  variable on derivatives by smoothed finite differences (PySINDy's ``SmoothedFiniteDifference``,
  Savitzky-Golay window of 15 samples, one of the two settings ODEFormer's baselines search over),
  the formula the engine itself picks from its front. Same operators and search size as discover's ``sr``
  distiller, none of its cleaning, assembling or selection.

The benchmarks print them beside ours.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from discover.core.expressions import parse_expression
from discover.data.dataset import Dataset


def pysindy_default(data: Dataset) -> dict[str, sp.Expr]:
    """Fit ``pysindy.SINDy()`` with its defaults on every run; return the equations as sympy."""
    return pysindy_polynomial(data, degree=None)


def pysindy_polynomial(data: Dataset, degree: int | None = 3) -> dict[str, sp.Expr]:
    """Fit ``pysindy.SINDy`` with a polynomial library of ``degree`` (None: PySINDy's default
    library), every other setting PySINDy's default."""
    import pysindy as ps

    model = ps.SINDy() if degree is None else ps.SINDy(feature_library=ps.PolynomialLibrary(degree=degree))
    # pysindy sees internal names x0, x1, ...: its feature names are text, read back with the
    # restricted parser; the data's own names are labels and never enter a formula's text.
    internal = [f"x{i}" for i in range(len(data.names))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit([tr.x for tr in data.trajectories], t=[tr.t for tr in data.trajectories],
                  feature_names=internal)
    lib = model.feature_library
    table = dict(zip(internal, (sp.Symbol(n) for n in data.names)))
    features = [parse_expression(f.replace(" ", "*"), table, f"pysindy feature '{f}'", caret=True)
                for f in lib.get_feature_names(internal)]
    coef = np.asarray(model.coefficients())
    return {
        v: sum((sp.Float(float(c), 6) * f for c, f in zip(coef[i], features) if c != 0), sp.Integer(0))
        for i, v in enumerate(data.names)
    }


def sr_engine(data: Dataset, seed: int = 0, threads: int = 2) -> dict[str, sp.Expr] | None:
    """pyoperon on smoothed finite-difference derivatives, one search per variable; the engine's own pick.

    Returns None when a picked formula cannot be read back (the restricted parser refuses it).
    """
    from pyoperon.sklearn import SymbolicRegressor
    from pysindy.differentiation import SmoothedFiniteDifference

    from discover.distillers.clean import read
    from discover.distillers.symbolic_regression import SRConfig

    cfg = SRConfig()
    X = np.concatenate([tr.x for tr in data.trajectories])
    fd = SmoothedFiniteDifference(smoother_kws={"window_length": 15})
    dX = np.concatenate([fd(tr.x, t=tr.t) for tr in data.trajectories])
    rows = np.unique(np.linspace(0, len(X) - 1, min(len(X), cfg.max_rows)).astype(int))
    internal = [f"x{i}" for i in range(len(data.names))]
    symbols = [sp.Symbol(n) for n in data.names]
    out = {}
    for j, name in enumerate(data.names):
        reg = SymbolicRegressor(
            allowed_symbols=",".join(("add", "sub", "mul", "div", "constant", "variable") + cfg.operators),
            optimizer_iterations=10, generations=cfg.generations, population_size=cfg.population_size,
            max_length=cfg.max_length, objectives=["r2", "length"], max_evaluations=cfg.max_evaluations,
            n_threads=threads, random_state=seed + j)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg.fit(X[rows], dX[rows, j])
        expr = read(reg.get_model_string(reg.model_, 8, internal), symbols)
        if expr is None:
            return None
        out[name] = expr
    return out
