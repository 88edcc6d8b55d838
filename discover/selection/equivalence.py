"""What the data cannot decide: structures that fit as well as the pick, and whether the data fix the form.

A single run that settles to a fixed point covers a narrow range of the state, and on that range
a quadratic fits a Michaelis-Menten or a Hill term to within the noise. No score on such data
tells the two apart; they differ where the data did not go. Two questions follow.

**Is the form constrained?** (:func:`form_test`, asked after SINDy explained the data.) Two
cheap measurements, both in the *design box* (where a next experiment may start; by default
twice the observed range clipped to the data's signs, :mod:`discover.core.designbox`):

* the spread of the candidates found so far that predict held-out data as well as the pick
  (:func:`equivalence_set`): two that disagree there are two answers the data allow;
* how far the pick's equations grown by the monomials of the next degree and refitted by least
  squares on the training derivatives lie from the pick in the box: beyond two prediction standard
  errors, the data ask for that degree; and, when the data span less than :data:`COVERAGE` of the
  box's width in some variable (a local piece of the field), that distance plus two prediction
  standard errors (covariance :math:`s^2 (A^T A)^{-1}`, widened by the smoothing window as
  in :mod:`discover.selection.uncertainty`): where one more degree of freedom moves the field, or is
  free to, by a sizeable share of its scale, the data have not fixed its shape.

Either one beyond :data:`DISAGREE` of the field's scale sends the run on to the other function
families (rational, sigmoid and trigonometric, symbolic regression).

**Which structures are equivalent?** (:func:`equivalence_set`.) Candidates of another structure
(they do not expand to the same terms, :func:`discover.core.structure.shape`; a nested model, the
pick's terms and more, only when its extra terms remove most of the pick's error, :data:`ASKED`) whose held-out
error beyond the noise is within selection's tolerance of the best and that the pick does not
beat in the paired sign test on the same held-out windows (:func:`discover.selection.paired.beats`;
with too few windows for the test, by the same margin as selection's: the pick leaves at most a tenth
of the rival's error in every window, :data:`~discover.selection.paired.FEW_WINDOWS_RATIO`, and the gain
exceeds the derivative estimate's bias; on clean data a Taylor polynomial at 5e-5 of the variance
beside the exact form at 1e-13 is not a tie): the differences between them are within the noise. Only those whose fields differ from the pick's
by more than :data:`DISAGREE` of the field's scale in the design box count: a rival that
differs by a sliver everywhere is the same model for any experiment. The simplest such structures
are listed first, at most :data:`MAX_EQUIVALENT` with the pick.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np
import sympy as sp

from discover.core.candidates import Alternative
from discover.core.designbox import resolve
from discover.core.expressions import safe_lambdify
from discover.core.structure import degree, shape, terms

#: Field differences (90th percentile over the design box, relative to the field's scale) below
#: this are not a different model for an experiment: a measured trajectory with noise of a few
#: percent resolves a tenth of the field's scale, and not much less.
DISAGREE = 0.1
#: Most structures listed (the pick included).
MAX_EQUIVALENT = 4
#: Candidates examined for the set, in order of held-out error (each costs one compiled field).
MAX_EXAMINED = 40
#: Points of the design box the fields are compared at (a scrambled Sobol sequence, seeded).
BOX_POINTS = 256
#: Most monomials of the next degree added to one equation in the form test (beyond, only the spread of candidates counts).
MAX_EXTRA_TERMS = 20
QUANTILE = 0.9
#: A nested model (the pick's terms and more) is another structure only when its extra terms remove
#: at least half of the pick's held-out error beyond the noise: extra terms that fit the noise (tiny
#: quartic terms beside Lorenz's quadratic ones) buy nothing, those a saturating term's Taylor series
#: needs (a cubic beside a quadratic, on clean data) buy most of it.
ASKED = 0.5
#: Data spanning less than this share of the design box's width in some variable have seen only a
#: local piece of the field (a quarter: a polynomial of the pick's degree plus one bends freely
#: over the other three quarters); only then is the next degree's freedom measured.
COVERAGE = 0.25
#: A move that grows by more than this factor when the derivatives are estimated with windows twice as
#: wide is the estimate's bias (it grows with a power of the width: 16 for the cubic local fits of
#: :mod:`discover.data.derivatives`), not a term of the field.
BIAS_GROWTH = 2.0


@dataclass
class Box:
    """The design box, the states in it where fields are compared, and the fields' scale.

    When the data keep a linear combination of the states constant (a conserved quantity such as
    S + I + R in an epidemic model, :data:`discover.selection.confidence.CONSERVED`), a state off that
    plane is no experiment anyone can start: the points, and the starts of the suggested experiment,
    are projected onto the plane the data lie in (:meth:`project`).
    """

    bounds: dict
    points: np.ndarray
    scale: np.ndarray
    mean: np.ndarray = None
    conserved: np.ndarray = None  # rows: conserved directions, in the states' own units

    @classmethod
    def build(cls, states: np.ndarray, derivatives: np.ndarray, names, given: dict | None = None, seed: int = 0):
        from scipy.stats import qmc

        lo, hi = np.nanmin(states, axis=0), np.nanmax(states, axis=0)
        bounds = resolve(given or {}, list(names), lo, hi)
        b = np.array([bounds[n] for n in names], dtype=float)
        scale = np.nanstd(derivatives, axis=0)
        box = cls(bounds, np.empty((0, len(names))), np.where(scale > 0, scale, 1.0), np.nanmean(states, axis=0),
                  _conserved_directions(states))
        sobol = qmc.Sobol(len(names), scramble=True, seed=seed).random(BOX_POINTS)
        box.points = box.project(b[:, 0] + sobol * (b[:, 1] - b[:, 0]))
        return box

    def project(self, X: np.ndarray) -> np.ndarray:
        """``X`` (n, d) moved onto the plane of the data's conserved quantities (unchanged without any)."""
        if self.conserved is None or not len(self.conserved):
            return X
        Q = np.linalg.qr(self.conserved.T)[0]  # orthonormal basis of the conserved directions
        return X - ((X - self.mean) @ Q) @ Q.T


