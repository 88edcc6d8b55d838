"""What the implicit (SINDy-PI) search fits, per equation, chosen cheaply before any fit.

The implicit search (:mod:`discover.distillers.implicit`) runs one sparse regression per candidate
denominator and equation, each with a numerator over every state; the candidates (powers of each
state, products of two states, quadratics) grow combinatorially with the number of states, and so
did the search's cost (441 s of a 480 s run on a 5-variable flow). Two cheap steps, each a few
least-squares solves, decide per equation what is worth a fit:

* :func:`relevant_variables`: the states the equation depends on. A polynomial of degree 3 (which
  follows a saturating term over the data's range closely enough for this) is fitted on every
  state by least squares; states are then removed one at a time, the one whose removal raises
  the error least first, while the error stays within ``tolerance`` (relative) of the full
  model's. The numerator and the denominators of that equation are built on the states kept.
* :func:`rank_denominators`: each candidate denominator ``1 + b·t`` is scored by the share of the
  degree-2 polynomial fit's unexplained residual that the explicit rational form over it explains
  (every numerator term free, ``b`` on a coarse grid): a few dense least-squares solves per
  candidate, where the search that follows runs a backward elimination for each of ~15 values
  of ``b``. Only the best few are fitted.

Both are screens, not decisions: the regressions, refits and held-out selection that follow judge
what is kept exactly as before; what was screened out, and why, goes to the run's record.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np
import sympy as sp

from discover.distillers.sparse_fit import compress as _compress
from discover.distillers.sparse_fit import rms as _rms

#: Scales (over a state's RMS) of the saturating functions ``1/(1 + g·x)`` and ``1/(1 + (g·x)²)``
#: in the state screen's model.
SATURATION = (0.3, 1.0, 3.0, 10.0)
#: The state screen adds a state only while the best one lowers its error by at least this many
#: floors (on a smoothed derivative, the all-state fit follows the smoothing's errors, and states
#: that explain a fraction of a floor each kept being added: 7 of 8 states for one equation of an
#: 8-state cascade, where the true state had lowered the error by ~700 floors).
MIN_GAIN = 2.0
#: The state screen counts errors below this share of the derivative's variance as its noise floor.
FLOOR = 1e-3


def monomials(symbols, deg: int) -> list:
    """``1`` and every product of ``symbols`` up to degree ``deg``."""
    out = [sp.Integer(1)]
    for k in range(1, deg + 1):
        out += [sp.Mul(*c) for c in combinations_with_replacement(symbols, k)]
    return out


def denominators(symbols, powers: int) -> list[tuple]:
    """The candidate denominators' terms: ``(t,)`` for each power of one state up to ``powers`` and
    each product of two states, and ``(x, x**2)`` for each state."""
    options = [(s**k,) for s in symbols for k in range(1, powers + 1)]
    options += [(a * b,) for a, b in combinations_with_replacement(symbols, 2) if a != b]
    return options + [(s, s**2) for s in symbols]


def monomial_column(term: sp.Expr, symbols, X: np.ndarray) -> np.ndarray:
    """The values of a monomial ``term`` (a product of powers of ``symbols``) on the rows of ``X``."""
    index = {s: j for j, s in enumerate(symbols)}
    col = np.full(X.shape[0], float(term.as_coeff_Mul()[0]))
    for base, exp in term.as_coeff_Mul()[1].as_powers_dict().items():
        if base != 1:
            col = col * X[:, index[base]] ** int(exp)
    return col


def _lstsq_rss(A: np.ndarray, y: np.ndarray) -> float:
    w = np.linalg.lstsq(A, y, rcond=None)[0]
    return float(np.sum((A @ w - y) ** 2))


def relevant_variables(X: np.ndarray, y: np.ndarray, tolerance: float, own: int = 0, degree: int = 3) -> tuple[list[int], dict[int, float]]:
    """The states (column indices of ``X``) that ``y`` depends on, and for each state dropped the
    relative increase of the screening model's error that its removal caused.

    The model: a full polynomial of degree ``degree`` in the states kept and, per state, the
    saturating functions ``1/(1 + g·x)`` (for a state that stays non-negative) and
    ``1/(1 + (g·x)²)`` at the scales :data:`SATURATION` (columns scaled to unit RMS): without them
    a polynomial's misfit of a saturating term is partly made up by the other states, and every
    state looks needed. It has no noisy regressor (the implicit columns ``y·x_j`` fit the derivative's
    noise as well as its signal, and kept every state). Backward elimination by state stops
    before the error exceeds ``(1 + tolerance)`` times the all-state model's; ``tolerance <= 0``
    keeps every state.

    Forward selection: from the equation's own state ``own`` (kept always; the other states of
    a cascade stand in for it), the state that lowers the error most is added while the error
    exceeds ``(1 + tolerance)`` times the all-state model's (errors below :data:`FLOOR` of the
    derivative's variance count as that floor) and the state lowers it by at least
    :data:`MIN_GAIN` floors. Backward elimination dropped a state whose
    neighbours along the trajectories stood in for it.
    """
    n, d = X.shape
    if d == 1 or tolerance <= 0:
        return list(range(d)), {}
    powers = [c for k in range(degree + 1) for c in combinations_with_replacement(range(d), k)]
    cols = [np.prod(X[:, list(c)], axis=1) if c else np.ones(n) for c in powers]
    owners = [frozenset(c) for c in powers]
    for j in range(d):  # saturating functions of each state, so that no other state stands in for them
        u = X[:, j] / float(_rms(X[:, j:j + 1])[0])
        for g in SATURATION:
            cols.append(1 / (1 + (g * u) ** 2))
            owners.append(frozenset({j}))
            if u.min() >= 0:
                cols.append(1 / (1 + g * u))
                owners.append(frozenset({j}))
    M = np.column_stack(cols)
    M = M / _rms(M)
    ys = y / float(_rms(y[:, None])[0])
    full = _lstsq_rss(M, ys)
    R, q = _compress(M, ys[:, None])
    q = q[:, 0]
    base = float(np.sum((R @ np.linalg.lstsq(R, q, rcond=None)[0] - q) ** 2))
    floor = max(full, FLOOR * float(np.sum((ys - ys.mean()) ** 2)))
    def rss(live):
        use = [c for c, o in enumerate(owners) if o <= live]
        return full + _lstsq_rss(R[:, use], q) - base

    kept = {own}
    while len(kept) < d and (rss(kept) - full) / floor > tolerance:
        trials = {j: rss(kept | {j}) for j in range(d) if j not in kept}
        j = min(trials, key=trials.get)
        if (rss(kept) - trials[j]) / floor < MIN_GAIN:
            break  # no state left explains more than the floor's share: the rest is the derivative's error
        kept.add(j)
    dropped = {}
    for j in set(range(d)) - kept:
        dropped[j] = float((rss(kept) - full) / floor)
    return sorted(kept), dropped


def rank_denominators(base: np.ndarray, y: np.ndarray, candidates: list[tuple[np.ndarray, np.ndarray]],
                      grid: int = 16) -> np.ndarray:
    """Per candidate denominator, the share of the residual of ``y`` on ``base`` (the polynomial
    library's columns) that the explicit rational form over it explains at best:
    ``y ≈ base·a + (base[:, proper]·c) / (1 + T·b)``, every coefficient free, ``b`` on a grid.

    ``candidates``: per denominator, its terms' columns ``T`` (rows × 1 or 2) and a boolean mask
    ``proper`` of the base columns kept over it (those no denominator term divides). ``b`` runs
    over ``grid`` log-spaced values from 0.05 to 20 over the term's RMS (for two terms ``x, x²``:
    the squares ``(1 + c·x)²`` on that grid). The explicit form keeps the noisy derivative off the
    regressors: the implicit regression ``y = q - y·t·b``, a cheaper score, is biased by the noise
    in ``y·t`` and ranked the toggle switch's Hill denominators below spurious ones.
    """
    y_scale = float(_rms(y[:, None])[0])
    ys = y / y_scale
    B = base / _rms(base)
    total = _lstsq_rss(B, ys)
    if total <= 1e-300:
        return np.zeros(len(candidates))
    steps = np.geomspace(0.05, 20.0, grid)
    out = []
    for T, proper in candidates:
        scale = _rms(T)
        if T.shape[1] == 1:
            dens = [1 + T[:, 0] * g / scale[0] for g in steps]
        else:
            dens = [(1 + T[:, 0] * g / scale[0]) ** 2 for g in steps]
        best = total
        for dval in dens:
            if dval.min() <= 1e-3 * np.abs(dval).max():
                continue
            best = min(best, _lstsq_rss(np.hstack([B, B[:, proper] / dval[:, None]]), ys))
        out.append(1.0 - best / total)
    return np.asarray(out)


def _show(den: tuple) -> str:
    return "1 + " + " + ".join(f"b{k + 1}·{t}" if len(den) > 1 else f"b·{t}" for k, t in enumerate(den))


def screen(symbols, X: np.ndarray, y: np.ndarray, column, numerator_degree: int, powers: int, keep: int,
           tolerance: float, own: int = 0) -> tuple[list, list[tuple], dict]:
    """For one equation (derivative ``y`` on states ``X``): the states kept
    (:func:`relevant_variables`), the ``keep`` best candidate denominators over them
    (:func:`rank_denominators`, against the degree-``numerator_degree`` polynomial's residual), and
    notes for the run's record. ``column(term)`` gives a monomial's values on ``X``'s rows."""
    kept, dropped = relevant_variables(X, y, tolerance, own)
    sub = [symbols[j] for j in kept]
    base = monomials(sub, numerator_degree)
    options = denominators(sub, powers)
    B = np.column_stack([column(t) for t in base])
    cands = [(np.column_stack([column(t) for t in den]),
              np.array([not any(sp.fraction(sp.cancel(m / t))[1] == 1 for t in den) for m in base]))
             for den in options]
    score = rank_denominators(B, y, cands)
    best = sorted(np.argsort(-score, kind="stable")[:keep])
    chosen = [options[k] for k in best]
    notes = {"states": [str(s) for s in sub],
             "denominators kept": {_show(options[k]): round(float(score[k]), 4) for k in best}}
    if dropped:
        notes["states screened out"] = {
            str(symbols[j]): f"the states kept fit within {100 * r:.2g}% of all states' screening fit (at most {100 * tolerance:.3g}%)"
            for j, r in dropped.items()}
    if len(options) > len(chosen):
        notes["denominators screened out"] = (
            f"{len(options) - len(chosen)} of {len(options)}: their columns explained less of the residual of the "
            f"degree-{numerator_degree} polynomial fit than the {len(chosen)} kept (scores: the share explained)")
    return sub, chosen, notes


__all__ = ["denominators", "monomial_column", "monomials", "rank_denominators", "relevant_variables", "screen"]
