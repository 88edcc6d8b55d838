"""What the data cannot decide: structures that fit as well as the pick, and whether the data fix the form.

A single run that settles to a fixed point covers a narrow range of the state, and on that range
a quadratic fits a Michaelis-Menten or a Hill term to within the noise. No score on such data
tells the two apart; they differ where the data did not go. Two questions follow.

**Is the form constrained?** (:func:`discover.selection.form.form_test`, asked after SINDy explained the data.) Two
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
are listed first, at most :data:`MAX_EQUIVALENT` with the pick. A structure the likelihood of the
whole measured runs rejects (refitted to every sample by multiple shooting, a BIC above the pick's by
more than the margin; :mod:`discover.selection.trajectory`) is told apart by the data, and is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from discover.core.candidates import Alternative
from discover.core.designbox import resolve
from discover.core.expressions import safe_lambdify
from discover.core.structure import shape

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


def equivalence_set(pick, candidates, noise: float, box: Box, names, rejects=None) -> list[Alternative]:
    """The pick and the structures the data cannot tell from it (see the module), pick first.

    ``rejects(c, pick)``, when given, says whether the whole measured runs tell ``c`` from the pick (the
    likelihood of :class:`~discover.selection.trajectory.Judge`): such a structure is not equivalent,
    however close its held-out error."""
    from discover.selection.paired import beats, supported
    from discover.selection.select import FLOOR, NOISE_SHARE, TOLERANCE

    if pick is None:
        return []
    ok = [c for c in candidates if np.isfinite(_error(c))]
    if not ok:
        return [Alternative(pick)]
    # within the tolerance of the best candidate or of the pick, whichever is wider: a pick the whole runs
    # chose (:mod:`~discover.selection.trajectory`) may predict the windows a little worse than the best
    best_err = max(min(max(_error(c) - noise, 0.0) for c in ok), max(_error(pick) - noise, 0.0))
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
        if typical < DISAGREE or (rejects is not None and rejects(c, pick)):
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