def _conserved_directions(states: np.ndarray) -> np.ndarray | None:
    """Directions (in the states' units) along which the data do not move, as in
    :func:`discover.selection.confidence.conserved_quantities`."""
    from discover.selection.confidence import CONSERVED

    if states.shape[0] < 3 or states.shape[1] < 2:
        return None
    spread = np.nanstd(states, axis=0)
    if np.any(spread == 0):
        return None
    Z = (states - np.nanmean(states, axis=0)) / spread
    s, vt = np.linalg.svd(Z, full_matrices=False)[1:]
    flat = [v / spread for sv, v in zip(s, vt) if sv / s[0] < CONSERVED]
    return np.array(flat) if flat else None


def fields(candidate, names, X: np.ndarray) -> np.ndarray:
    """The right-hand sides of ``candidate`` at the states ``X`` (n, d); NaN where not finite."""
    fn = safe_lambdify([sp.Symbol(n) for n in names], [candidate.equations[n] for n in names], "numpy")
    with np.errstate(all="ignore"):
        cols = [np.broadcast_to(np.asarray(c, dtype=float), (X.shape[0],)) for c in fn(*X.T)]
    F = np.column_stack(cols)
    return np.where(np.isfinite(F), F, np.nan)


#: A structure whose additive terms are together this many times larger than their sum (on the
#: design box) is a numerical cancellation, not a law: 1.7e7·y − 2.7e7·y·cos(0.07x) + … imitates a
#: polynomial term by term. Sound models of data sit near 1; the margin is wide on purpose.
CANCELLATION = 100.0


def cancels(candidate, names, X: np.ndarray) -> bool:
    """Whether some right-hand side of ``candidate`` is a sum of terms that cancel :data:`CANCELLATION`-fold at ``X``."""
    symbols = [sp.Symbol(n) for n in names]
    for n in names:
        parts = sp.Add.make_args(candidate.equations[n])
        if len(parts) < 2:
            continue
        fn = safe_lambdify(symbols, list(parts), "numpy")
        with np.errstate(all="ignore"):
            cols = np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), (X.shape[0],)) for c in fn(*X.T)])
        total = np.sqrt(np.nanmean(cols.sum(axis=1) ** 2))
        each = np.sqrt(np.nanmean(cols**2, axis=0)).sum()
        if np.isfinite(each) and each > CANCELLATION * max(total, 1e-300):
            return True
    return False


