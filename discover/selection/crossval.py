"""Blocked cross-validation of a candidate's structure, for series too short to hold out.

With a few dozen samples nothing can be set aside without starving the fit, and in-sample
scores always favour extra terms. Instead each run is cut into contiguous blocks; for each
block the candidate's terms are refitted by least squares on the derivative samples outside
it, and the refitted model is simulated across the block from its first (smoothed) state and
compared with the raw measurements. What is scored is the structure: a term that only fits
the noise of the other blocks predicts the held-out block worse.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.candidates import Candidate
from discover.core.expressions import safe_lambdify
from discover.core.integrate import integrate
from discover.core.structure import terms

N_BLOCKS = 4


def _basis(candidate: Candidate, names, inputs=()):
    symbols = [sp.Symbol(n) for n in (*names, *inputs)]
    out = []
    for n in names:
        ts = list(terms(candidate.equations[n], 1e-12))
        fns = [safe_lambdify(symbols, t, "numpy") for t in ts]
        out.append((ts, fns))
    return symbols, out


def _features(fns, X):
    cols = [np.broadcast_to(np.asarray(f(*X.T), dtype=float), (X.shape[0],)) for f in fns]
    return np.column_stack(cols) if cols else np.zeros((X.shape[0], 0))


def blocked_cv_error(candidate: Candidate, smoothed, measured, derivatives, names, variance, inputs=(),
                     hold: str = "linear") -> float:
    """Median over held-out blocks of the normalised simulation error (NaN-free; inf if a refit fails).

    With measured ``inputs`` (names; each run's ``u``), each block is simulated driven by its run's input."""
    from discover.core.signals import InputSignal

    symbols, basis = _basis(candidate, names, inputs)
    X_all = np.concatenate([np.hstack([s.x, s.u]) for s in smoothed])
    Y_all = np.concatenate(derivatives)
    offsets = np.cumsum([0] + [len(s) for s in smoothed])
    feats = [_features(fns, X_all) for _, fns in basis]
    errors = []
    for i, (seg, raw) in enumerate(zip(smoothed, measured)):
        edges = np.linspace(0, len(seg), N_BLOCKS + 1).astype(int)
        for a, b in zip(edges[:-1], edges[1:]):
            if b - a < 2:
                continue
            keep = np.ones(len(X_all), dtype=bool)
            keep[offsets[i] + a : offsets[i] + b] = False
            eqs = []
            for j, (ts, _) in enumerate(basis):
                coef = np.linalg.lstsq(feats[j][keep], Y_all[keep, j], rcond=None)[0] if ts else []
                eqs.append(sum((float(c) * t for c, t in zip(coef, ts)), sp.Integer(0)))
            driven = {"inputs": [InputSignal(raw.t, raw.u, hold)], "input_symbols": symbols[len(names):]} if inputs else {}
            sol = integrate(eqs, symbols[: len(names)], seg.x[a][None, :], [seg.t[a:b]],
                            bound=1e6 * float(np.sqrt(variance.max())), **driven)
            if not sol.ok:
                return float("inf")
            errors.append(np.mean(((sol.x[0] - raw.x[a:b]) ** 2) / variance))
    return float(np.median(errors)) if errors else float("inf")
