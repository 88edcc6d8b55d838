"""Standard errors of every constant of a candidate, from a refit of its structure on the data.

Whatever found a candidate (SINDy, symbolic regression, PROSE, a surrogate), its structure is
refitted the same way here: each right-hand side is a function of its constants (the
coefficients of its terms and any constant inside a term, such as ``K`` in ``x/(K + x)``),
fitted to the derivative samples of the training runs by least squares. A structure linear in
its constants is solved directly; any other by Gauss-Newton (:func:`scipy.optimize.least_squares`)
from the candidate's own values, as the hidden-term PINN refits its parameters. The covariance
of the constants is the usual :math:`s^2 (J^T J)^{-1}` at the optimum (Seber & Wild, *Nonlinear
Regression*, 2003, ch. 2), widened by the smoothing window: the derivative estimates of
neighbouring samples share the same noise, so ``n`` samples carry about ``n / window`` independent
errors.

The same design matrix gives the structure's identifiability: the condition number of its
columns scaled to unit norm (Belsley, Kuh & Welsch, *Regression Diagnostics*, 1980), and, when
it is large, the near-null combination of the terms that the data cannot tell apart.

The candidate's equations are not changed; the report shows its own constants with these
standard errors beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from discover.core.expressions import safe_lambdify
from discover.core.structure import terms

MAX_SAMPLES = 4000  # derivative samples used per refit (evenly thinned beyond this)


@dataclass
class Fit:
    """The refit of one right-hand side.

    Attributes
    ----------
    rows : list of dict
        One per constant: ``term`` (sympy expression the constant belongs to), ``value`` (the
        candidate's own value), ``stderr``, ``inner`` (True for a constant inside a term).
    condition : float
        Condition number of the scaled design matrix (1 for a single term; inf if singular).
    collinear : list of tuple
        When ill-conditioned: (term, weight) of the near-null combination, largest first.
    """

    rows: list = field(default_factory=list)
    condition: float = 1.0
    collinear: list = field(default_factory=list)


def _constants(term: sp.Expr) -> list:
    """Numbers inside ``term`` that are fitted constants (not integer exponents or integers)."""
    return sorted({a for a in term.atoms(sp.Float, sp.Rational) if not a.is_Integer}, key=sp.default_sort_key)


def _thin(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, MAX_SAMPLES)).astype(int))


def _columns(fn, X: np.ndarray) -> np.ndarray:
    """The columns of the terms compiled together in ``fn`` (a list of values per call)."""
    with np.errstate(all="ignore"):
        cols = [np.broadcast_to(np.asarray(c, dtype=float), (X.shape[0],)) for c in fn(*X.T)]
    return np.column_stack(cols)


def _condition(A: np.ndarray, ts: list) -> tuple[float, list]:
    norms = np.linalg.norm(A, axis=0)
    if A.shape[1] == 0:
        return 1.0, []
    if np.any(norms == 0) or not np.all(np.isfinite(A)):
        return float("inf"), [(t, 1.0) for t, n in zip(ts, norms) if n == 0]
    s, vt = np.linalg.svd(A / norms, full_matrices=False)[1:]
    cond = float(s[0] / s[-1]) if s[-1] > 0 else float("inf")
    v = vt[-1]
    order = np.argsort(-np.abs(v))
    combo = [(ts[i], float(v[i])) for i in order if abs(v[i]) >= 0.1 * np.abs(v).max()]
    return cond, combo


def refit_equation(expr: sp.Expr, symbols, X: np.ndarray, y: np.ndarray, window: float = 1.0) -> Fit:
    """Refit ``expr`` (a right-hand side on ``symbols``) to the samples ``(X, y)``; see the module."""
    tm = terms(expr, 1e-12)
    ts = list(tm)
    if not ts:
        return Fit()
    # a number inside several terms (K in 1/(K + x) and x/(K + x)) is one constant, fitted once
    shared: dict = {}
    for t in ts:
        for k in _constants(t):
            shared.setdefault(k, t)
    n_inner = len(shared)
    # one compilation for every term (lambdify costs milliseconds a call, and every candidate is refitted)
    A = _columns(safe_lambdify(symbols, ts, "numpy"), X)
    cond, combo = _condition(A, ts)
    ok = np.all(np.isfinite(A), axis=1) & np.isfinite(y)
    if n_inner == 0:
        J = A[ok]
        scale = np.where(np.linalg.norm(J, axis=0) > 0, np.linalg.norm(J, axis=0), 1.0)
        theta = np.linalg.lstsq(J / scale, y[ok], rcond=None)[0] / scale
        resid = y[ok] - J @ theta
    else:
        J, resid = _gauss_newton(ts, list(shared), tm, symbols, X[ok], y[ok])
    n, p = J.shape
    rows = []
    values = [tm[t] for t in ts] + [float(k) for k in shared]
    owners = [(t, False) for t in ts] + [(t, True) for t in shared.values()]
    if n > p and np.all(np.isfinite(J)):
        s2 = float(resid @ resid) / (n - p)
        # columns scaled to unit norm first: constants of very different sizes (1 and 1e24 for data
        # in tiny units) would otherwise lose the small ones to the pseudo-inverse's cut-off
        norms = np.where(np.linalg.norm(J, axis=0) > 0, np.linalg.norm(J, axis=0), 1.0)
        Js = J / norms
        cov = s2 * max(window, 1.0) * np.linalg.pinv(Js.T @ Js) / np.outer(norms, norms)
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    else:
        se = np.full(p, np.nan)
    for (t, is_inner), value, e in zip(owners, values, se):
        rows.append({"term": t, "value": float(value), "stderr": float(e), "inner": is_inner})
    return Fit(rows, cond, combo if cond > 1 else [])


def _gauss_newton(ts, inner, tm, symbols, X, y):
    """Jacobian and residuals at the least-squares optimum of a structure with inner constants ``inner``."""
    from scipy.optimize import least_squares

    qs = [sp.Symbol(f"_q{j}") for j in range(len(inner))]
    reps = dict(zip(inner, qs))
    cs = [sp.Symbol(f"_c{i}") for i in range(len(ts))]
    body = sum((c * t.xreplace(reps) for c, t in zip(cs, ts)), sp.Integer(0))
    params = cs + qs
    f = safe_lambdify([*symbols, *params], body, "numpy")
    grads = safe_lambdify([*symbols, *params], [sp.diff(body, q) for q in params], "numpy")
    p0 = np.array([tm[t] for t in ts] + [float(k) for k in inner], dtype=float)

    def resid(p):
        with np.errstate(all="ignore"):
            r = np.broadcast_to(np.asarray(f(*X.T, *p), dtype=float), y.shape) - y
        return np.where(np.isfinite(r), r, 1e6)

    def jac(p):
        with np.errstate(all="ignore"):
            cols = [np.broadcast_to(np.asarray(g, dtype=float), y.shape) for g in grads(*X.T, *p)]
        return np.nan_to_num(np.column_stack(cols), nan=0.0, posinf=0.0, neginf=0.0)

    sol = least_squares(resid, p0, jac=jac, method="lm", x_scale="jac", max_nfev=100 * len(p0))
    return jac(sol.x), resid(sol.x)


def refit_candidate(candidate, samples, window: float = 1.0) -> dict[str, Fit]:
    """A :class:`Fit` of every right-hand side of ``candidate`` on the derivative samples of ``samples``
    (a :class:`~discover.data.samples.Samples`); ``window`` is the smoothing window in samples."""
    names = list(samples.names)
    # a driven model reads the measured inputs too: they are columns beside the states
    V, columns = samples.variables()
    symbols = [sp.Symbol(n) for n in columns]
    keep = _thin(len(samples.states))
    X, Y = V[keep], samples.derivatives[keep]
    # thinned samples further apart than a window carry independent errors
    window = max(1.0, window * len(keep) / len(samples.states))
    out = {}
    for j, n in enumerate(names):
        try:
            out[n] = refit_equation(candidate.equations[n], symbols, X, Y[:, j], window)
        except (ValueError, TypeError, ZeroDivisionError, np.linalg.LinAlgError):
            out[n] = Fit(condition=float("nan"))
    return out


def to_record(fits: dict[str, Fit]) -> dict:
    """The refit as :attr:`~discover.core.candidates.Candidate.uncertainty` rows: per variable, ``term``
    (sympy expression), ``value`` (the candidate's own, as fitted), ``stderr`` (None when unknown),
    ``inner`` and, where a simpler number lies within one standard error, ``simpler``
    (:func:`~discover.core.candidates.simplest_within`). Nothing is rounded."""
    from discover.core.candidates import simplest_within

    out = {}
    for v, f in fits.items():
        rows = []
        for r in f.rows:
            se = float(r["stderr"]) if np.isfinite(r["stderr"]) else None
            row = {**r, "stderr": se}
            simpler = simplest_within(r["value"], se)
            if simpler is not None:
                row["simpler"] = simpler
            rows.append(row)
        out[v] = rows
    return out
