"""Turning a raw formula from a search into one a person can read, scored as read.

Three steps, each kept only when the fit stays as good:

1. **Simplify** with sympy (``sympy.simplify`` is slow on big trees, so a node budget guards it).
2. **Refit coefficients** of the additive terms by linear least squares on the samples
   (the inner constants stay as the search found them, and :mod:`discover.distillers.nls` refits
   them afterwards), and drop terms whose contribution is negligible or whose removal costs less
   than 2% of the fit error (backward elimination).

The expression returned is the one that gets scored, so the formula in the report is the
formula that was judged. No constant is replaced by a round number: a simpler structure (an
exponent or an inner constant as a nearby integer, ``x**2.0003`` as ``x**2``, ``sin(1.0004*x)`` as
``sin(x)``) is a separate proposal (:func:`simpler_structure`), with its coefficients refitted,
that the search puts beside the formula as found.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from discover.core.errors import DataError, DiscoverError
from discover.core.expressions import parse_expression, safe_lambdify
from discover.core.structure import leading_coefficient, terms


@lru_cache(maxsize=8192)
def compiled(symbols: tuple, expr):
    """:func:`~discover.core.expressions.safe_lambdify` of ``expr``, kept: distillers score the same
    terms and equations many times (a model's proposals share most of their terms), and
    lambdify's code printing costs far more than evaluating the result."""
    return safe_lambdify(symbols, expr, "numpy")


_SIMPLIFY_MAX_OPS = 30


def mse(expr, symbols, X, y) -> float:
    """Mean squared error of ``expr`` (on ``symbols``) against ``y`` at the rows of ``X``; inf if it cannot be evaluated."""
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I):
        return float("inf")
    try:
        f = compiled(tuple(symbols), expr)
        with np.errstate(all="ignore"):
            pred = np.broadcast_to(np.asarray(f(*X.T), dtype=float), y.shape)
    except (TypeError, ValueError, ZeroDivisionError, NameError, KeyError, AttributeError):
        return float("inf")
    if not np.all(np.isfinite(pred)):
        return float("inf")
    return float(np.mean((pred - y) ** 2))


#: An exponent or inner constant within this distance of an integer is tried as that integer.
STRUCTURAL_DISTANCE = 0.3


def _structural(expr) -> dict:
    """The floats of ``expr`` that a simpler structure would make integers: {float: integer}. An
    exponent (``x**2.0003`` as the monomial ``x**2``) or a constant inside a function or a
    denominator (``sin(1.0004*x)`` as ``sin(x)``, ``x + 0.0002`` inside a function as ``x``), within
    :data:`STRUCTURAL_DISTANCE` of an integer; a term's coefficient never."""
    inside = [p.exp for p in expr.atoms(sp.Pow)]
    inside += [a for f in expr.atoms(sp.Function) for a in f.args]
    inside += [p.base for p in expr.atoms(sp.Pow) if p.exp.is_number and p.exp < 0]
    out = {}
    for node in inside:
        for f in node.atoms(sp.Float) if not isinstance(node, sp.Float) else {node}:
            near = round(float(f))
            if abs(float(f) - near) <= STRUCTURAL_DISTANCE:
                out[f] = sp.Integer(near)
    return out


def simpler_structure(expr, symbols, X, y, tolerance: float = 1e-3, negligible: float = 1e-5):
    """A structure with fewer constants that fits ``(X, y)`` as well as ``expr``, or None.

    Each exponent or inner constant near an integer (:func:`_structural`) is tried as that
    integer, and kept while the MSE grows by less than ``tolerance`` (relative) or by less than
    ``negligible`` of the target's variance; the coefficients are then refitted on the structure
    kept. This is a hypothesis about the structure, offered beside ``expr`` (never in its place):
    both go on the search's front, and held-out data judge them. No constant that stays is
    rounded."""
    base = mse(expr, symbols, X, y)
    scale = max(float(np.var(y)), 1e-300)
    out = expr
    for f, c in sorted(_structural(expr).items(), key=lambda fc: abs(float(fc[0]) - int(fc[1]))):
        cand = out.xreplace({f: c})
        err = mse(cand, symbols, X, y)
        if err <= base + max(tolerance * base, negligible * scale):
            out = cand
    if out == expr:
        return None
    out = monic(refit_terms(sp.expand(out), symbols, X, y))
    return out if np.isfinite(mse(out, symbols, X, y)) else None


