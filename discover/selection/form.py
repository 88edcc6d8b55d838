"""Whether the data fix the form, asked of the pick's next polynomial degree (see :mod:`discover.selection.equivalence`).

Two refits of the pick with monomials of the next degree, on the training derivatives:

* all of them together (:func:`extension_spread`): how far the field moves in the design box beyond
  its standard errors (the data ask for that degree) or within them (the noise leaves it free);
* one at a time (:func:`missing_term`): the largest move beyond the standard errors that a single
  added term makes, with the derivative estimate's own bias set aside by a second estimate on windows
  twice as wide. Beyond :data:`~discover.selection.confidence.MISSING` of the field's scale, the data
  ask for a term the pick lacks: its level is at most medium, and :func:`grown` gives the pick with
  that term, the model a next experiment should tell it from.

:func:`form_test` joins them with the equivalence set to decide whether ``auto`` searches the other
function families after SINDy.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np
import sympy as sp

from discover.core.expressions import safe_lambdify
from discover.core.structure import degree, terms
from discover.selection.equivalence import (
    COVERAGE,
    DISAGREE,
    QUANTILE,
    Box,
    _scale,
    coverage,
    equivalence_set,
    fields,
)

#: Most monomials of the next degree added to one equation in the form test (beyond, only the spread of candidates counts).
MAX_EXTRA_TERMS = 20
#: A move that grows by more than this factor when the derivatives are estimated with windows twice as
#: wide is the estimate's bias (it grows with a power of the width: 16 for the cubic local fits of
#: :mod:`discover.data.derivatives`), not a term of the field.
BIAS_GROWTH = 2.0


def _monomials(names, k: int) -> list:
    syms = [sp.Symbol(n) for n in names]
    return [sp.Mul(*combo) for combo in combinations_with_replacement(syms, k)]


def _next_degree(pick, names, j: int) -> tuple[list, list]:
    """The pick's terms in equation ``j`` and the monomials of the next degree it lacks."""
    syms = [sp.Symbol(n) for n in names]
    own = list(terms(pick.equations[names[j]], 1e-12))
    top = max((degree(t) for t in own if t.is_polynomial(*syms)), default=0)
    return own, [m for m in _monomials(names, max(top, 1) + 1) if m not in own]


