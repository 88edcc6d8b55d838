"""A peer's answer on the same data: PySINDy with its default settings.

Finite differences, STLSQ with threshold 0.1, polynomial library of degree 2: what a
scientist gets from ``pysindy.SINDy().fit(x, t=t)``. The benchmark prints it beside ours.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from discover.data.dataset import Dataset


def pysindy_default(data: Dataset) -> dict[str, sp.Expr]:
    """Fit ``pysindy.SINDy()`` with its defaults on every run; return the equations as sympy."""
    import pysindy as ps

    model = ps.SINDy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit([tr.x for tr in data.trajectories], t=[tr.t for tr in data.trajectories],
                  feature_names=list(data.names))
    lib = model.feature_library
    symbols = [sp.Symbol(n) for n in data.names]
    names = lib.get_feature_names(list(data.names))
    local = {n: s for n, s in zip(data.names, symbols)}
    features = [sp.sympify(f.replace(" ", "*").replace("^", "**"), locals=local) for f in names]
    coef = np.asarray(model.coefficients())
    return {
        v: sum((sp.Float(float(c), 6) * f for c, f in zip(coef[i], features) if c != 0), sp.Integer(0))
        for i, v in enumerate(data.names)
    }
