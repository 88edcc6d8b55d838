"""Paired comparison of two candidates on the same held-out windows.

The tolerance of :func:`discover.selection.select` treats every candidate whose held-out error
lies within about one standard error of an R² of the best as tied: differences that small are
chance *for one candidate's error on its own*. Two candidates simulated from the same starting
states and compared with the same measurements share that chance (the measurement noise enters
both errors alike), so the difference between their errors is far more precise than either:
a look-alike (an exponential that mimics a Michaelis-Menten saturation over the range the data
cover) can be worse than the true form in every held-out window by a margin much smaller than
the tolerance, and that is evidence, not chance.

:func:`beats` is a sign test over the held-out windows (each window's normalised error, the
errors :func:`discover.selection.scoring.score` takes the median of) with a floor on the size
of the gain, so that extra terms buying a sliver of accuracy are still refused. A short run
may be held out in only one or two windows, too few for any sign test: there a rival must
leave at most a tenth of the pick's error in every window (:data:`FEW_WINDOWS_RATIO`), a
margin measurement noise shared by both does not produce (the second run of the closed loop
in issue 30: a quadratic at 2.4e-5 of the variance beside the true rational form at 1.1e-7).
"""

from __future__ import annotations

from math import comb

import numpy as np

#: Smallest gain (relative to the simpler candidate's error) worth a more complex formula.
MIN_GAIN = 0.05
#: ... and in absolute terms (errors are normalised by each variable's variance): below a
#: millionth of the variance a gain is the derivative estimate's own bias, which a tiny extra
#: term absorbs on exact data (1.9e-6*x*y**2 in Lorenz's dx/dt: 4.0e-8 against 5.0e-8).
MIN_ABS_GAIN = 1e-6
#: One-sided significance of the sign test over windows.
ALPHA = 0.05
#: Fewest windows on which a paired test is made (fewer cannot reach ``ALPHA``).
MIN_WINDOWS = 5
#: With fewer windows, a rival must leave at most this share of the pick's error in every one.
FEW_WINDOWS_RATIO = 0.1


def sign_test(wins: int, n: int) -> float:
    """One-sided p-value of ``wins`` or more successes in ``n`` fair coin flips."""
    return sum(comb(n, k) for k in range(wins, n + 1)) / 2.0**n


def beats(rival, pick, error, few_windows: bool = True) -> bool:
    """Whether ``rival`` predicts the held-out windows better than ``pick`` beyond chance.

    Parameters
    ----------
    rival, pick : Candidate
        Scored candidates, with ``window_errors`` (one value per held-out window, same windows).
    error : callable
        Candidate -> the error selection ranks on.
    few_windows : bool
        With fewer than :data:`MIN_WINDOWS` windows, decide by :data:`FEW_WINDOWS_RATIO` (else: never beats).

    Returns
    -------
    bool
        True when ``rival``'s error is lower than ``pick``'s by at least :data:`MIN_GAIN` of it
        and by :data:`MIN_ABS_GAIN`, and it is lower in enough windows for a one-sided sign test at :data:`ALPHA`.
    """
    a, b = pick.window_errors, rival.window_errors
    if a is None or b is None or len(a) != len(b):
        return False
    e_pick, e_rival = error(pick), error(rival)
    if not (np.isfinite(e_pick) and np.isfinite(e_rival)):
        return False
    # the absolute floor is for gains the size of the derivative estimate's bias, which shave a fraction
    # off the error; a rival that leaves a tenth of it or less has found structure, however clean the data
    floor = MIN_ABS_GAIN if e_rival > FEW_WINDOWS_RATIO * e_pick else 0.0
    if e_pick - e_rival < max(MIN_GAIN * e_pick, floor):
        return False
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    d = d[np.isfinite(d) | np.isposinf(d)]
    n = int(np.count_nonzero(d))
    if n < MIN_WINDOWS:
        if not few_windows:
            return False
        # too few windows for a sign test (a short run held out in one or two windows): a rival that
        # leaves at most FEW_WINDOWS_RATIO of the pick's error in every window, and in all of them, is better
        # by a margin no chance alignment of one or two windows gives
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return len(a) > 0 and bool(np.all(np.isfinite(b)) and np.all(b <= FEW_WINDOWS_RATIO * a))
    return sign_test(int(np.count_nonzero(d > 0)), n) <= ALPHA


#: A rival displaces the pick only when each coefficient its distiller gave a standard error for
#: lies at least this many standard errors from zero (about 95% two-sided).
MIN_Z = 2.0


def supported(c) -> bool:
    """Whether no coefficient of ``c`` is indistinguishable from zero by its own standard error.

    Distillers that refit their constants (sindy_pi, units, nls) give each coefficient a standard
    error in ``Candidate.uncertainty``; a rival that wins the paired test by a term whose coefficient
    lies within :data:`MIN_Z` standard errors of zero has bought its gain with a term the data do not
    support (Van der Pol at 1%: sindy_pi's exact structure plus -0.003·x·y², 0.6 standard errors from
    zero, was 7% better on the windows). Rows without a standard error say nothing, and pass.
    """
    for rows in (getattr(c, "uncertainty", None) or {}).values():
        for r in rows:
            se, v = r.get("stderr"), r.get("value")
            if r.get("inner") or se is None or v is None:
                continue
            if np.isfinite(se) and se > 0 and abs(v) < MIN_Z * se:
                return False
    return True


def refine(pick, eligible: list, error) -> object:
    """The simplest candidate among ``eligible`` that no more accurate one :func:`beats`.

    Starting from ``pick`` (the simplest within tolerance), the pick moves to the simplest
    rival that beats it and whose coefficients are all :func:`supported`, until none does
    (each move lowers the error, so this ends)."""
    while True:
        rivals = [c for c in eligible if error(c) < error(pick) and supported(c) and beats(c, pick, error)]
        if not rivals:
            return pick
        pick = min(rivals, key=lambda c: (c.complexity, error(c)))
