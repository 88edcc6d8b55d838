"""Every constant of a proposed right-hand side refitted on the data by nonlinear least squares.

A structure found by a search (a Hill exponent, a rate inside an exponential or a sigmoid, a
phase inside a sine, the constants of a rational function) carries the constants the search
settled on, fitted to noisy derivative estimates. Here each numeric constant of the expression,
wherever it sits, becomes a free parameter started at its found value and is refitted with
:func:`scipy.optimize.least_squares` (Levenberg-Marquardt), on the data's integral (weak)
form where the data give one (no derivative of noisy data is taken; Messenger & Bortz 2021)
and on the derivative estimates otherwise. Standard errors come from the Jacobian at the
optimum. Every constant is kept as fitted, with one structural exception: an exponent close to an
integer (a Hill exponent near 2) or a constant inside a function or denominator close to 0 (a
phase near 0) is tried as that integer, which changes the structure (``x**2.0003`` becomes the
monomial ``x**2``, ``sin(x + 0.0002)`` becomes ``sin(x)``: one constant fewer), and the other
constants are then refitted on the new structure. The simpler structure is kept only when it fits
as well: the error may grow by :data:`SNAP_TOLERANCE`, which is relative, so the noise level of
the data sets how close "as well" is. A constant that stays (a rate, a coefficient, a
half-saturation constant near 1) is never replaced by a round number; a report says beside it
when a simpler number lies within its standard error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from discover.core.expressions import as_expr, safe_lambdify

#: An exponent is tried as the nearest integer, and a constant inside a function or a denominator as
#: 0 (structures with one constant fewer), kept when the refit's error grows by at most this (relative).
SNAP_TOLERANCE = 0.01
#: Exponents further than this from an integer are left alone.
SNAP_DISTANCE = 0.3
#: The weak form is used when it has at least this many test functions (slow dynamics under
#: noise give few, wide windows, on which a formula with as many constants fits anything).
MIN_TEST_FUNCTIONS = 100


@dataclass(frozen=True)
class Target:
    """What one right-hand side is fitted to.

    Attributes
    ----------
    X : ndarray of shape (n_rows, n_states)
        States at which the right-hand side is evaluated.
    y : ndarray of shape (n_targets,)
        Strong form: dx_i/dt at ``X``; weak form: the test-function integrals of dx_i/dt.
    W : sparse matrix of shape (n_targets, n_rows), optional
        Weak form: quadrature weights times test functions (``W @ f(X)`` against ``y``).
    """

    X: np.ndarray
    y: np.ndarray
    W: object = None

    def residual(self, values: np.ndarray) -> np.ndarray:
        v = np.broadcast_to(values, (self.X.shape[0],))
        return (np.asarray(self.W @ v) if self.W is not None else v) - self.y


def targets(samples, i: int, max_rows: int = 4000) -> Target:
    """The weak-form target of equation ``i`` when the samples carry one with enough test
    functions, else the strong form."""
    # The columns are the states and then the measured inputs (a driven model reads both).
    if samples.weak is not None and samples.raw_states is not None and len(samples.weak.targets) >= MIN_TEST_FUNCTIONS:
        return Target(samples.raw_variables(), samples.weak.targets[:, i], samples.weak.W)
    X, _ = samples.variables()
    n = X.shape[0]
    rows = np.unique(np.linspace(0, n - 1, min(n, max_rows)).astype(int))
    return Target(X[rows], samples.derivatives[rows, i])


def _parameterise(expr: sp.Expr, top: bool = True):
    """The expression with each non-integer number (and each top-level coefficient) replaced by
    its own fresh symbol; returns the template and the list of (symbol, start value, is_exponent)."""
    params: list = []

    def walk(e, in_exp=False):
        if e.is_Number:
            if e.is_Integer and in_exp is not None:
                return e
            p = sp.Dummy(f"p{len(params)}")
            # kind: None a coefficient, True an exponent, False inside a function or fraction
            params.append((p, float(e), in_exp))
            return p
        if not e.args:
            return e
        if e.is_Pow:
            return sp.Pow(walk(e.base), walk(e.exp, True) if not e.exp.is_Integer else e.exp, evaluate=False)
        return e.func(*[walk(a) for a in e.args])

    terms = sp.Add.make_args(expr) if top else (expr,)
    out = []
    for t in terms:
        coef, rest = t.as_coeff_Mul()
        if rest == 1:
            out.append(walk(coef, None))  # the constant term is always free
            continue
        # a sum times the term (a numerator over a denominator) carries its own coefficients
        own = coef == 1 and any(f.is_Add for f in sp.Mul.make_args(rest))
        if own:  # the numerator's coefficients are coefficients, not inner constants
            factors = []
            for f in sp.Mul.make_args(rest):
                if f.is_Add:
                    f = sp.Add(*[walk(c, None) * walk(r) if r != 1 else walk(c, None)
                                 for c, r in (a.as_coeff_Mul() for a in f.args)])
                else:
                    f = walk(f)
                factors.append(f)
            out.append(sp.Mul(*factors))
            continue
        lead = coef if not coef.is_Number else walk(coef, None)
        out.append(lead * walk(rest))
    return sp.Add(*out), params


def _solve(template, params, symbols, target: Target):
    if not params:
        fn = safe_lambdify(list(symbols), template, "numpy")
        with np.errstate(all="ignore"):
            r = target.residual(np.asarray(fn(*target.X.T), dtype=float))
        return [], float(np.mean(r**2)) if np.all(np.isfinite(r)) else np.inf, np.zeros(0)
    if all(kind is None for _, _, kind in params):
        return _linear(template, params, symbols, target)
    from scipy.optimize import least_squares

    fn = safe_lambdify([*symbols, *[p for p, _, _ in params]], template, "numpy")
    cols = list(target.X.T)

    def res(theta):
        with np.errstate(all="ignore"):
            r = target.residual(np.asarray(fn(*cols, *theta), dtype=float))
        return np.where(np.isfinite(r), r, 1e6)

    x0 = np.array([v for _, v, _ in params])
    try:
        sol = least_squares(res, x0, method="lm", x_scale="jac", max_nfev=100 * (len(x0) + 1))
    except (ValueError, FloatingPointError, ZeroDivisionError, OverflowError):
        return list(x0), np.inf, np.full(len(x0), np.nan)
    r = sol.fun
    m, k = len(r), len(x0)
    cost = float(np.mean(r**2))
    try:
        cov = np.linalg.pinv(sol.jac.T @ sol.jac) * float(r @ r) / max(m - k, 1)
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se = np.full(k, np.nan)
    return list(sol.x), cost, se


def _linear(template, params, symbols, target: Target):
    """Least squares when every constant is a top-level coefficient (the problem is linear)."""
    cols = []
    for p, _, _ in params:
        fn = safe_lambdify(list(symbols), sp.diff(template, p), "numpy")
        with np.errstate(all="ignore"):
            col = np.broadcast_to(np.asarray(fn(*target.X.T), dtype=float), (target.X.shape[0],))
        cols.append(np.asarray(target.W @ col) if target.W is not None else col)
    A = np.column_stack(cols)
    if not np.all(np.isfinite(A)):
        return [v for _, v, _ in params], np.inf, np.full(len(params), np.nan)
    theta = np.linalg.lstsq(A, target.y, rcond=None)[0]
    r = A @ theta - target.y
    m, k = A.shape
    cov = np.linalg.pinv(A.T @ A) * float(r @ r) / max(m - k, 1)
    return list(theta), float(np.mean(r**2)), np.sqrt(np.clip(np.diag(cov), 0, None))


def refit(expr: sp.Expr, symbols, target: Target, snap: bool = True):
    """Refit every constant of ``expr`` (a right-hand side on ``symbols``) on ``target``.

    Returns
    -------
    expr : sympy.Expr
        The expression with every constant as refitted (an exponent or an inner constant made an
        integer only as a simpler structure that fits as well, its other constants refitted).
    cost : float
        Mean squared residual on ``target`` (``inf`` when the fit failed).
    rows : list of dict
        Each constant of ``expr``: ``term``, ``value`` (exactly the constant in ``expr``), ``stderr``
        and ``inner``, as :attr:`discover.core.candidates.Candidate.uncertainty` holds them.
    """
    template, params = _parameterise(as_expr(expr))
    theta, cost, se = _solve(template, params, symbols, target)
    changed = snap and np.isfinite(cost)
    floor = 1e-12 * float(np.mean(target.y**2))
    while changed:
        changed = False
        order = sorted(range(len(params)), key=lambda k: abs(theta[k] - round(theta[k])))
        for j in order:
            p, _, kind = params[j]
            # A structural hypothesis, never a rounded value: an exponent near an integer is tried as
            # the monomial (x**2.0003 -> x**2), an inner constant near 0 as absent (sin(x + 2e-4) ->
            # sin(x)); each is a structure with one constant fewer, the others refitted on it, and
            # judged by its error like any structure. Other constants keep their fitted values.
            near = round(theta[j]) if kind is True else 0
            if kind is None or abs(theta[j] - near) > SNAP_DISTANCE:
                continue
            fixed = template.xreplace({p: sp.Integer(near)})
            start = [(q, theta[k], e) for k, (q, _, e) in enumerate(params) if k != j]
            t2, c2, s2 = _solve(fixed, start, symbols, target)
            if c2 <= cost * (1 + SNAP_TOLERANCE) + floor:
                template, params, theta, cost, se = fixed, start, t2, c2, s2
                changed = True
                break
    values = {p: sp.Float(float(v), 15) for (p, _, _), v in zip(params, theta)}
    out = template.xreplace(values)
    return out, cost, _rows(template, params, values, se)


def _rows(template, params, values: dict, se) -> list[dict]:
    """The uncertainty rows of the refitted constants: a top-level coefficient belongs to the rest
    of its term; any other constant is inside the term it sits in (``inner``)."""
    errors = {p: float(s) for (p, _, _), s in zip(params, se)}
    rows = []
    for t in sp.Add.make_args(template):
        own = [p for p, _, _ in params if t.has(p)]
        for p in own:
            coef, rest = t.as_independent(p, as_Add=False)
            inner = rest != p
            err = errors[p]
            rows.append({"term": (t if inner else coef).xreplace(values), "value": float(values[p]),
                         "stderr": err if np.isfinite(err) else None, "inner": bool(inner)})
    return rows


def refit_candidate(candidate, samples):
    """The candidate with every constant of every equation refitted on ``samples`` (see
    :func:`refit`), or None when a refit fails or changes nothing (to
    :data:`~discover.core.candidates.KEY_DIGITS` digits). Standard errors go to ``uncertainty``."""
    from discover.core.candidates import Candidate, expression_key, tidy

    symbols = [sp.Symbol(v) for v in samples.variables()[1]]
    eqs, errors = {}, {}
    for i, name in enumerate(samples.names):
        expr, cost, rows = refit(candidate.equations[name], symbols, targets(samples, i))
        if not np.isfinite(cost):
            return None
        eqs[name], errors[name] = tidy(expr), rows
    if all(expression_key(eqs[n]) == expression_key(candidate.equations[n]) for n in samples.names):
        return None
    settings = {k: v for k, v in candidate.settings.items() if k != "standard_errors"}
    settings["coefficients"] = "refitted on the data by nonlinear least squares"
    return Candidate(eqs, candidate.method, settings, uncertainty=errors, parts=candidate.parts)