def refit_terms(expr, symbols, X, y, drop: float = 1e-4):
    """Least-squares coefficients for each additive term; terms contributing < ``drop`` of RMS(y) go."""
    ts = [t for t in terms(expr) if t != 0]
    if not ts:
        return expr
    A = _columns(ts, symbols, X, len(y))
    if not np.all(np.isfinite(A)):
        return expr
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    rms_y = max(float(np.sqrt(np.mean(y**2))), 1e-300)
    keep = [i for i in range(len(ts)) if np.sqrt(np.mean((A[:, i] * coef[i]) ** 2)) >= drop * rms_y]
    if len(keep) < len(ts) and keep:
        coef_k = np.linalg.lstsq(A[:, keep], y, rcond=None)[0]
        return sum((sp.Float(float(c), 15) * ts[i] for c, i in zip(coef_k, keep)), sp.Integer(0))
    return sum((sp.Float(float(c), 15) * t for c, t in zip(coef, ts)), sp.Integer(0))


def _columns(ts, symbols, X, n):
    cols = []
    for t in ts:
        f = compiled(tuple(symbols), t)
        with np.errstate(all="ignore"):
            cols.append(np.broadcast_to(np.asarray(f(*X.T), dtype=float), (n,)))
    return np.column_stack(cols)


def prune_terms(expr, symbols, X, y, tolerance: float = 0.02, negligible: float = 1e-4):
    """Backward elimination: drop the additive term whose removal (with the others refitted)
    costs least, while the error grows by less than ``tolerance`` (relative) or by less than
    ``negligible`` of the target's variance (a term worth under 1% of the signal's RMS).

    Each term is evaluated once and the eliminations are least-squares solves on its columns
    (a model proposes many terms; re-evaluating sympy expressions at every trial was the cost).
    """
    base = mse(expr, symbols, X, y)
    floor = negligible * float(np.var(y))
    ts = [t for t in terms(expr) if t != 0]
    if len(ts) <= 1:
        return expr
    A = _columns(ts, symbols, X, len(y))
    if not np.all(np.isfinite(A)):
        return expr
    keep, coef = list(range(len(ts))), None
    while len(keep) > 1:
        trials = []
        for j in keep:
            rest = [k for k in keep if k != j]
            c = np.linalg.lstsq(A[:, rest], y, rcond=None)[0]
            trials.append((float(np.mean((A[:, rest] @ c - y) ** 2)), rest, c))
        err, rest, c = min(trials, key=lambda e: e[0])
        if not err <= base * (1 + tolerance) + floor:
            break
        keep, coef = rest, c
    if coef is None:
        return expr
    return sum((sp.Float(float(c), 15) * ts[k] for c, k in zip(coef, keep)), sp.Integer(0))


def read(text: str, symbols) -> sp.Expr | None:
    """An engine's formula, written on the internal names ``x0, x1, ...`` (never the data's own
    names), as an expression on ``symbols``; None if the restricted parser refuses it."""
    table = {f"x{i}": s for i, s in enumerate(symbols)}
    try:
        return parse_expression(text, table, "a symbolic regression formula", error=DataError)
    except DiscoverError:
        return None


def clean(expr, symbols, X: np.ndarray, y: np.ndarray):
    """Simplify and refit ``expr``; return a sympy expression or None if unusable.

    Every coefficient of the result is a least-squares value on the samples, every inner
    constant the search's own (never a round number put in its place); a float that equals an
    integer exactly (``sin(1.0*x)``) is written as the integer, which changes no value."""
    symbols = list(symbols)
    if expr is None or not expr.free_symbols <= set(symbols):
        return None
    if sp.count_ops(expr) <= _SIMPLIFY_MAX_OPS:
        expr = sp.simplify(expr)
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I):
        return None
    expr = sp.expand(expr)
    exact = {f: sp.Integer(int(f)) for f in expr.atoms(sp.Float) if float(f).is_integer()}
    expr = expr.xreplace(exact) if exact else expr  # sin(1.0*x) -> sin(x): the same value
    expr = monic(prune_terms(refit_terms(expr, symbols, X, y), symbols, X, y))
    return expr if np.isfinite(mse(expr, symbols, X, y)) else None


def monic(expr):
    """Write a rational expression as one fraction whose denominator's leading coefficient is 1.

    ``(-180.5*x + 35.97)/(200.8*x + 60.5)`` becomes ``(0.1791 - 0.8989*x)/(x + 0.3013)``;
    expressions with a constant denominator come back expanded.
    """
    num, den = sp.fraction(sp.together(expr))
    if den.is_number:
        return sp.expand(expr)
    lead = leading_coefficient(den)
    if lead == 0:
        return expr
    return sp.expand(num / lead) / sp.expand(den / lead)
