"""Rational formulas found by the implicit (SINDy-PI) search, made explicit and tidy.

A fit ``p(x) * dx/dt = q(x)`` becomes ``q/p`` divided out (the polynomial part separated, so a
factor common to ``q`` and ``p`` cancels) with a monic denominator (:func:`explicit`); terms
that carry nothing after a refit are pruned, formulas with a pole inside the data are refused,
and a one-fraction variant with fewer constants is kept when it fits as well. Split from
:mod:`discover.distillers.implicit`, which searches the supports.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.candidates import rounded, tidy
from discover.core.structure import complexity, degree, terms
from discover.distillers.nls import refit


def _columns(exprs, symbols, X) -> np.ndarray:
    from discover.core.expressions import safe_lambdify

    if not exprs:
        return np.zeros((X.shape[0], 0))
    fn = safe_lambdify(list(symbols), exprs, "numpy")
    with np.errstate(all="ignore"):
        cols = fn(*X.T)
    return np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), (X.shape[0],)) for c in cols])


def explicit(num: sp.Expr, den: sp.Expr, symbols) -> sp.Expr:
    """``num/den`` as polynomial part plus proper remainder over a monic denominator."""
    if den == 1:
        return sp.expand(num)
    ranked = sorted(terms(den).items(), key=lambda kv: (-degree(kv[0]), sp.default_sort_key(kv[0])))
    top, lead = ranked[0]
    # monic: the leading term's coefficient is the exact integer 1, which a refit leaves alone
    num, den = sp.expand(num / lead), top + sum((sp.Float(c / lead, 15) * t for t, c in ranked[1:]), sp.Integer(0))
    try:
        q, r = sp.div(sp.Poly(num, *symbols), sp.Poly(den, *symbols))
        q, r = q.as_expr(), r.as_expr()
    except (sp.PolynomialError, sp.polys.polyerrors.PolificationFailed):
        return num / den
    return sp.expand(q) + sp.expand(r) / den


def _prune(expr: sp.Expr, symbols, X, scale: float, level: float) -> sp.Expr:
    """Drop top-level terms (and terms of a numerator over a shared denominator) whose RMS
    contribution on the data is below ``level`` times ``scale``."""
    out = []
    for t in sp.Add.make_args(expr):
        col = _columns([t], symbols, X)[:, 0]
        if np.all(np.isfinite(col)) and np.sqrt(np.mean(col**2)) < level * scale:
            continue
        num, den = sp.fraction(t)
        if den.free_symbols and sp.expand(num).is_Add:
            kept = [u for u in sp.Add.make_args(sp.expand(num))
                    if np.sqrt(np.mean(_columns([u / den], symbols, X)[:, 0] ** 2)) >= level * scale]
            t = sp.Add(*kept) / den
        out.append(t)
    return sp.Add(*out)


def _poles(expr: sp.Expr, symbols, X) -> bool:
    """Whether a denominator of ``expr`` changes sign or nearly vanishes on the data."""
    for p in expr.atoms(sp.Pow):
        if p.exp.is_number and p.exp < 0 and p.base.free_symbols:
            v = _columns([p.base], symbols, X)[:, 0]
            if not np.all(np.isfinite(v)) or np.min(np.abs(v)) < 1e-3 * np.max(np.abs(v)) or v.min() * v.max() < 0:
                return True
    return False


def _backward(R: np.ndarray, q: np.ndarray, forced: np.ndarray) -> list[np.ndarray]:
    """Supports from backward elimination: from all columns, repeatedly drop the one whose loss
    raises the least-squares error least, down to one column besides the ``forced`` ones.

    Written by hand instead of thresholding (SINDy's STLSQ): with a denominator, the columns
    ``-y·t`` and the numerator's nearly cancel, the unpenalised coefficients are large and of
    mixed signs, and no threshold separates the true terms; the elimination path does not
    depend on coefficient sizes. On the compressed problem each step costs p small solves.
    """
    keep = np.ones(R.shape[1], dtype=bool)
    out = [keep & ~forced]
    while (keep & ~forced).sum() > 1:
        best, best_err = None, np.inf
        for j in np.flatnonzero(keep & ~forced):
            trial = keep.copy()
            trial[j] = False
            idx = np.flatnonzero(trial)
            w = np.linalg.lstsq(R[:, idx], q, rcond=None)[0]
            err = float(np.sum((R[:, idx] @ w - q) ** 2))
            if err < best_err:
                best, best_err = j, err
        keep[best] = False
        out.append(keep & ~forced)
    return out


def _compact(entry: dict, symbols, X, target, rounds: int = 3) -> dict | None:
    """``entry``'s formula as one fraction over a monic denominator, with the numerator terms
    that the data do not need removed (greedily, smallest contribution first, while the refit's
    error grows by at most :data:`~discover.distillers.nls.SNAP_TOLERANCE`).

    The divided-out form ``s + r/p`` keeps a numerator term that only cancels when its
    constants agree exactly (``-2·X + X/(S + 0.5)`` has no ``X`` over ``S + 0.5``); here the
    cancellation is tested on the data, as an integer exponent is."""
    from discover.distillers.nls import SNAP_TOLERANCE

    num, den = sp.fraction(sp.together(entry["expr"]))
    if not den.free_symbols:
        return None
    ranked = sorted(terms(den).items(), key=lambda kv: (-degree(kv[0]), sp.default_sort_key(kv[0])))
    lead = ranked[0][1]
    den = ranked[0][0] + sum((sp.Float(c / lead, 15) * t for t, c in ranked[1:]), sp.Integer(0))
    parts = [sp.Float(c / lead, 15) * t for t, c in terms(sp.expand(num)).items()]
    base_cost = min(entry["mse"], refit(sp.Add(*parts) / den, symbols, target, snap=False)[1])
    dropped = False
    for _ in range(rounds):
        if len(parts) < 2:
            break
        size = [float(np.sqrt(np.mean(_columns([t / den], symbols, X)[:, 0] ** 2))) for t in parts]
        j = int(np.argmin(size))
        trial = [t for k, t in enumerate(parts) if k != j]
        expr, cost, se = refit(sp.Add(*trial) / den, symbols, target, snap=False)
        if not np.isfinite(cost) or cost > base_cost * (1 + SNAP_TOLERANCE) + 1e-12 * float(np.mean(target.y**2)):
            break
        parts, dropped, result = trial, True, (expr, cost, se)
    if not dropped:
        return None
    expr, cost, se = result
    return {"expr": tidy(expr), "complexity": complexity(expr), "mse": cost, "library": "rational",
            "rows": se}


def _cancelled(entry: dict, symbols, target, digits: int = 2) -> dict | None:
    """``entry``'s fraction with a factor common to numerator and denominator cancelled.

    Fitted constants never make a common factor exact (``(3·u**2 - 2.998)/(u**4 - 1.002)``), so
    the fraction is cancelled after rounding its constants to ``digits`` significant digits;
    the cancelled form is refitted and kept when it fits as well as the original. The rounding is
    a structural hypothesis only (which factor cancels): every constant of the cancelled form is
    refitted, so none keeps its rounded value."""
    from discover.distillers.nls import SNAP_TOLERANCE

    expr = sp.together(tidy(rounded(entry["expr"], digits)))
    num, den = sp.fraction(expr)
    if not den.free_symbols:
        return None
    c_num, c_den = sp.fraction(sp.cancel(expr))
    if sum(degree(t) for t in terms(c_den)) >= sum(degree(t) for t in terms(den)):
        return None
    ranked = sorted(terms(c_den).items(), key=lambda kv: (-degree(kv[0]), sp.default_sort_key(kv[0])))
    lead = ranked[0][1]
    c_den = ranked[0][0] + sum((sp.Float(c / lead, 15) * t for t, c in ranked[1:]), sp.Integer(0))
    c_num = sum((sp.Float(c / lead, 15) * t for t, c in terms(c_num).items()), sp.Integer(0))
    fitted, cost, se = refit(c_num / c_den, symbols, target)
    if not np.isfinite(cost) or cost > entry["mse"] * (1 + SNAP_TOLERANCE) + 1e-12 * float(np.mean(target.y**2)):
        return None
    return {"expr": tidy(fitted), "complexity": complexity(fitted), "mse": cost, "library": "rational",
            "rows": se}


def _per_size(entries: list[dict], limit: int, per_size: int = 2) -> list[dict]:
    """The ``per_size`` best entries (lowest ``mse``) of each size, simplest sizes first, that
    improve on every simpler size's best; at most ``limit``."""
    out, floor = [], np.inf
    for size in sorted({e["size"] for e in entries}):
        top = sorted((e for e in entries if e["size"] == size), key=lambda e: e["mse"])[:per_size]
        if top[0]["mse"] < floor * (1 - 1e-3):
            out += top
            floor = top[0]["mse"]
    return out[:limit]