def _grown(cols, names, X, Y_j, at, F_j, window: float):
    """Least squares of ``Y_j`` on ``cols`` evaluated at ``X``; at the points ``at``: (|fit - F_j|, its standard error).

    None when the samples are too few for the columns. The covariance is :math:`s^2 (A^T A)^{-1}`, widened by
    the smoothing window (neighbouring derivative estimates share their errors, as in
    :mod:`discover.selection.uncertainty`)."""
    fn = safe_lambdify([sp.Symbol(n) for n in names], cols, "numpy")

    def design(Z):
        with np.errstate(all="ignore"):
            return np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), (Z.shape[0],)) for c in fn(*Z.T)])

    A, B = design(X), design(at)
    ok = np.all(np.isfinite(A), axis=1) & np.isfinite(Y_j)
    A, y = A[ok], Y_j[ok]
    n_s, p = A.shape
    if n_s <= p + 1:
        return None
    norms = np.linalg.norm(A, axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    As = A / norms
    theta, *_ = np.linalg.lstsq(As, y, rcond=None)
    resid = y - As @ theta
    cov = float(resid @ resid) / (n_s - p) * max(window, 1.0) * np.linalg.pinv(As.T @ As)
    Bs = B / norms
    with np.errstate(all="ignore"):
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", Bs, cov, Bs), 0.0, None))
        gap = np.abs(Bs @ theta - F_j)
    return gap, se


def _beyond(gap, se, scale: float) -> float:
    """The :data:`QUANTILE` over the box of the distance beyond two standard errors, relative to ``scale``."""
    return float(np.quantile(np.where(np.isfinite(gap) & (gap > 2 * se), gap, 0.0) / scale, QUANTILE))


def grown(pick, var: str, term, X: np.ndarray, Y: np.ndarray, names):
    """The pick with ``term`` added to ``var``'s equation, that equation refitted by least squares on the
    training derivatives (the other equations as they are): a dict of equations, or None when the fit fails."""
    j = list(names).index(var)
    own = list(terms(pick.equations[var], 1e-12))
    cols = own + [term]
    fn = safe_lambdify([sp.Symbol(n) for n in names], cols, "numpy")
    with np.errstate(all="ignore"):
        A = np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), (X.shape[0],)) for c in fn(*X.T)])
    ok = np.all(np.isfinite(A), axis=1) & np.isfinite(Y[:, j])
    if ok.sum() <= len(cols) + 1:
        return None
    norms = np.linalg.norm(A[ok], axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    theta = np.linalg.lstsq(A[ok] / norms, Y[ok, j], rcond=None)[0] / norms
    if not np.all(np.isfinite(theta)):
        return None
    return {**pick.equations, var: sp.Add(*(sp.Float(float(c), 17) * t for c, t in zip(theta, cols)))}


def extension_spread(pick, X: np.ndarray, Y: np.ndarray, names, box: Box, window: float):
    """How far the pick's equation grown by the next degree's monomials, refitted on the training
    derivatives, lies from the pick in the box, relative to the field's scale (largest over equations of
    a 90th percentile over the box): ``(asked, free, variable)``.

    ``asked`` counts the distance only where it exceeds two prediction standard errors: what the data
    themselves say about the next degree (on clean data from a saturating term, the Taylor series' next
    term, determined to many digits). ``free`` is the distance plus two standard errors: how far the
    next degree could move the field and still fit, what the noise leaves open."""
    F_pick = fields(pick, names, box.points)
    scale = _scale(box, F_pick)
    worst, asked_most, where = 0.0, 0.0, None
    for j, n in enumerate(names):
        own, extra = _next_degree(pick, names, j)
        if not extra or len(extra) > MAX_EXTRA_TERMS:
            continue
        grown = _grown(own + extra, names, X, Y[:, j], box.points, F_pick[:, j], window)
        if grown is None:
            continue
        gap, se = grown
        reach = np.where(np.isfinite(gap + se), gap + 2 * se, np.inf)
        spread = float(np.quantile(reach / scale[j], QUANTILE))
        asked = _beyond(gap, se, scale[j])
        if max(spread, asked) > max(worst, asked_most):
            where = n
        worst, asked_most = max(worst, spread), max(asked_most, asked)
    return asked_most, worst, where


def missing_term(pick, X: np.ndarray, Y: np.ndarray, names, box: Box, window: float,
                 Y_wide: np.ndarray | None = None) -> tuple[float, str | None, object]:
    """The largest move of the pick's field in the box, beyond two standard errors, when one monomial of
    the next degree is added to one equation alone and refitted: ``(share of the field's scale, variable, term)``.

    Added alone, a monomial's coefficient is what the data say about that one term. On clean data from
    a saturating term a quadratic pick leaves a systematic residual that the cubic takes up to many
    digits, and the field moves by a few percent of its scale in the box: a form the data call
    incomplete, although no experiment within the noise would tell (:data:`DISAGREE`).

    The derivative estimate has a bias of its own, smooth in the state, that an added monomial takes up
    too (on clean data from a system that settles fast, the exact quadratic's refit with a cubic moves
    by a quarter of the scale in the box). ``Y_wide``, the derivatives estimated again with windows
    twice as wide, tells them apart: the bias grows with the window, the field does not. A move counts
    only when the refit on ``Y_wide`` moves by at most twice as much (:data:`BIAS_GROWTH`)."""
    F_pick = fields(pick, names, box.points)
    scale = _scale(box, F_pick)
    most, where, which = 0.0, None, None
    for j, n in enumerate(names):
        own, extra = _next_degree(pick, names, j)
        for m in extra[:MAX_EXTRA_TERMS]:
            grown = _grown(own + [m], names, X, Y[:, j], box.points, F_pick[:, j], window)
            if grown is None:
                continue
            share = _beyond(*grown, scale[j])
            if share <= most:
                continue
            if Y_wide is not None:
                wide = _grown(own + [m], names, X, Y_wide[:, j], box.points, F_pick[:, j], window)
                if wide is None or _beyond(*wide, scale[j]) > BIAS_GROWTH * share:
                    continue
            most, where, which = share, n, m
    return most, where, which


def form_test(selection, prepared, given_box: dict | None = None) -> tuple[str | None, dict]:
    """Whether the data leave the form open although the pick explains them: (reason or None, record).

    The record (for ``run.json``) holds the design box and both measurements.
    """
    best = selection.best
    samples = prepared.samples()
    names = list(prepared.names)
    box = Box.build(samples.states, samples.derivatives, names, given_box)
    record = {"design_box": {n: list(b) for n, b in box.bounds.items()}, "threshold": DISAGREE}
    if best is None or samples.inputs is not None:
        record["tested"] = False
        return None, record
    alts = equivalence_set(best, selection.ranked, prepared.noise, box, names)
    window = float(2 * np.mean(prepared.half_widths) + 1)
    keep = np.unique(np.linspace(0, len(samples.states) - 1, min(len(samples.states), 4000)).astype(int))
    window = max(1.0, window * len(keep) / len(samples.states))
    share, narrow = coverage(samples.states, box, names)
    record.update({"tested": True, "equivalent_structures": len(alts), "coverage": round(share, 6),
                   "coverage_variable": narrow})
    asked, spread, var = extension_spread(best, samples.states[keep], samples.derivatives[keep], names, box, window)
    from discover.data.derivatives import slopes
    from discover.selection.confidence import MISSING

    lacks, lacks_var, lacks_term = missing_term(best, samples.states[keep], samples.derivatives[keep], names, box,
                                                window, slopes(prepared.train, 2 * prepared.half_widths)[keep])
    record["missing_term"] = round(lacks, 6)
    record.update({"extension_asked": round(asked, 6), "extension_spread": round(spread, 6),
                   **({"extension_variable": var} if var else {})})
    if share >= COVERAGE:
        spread = 0.0  # the data saw enough of the box: what the noise leaves open at its far corners does not count
    if len(alts) > 1:
        a = alts[1]
        why = (f"{len(alts)} structures fit the held-out data equally well and differ by {a.typical:.0%} of the "
               f"field's scale in the design box")
    elif lacks > MISSING:
        why = (f"the data ask for a term SINDy's pick lacks: {lacks_term} added to d{lacks_var}/dt alone moves the "
               f"field by {lacks:.1%} of its scale in the design box, beyond its standard error")
    elif asked > DISAGREE:
        why = (f"the data ask for one more polynomial degree in d{var}/dt: refitted with it, the field moves by "
               f"{asked:.0%} of its scale in the design box, beyond its standard error")
    elif spread > DISAGREE:
        why = (f"the data do not fix the form: they span {share:.0%} of the design box in {narrow}, and one more "
               f"polynomial degree in d{var}/dt could change the field there by {spread:.0%} of its scale and still fit")
    else:
        why = None
    record["constrained"] = why is None
    record["why"] = why or ("the data fix the form: no equally good structure disagrees in the design box, one more "
                            "polynomial degree does not move the field there beyond its standard error, and the "
                            f"data span {share:.0%} of it" + (
                                f" (that degree could change the field by at most {spread:.0%} of its scale)"
                                if share < COVERAGE else ", enough to leave no freedom at its corners"))
    return why, record
