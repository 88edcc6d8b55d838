"""Coefficients of a found structure refitted on the measured data, in the weak form.

A surrogate (the neural ODE) hands distillers a smooth field, which is good for finding the
*structure*, but the field's small biases go into the coefficients, and selection may then
prefer extra terms that compensate. Refitting each structure's coefficients on the data's
integral form (least squares of the test-function integrals, as weak SINDy does; Messenger &
Bortz, 2021) removes that bias without differentiating noisy data. The refitted candidate
joins the original in selection; held-out data decide.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.candidates import Candidate, tidy
from discover.core.expressions import safe_lambdify
from discover.core.structure import terms
from discover.data.derivatives import WeakForm


def refit_on_data(candidate: Candidate, weak: WeakForm, raw_states: np.ndarray, names, inputs=()) -> Candidate | None:
    """The same terms with coefficients from the weak form of the measured runs (None if unusable).

    With measured ``inputs`` (names), ``raw_states`` holds the inputs' columns after the states'."""
    symbols = [sp.Symbol(n) for n in (*names, *inputs)]
    out = {}
    for i, n in enumerate(names):
        ts = [t for t in terms(candidate.equations[n], 1e-12)]
        if not ts:
            out[n] = sp.Integer(0)
            continue
        cols = []
        for t in ts:
            f = safe_lambdify(symbols, t, "numpy")
            with np.errstate(all="ignore"):
                cols.append(np.broadcast_to(np.asarray(f(*raw_states.T), dtype=float), (len(raw_states),)))
        A = weak.project(np.column_stack(cols))
        if not np.all(np.isfinite(A)):
            return None
        coef = np.linalg.lstsq(A, weak.targets[:, i], rcond=None)[0]
        out[n] = tidy(sum((sp.Float(float(c), 15) * t for c, t in zip(coef, ts)), sp.Integer(0)))
    settings = {**candidate.settings, "coefficients": "refitted on the data (weak form)"}
    return Candidate(out, candidate.method, settings, parts=candidate.parts)
