"""A peer's answer on the same data: PySINDy with its default settings.

Finite differences, STLSQ with threshold 0.1, polynomial library of degree 2: what a
scientist gets from ``pysindy.SINDy().fit(x, t=t)``. The benchmark prints it beside ours.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from discover.core.expressions import parse_expression
from discover.data.dataset import Dataset


def pysindy_default(data: Dataset) -> dict[str, sp.Expr]:
    """Fit ``pysindy.SINDy()`` with its defaults on every run; return the equations as sympy."""
    import pysindy as ps

    model = ps.SINDy()
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