def _scale(box: Box, F: np.ndarray) -> np.ndarray:
    """Per variable, the larger of the data's derivative spread and the pick's field size in the box."""
    rms = np.sqrt(np.nanmean(F**2, axis=0))
    return np.maximum(box.scale, np.where(np.isfinite(rms), rms, 0.0))


def disagreement(F_pick: np.ndarray, F_rival: np.ndarray, scale: np.ndarray, box: Box, names):
    """(typical, largest, variable, state) of the relative difference of two fields in the box."""
    rel = np.abs(F_rival - F_pick) / scale
    rel = np.where(np.isnan(rel), np.inf, rel)  # a field that is not finite where the other is: they differ
    per_point = rel.max(axis=1)
    typical = float(np.quantile(per_point, QUANTILE))
    finite = np.where(np.isfinite(per_point), per_point, -1.0)
    i = int(np.argmax(finite))
    j = int(np.argmax(np.where(np.isfinite(rel[i]), rel[i], -1.0)))
    return typical, float(max(finite[i], 0.0)), names[j], {n: float(v) for n, v in zip(names, box.points[i])}


def _error(c) -> float:
    s = c.scores
    return float("inf") if s.get("failed", True) else max(0.0, 1.0 - s["short_r2"])


def equivalence_set(pick, candidates, noise: float, box: Box, names) -> list[Alternative]:
    """The pick and the structures the data cannot tell from it (see the module), pick first."""
    from discover.selection.paired import beats, supported
    from discover.selection.select import FLOOR, NOISE_SHARE, TOLERANCE

    if pick is None:
        return []
    ok = [c for c in candidates if np.isfinite(_error(c))]
    if not ok:
        return [Alternative(pick)]
    best_err = min(max(_error(c) - noise, 0.0) for c in ok)
    limit = best_err * (1 + TOLERANCE) + max(FLOOR, NOISE_SHARE * noise)
    F_pick = fields(pick, names, box.points)
    scale = _scale(box, F_pick)
    out = [Alternative(pick)]
    seen = {shape(pick.equations)}
    examined = 0
    for c in sorted(ok, key=lambda c: (c.complexity, _error(c))):  # the simplest alternatives first
        if c is pick or max(_error(c) - noise, 0.0) > limit:
            continue
        key = shape(c.equations)
        if key in seen or beats(pick, c, _error):
            continue
        if not supported(c) or cancels(c, names, box.points):
            # a coefficient within two standard errors of zero: the data do not support that term, so
            # the structure is not one they hold up (huge cancelling constants imitating a polynomial
            # look like this too); its nested form, without the term, is judged in its own right
            continue
        if _elaborates(c, pick) and max(_error(c) - noise, 0.0) > ASKED * max(_error(pick) - noise, 0.0):
            continue
        examined += 1
        if examined > MAX_EXAMINED:
            break
        typical, largest, var, at = disagreement(F_pick, fields(c, names, box.points), scale, box, names)
        if typical < DISAGREE:
            continue
        seen.add(key)
        out.append(Alternative(c, typical, largest, var, at))
        if len(out) >= MAX_EQUIVALENT:
            break
    return out


def _elaborates(c, pick) -> bool:
    """Whether ``c`` holds every term of the pick in every equation, and more: a nested model. Its extra
    terms count as another structure only when the data ask for them (see :data:`ASKED`)."""
    return set(shape(pick.equations)) < set(shape(c.equations))


def coverage(states: np.ndarray, box: Box, names) -> tuple[float, str]:
    """The smallest share (over variables) of the design box's width that the data span, and its variable."""
    lo, hi = np.nanmin(states, axis=0), np.nanmax(states, axis=0)
    widths = np.array([box.bounds[n][1] - box.bounds[n][0] for n in names], dtype=float)
    share = (hi - lo) / np.where(widths > 0, widths, 1.0)
    j = int(np.argmin(share))
    return float(share[j]), names[j]


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
    record.update({"extension_asked": round(asked, 6), "extension_spread": round(spread, 6),
                   **({"extension_variable": var} if var else {})})
    if share >= COVERAGE:
        spread = 0.0  # the data saw enough of the box: what the noise leaves open at its far corners does not count
    if len(alts) > 1:
        a = alts[1]
        why = (f"{len(alts)} structures fit the held-out data equally well and differ by {a.typical:.0%} of the "
               f"field's scale in the design box")
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
