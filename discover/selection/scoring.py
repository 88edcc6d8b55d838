"""Scoring a candidate by simulating it on held-out data.

Two views of the same simulation:

* **short-horizon error**: from many (smoothed) starting states inside each held-out
  segment, the candidate is integrated over a horizon of a few decorrelation times of the
  data and compared with the raw measurements (comparing with smoothed data would reward
  models fitted to the smoother's own bias). Normalised by each variable's variance and
  averaged, it is the error selection ranks on; it stays meaningful for chaotic systems,
  whose long-run trajectories diverge from the data even when the model is exact.
* **long-horizon fit**: from the start of each segment over its whole length (at most
  ``LONG_HORIZONS`` short horizons), the R² of
  the simulated trajectory and the valid-prediction time (the time until the normalised
  error first exceeds 0.5; Pathak et al., PRL 2018).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from discover.core.candidates import Candidate
from discover.core.integrate import integrate
from discover.core.metrics import r2
from discover.data.dataset import Trajectory

VPT_THRESHOLD = 0.5
MAX_WINDOWS = 200
LONG_HORIZONS = 100
MAX_POINTS_PER_WINDOW = 100
MAX_POINTS_PER_SEGMENT = 2000


@dataclass(frozen=True)
class Validation:
    """Held-out segments prepared for scoring (smoothed states, horizon, windows)."""

    segments: tuple[Trajectory, ...]
    measured: tuple[Trajectory, ...]
    variance: np.ndarray
    horizon: float
    starts: tuple[np.ndarray, ...]
    bound: float
    inputs: tuple[str, ...] = ()
    hold: str = "linear"

    def signals(self) -> list:
        """Each segment's measured inputs as a signal u(t) (None without inputs): a simulation of
        a driven model on a held-out run is driven by that run's own input."""
        from discover.core.signals import InputSignal

        if not self.inputs:
            return [None] * len(self.measured)
        return [InputSignal(m.t, m.u, self.hold) for m in self.measured]

    def input_args(self, signals) -> dict:
        """Keyword arguments of :func:`~discover.core.integrate.integrate` for runs driven by ``signals``."""
        if not self.inputs:
            return {}
        return {"inputs": signals, "input_symbols": [sp.Symbol(n) for n in self.inputs]}

    @classmethod
    def from_prepared(cls, prepared) -> "Validation":
        """The held-out segments of :class:`~discover.data.prepared.Prepared` data, ready to score on."""
        return cls.build(prepared.validation_smoothed, prepared.validation, prepared.horizon, prepared.variance,
                         prepared.inputs, prepared.data.hold)

    @classmethod
    def build(cls, segments, measured, horizon_time: float, variance: np.ndarray, inputs=(),
              hold: str = "linear") -> "Validation":
        """``segments`` are smoothed (simulations start from them); ``measured`` are the raw
        data the simulations are compared with; ``variance`` is each variable's variance
        over the whole data set (so a flat held-out segment does not inflate errors)."""
        x = np.concatenate([s.x for s in segments])
        var = np.where(variance > 0, variance, 1.0)
        starts = []
        for s in segments:
            rel = s.t - s.t[0]
            idx, nxt = [], 0.0
            for i, r in enumerate(rel):
                if r >= nxt and s.t[-1] - s.t[i] >= 0.5 * min(horizon_time, s.duration):
                    idx.append(i)
                    nxt = r + horizon_time / 2
            starts.append(np.array(idx or [0], dtype=int))
        total = sum(len(st) for st in starts)
        if total > MAX_WINDOWS:
            # Evenly thin the windows: all are integrated as one stacked system, whose cost and
            # dense output grow with the square of their number.
            keep = max(1, MAX_WINDOWS * 1.0 / total)
            starts = [st[np.unique(np.linspace(0, len(st) - 1, max(1, int(round(len(st) * keep)))).astype(int))]
                      for st in starts]
        span = np.abs(x).max(axis=0) + np.sqrt(var)
        return cls(tuple(segments), tuple(measured), var, horizon_time, tuple(starts), float(20 * span.max()),
                   tuple(inputs), hold)


def _thin(n: int, most: int) -> np.ndarray:
    """At most ``most`` indices spread evenly over ``range(n)``, first and last included.

    Dense data (thousands of samples per window) add nothing to an error estimate but cost
    a dense-output evaluation of the whole stacked system at every one of them.
    """
    return np.unique(np.linspace(0, n - 1, min(n, most)).astype(int))


def _windows(validation: Validation):
    """Time grids and initial states of the short-horizon windows."""
    times, x0, refs, sigs = [], [], [], []
    for seg, raw, st, sig in zip(validation.segments, validation.measured, validation.starts, validation.signals()):
        for i in st:
            sigs.append(sig)
            end = np.searchsorted(seg.t, seg.t[i] + validation.horizon, side="right")
            end = max(end, i + 2)
            sel = i + _thin(end - i, MAX_POINTS_PER_WINDOW)
            times.append(seg.t[sel])
            x0.append(seg.x[i])
            refs.append(raw.x[sel])
    return times, np.array(x0), refs, sigs


def score(candidate: Candidate, validation: Validation, names) -> dict:
    """Simulate ``candidate`` on the validation segments and return its scores.

    Returns
    -------
    dict
        ``failed`` (bool), ``message``, ``short_r2`` (1 - median over windows of the
        normalised short-horizon error), ``n_compared`` (values compared),
        ``validation_r2`` (mean R² over variables of the whole-segment simulations),
        ``long_r2`` (the whole segments' error normalised as ``short_r2``'s is),
        ``valid_time`` (mean valid-prediction time), ``valid_fraction``, and ``window_errors``
        (the normalised error of each short-horizon window, an array).
    """
    symbols = [sp.Symbol(n) for n in names]
    exprs = [candidate.equations[n] for n in names]
    times, x0, refs, sigs = _windows(validation)
    sol = integrate(exprs, symbols, x0, times, bound=validation.bound, per_run=True, **validation.input_args(sigs))
    if not sol.ok:
        return {"failed": True, "message": sol.message}
    per_window = np.array([np.mean(((s - r) ** 2) / validation.variance) for s, r in zip(sol.x, refs)])
    per_window[list(sol.failed_runs)] = np.inf
    # The median over windows: a window that starts where a state is near zero (a predator
    # population before its surge) turns a tiny error in the starting state into a large
    # one, for every candidate alike; the mean would rank candidates by such accidents. By
    # the same reasoning a few windows that blow up (from a noisy start just outside the
    # region where the model is physical) count as the worst windows, not as a failed model.
    if not np.isfinite(np.median(per_window)):
        return {"failed": True, "message": "the solution blew up from most held-out starting states"}
    short_r2 = float(1 - np.median(per_window))
    n_compared = int(sum(r.size for r in refs))
    # Whole segments, but no longer than LONG_HORIZONS short horizons (a chaotic run of
    # thousands of time units says nothing more and costs a great deal).
    limit = [np.searchsorted(s.t, s.t[0] + LONG_HORIZONS * validation.horizon, side="right") for s in validation.segments]
    picks = [_thin(max(n, 2), MAX_POINTS_PER_SEGMENT) for n in limit]
    long = integrate(
        exprs, symbols, np.array([s.x[0] for s in validation.segments]),
        [s.t[p] for s, p in zip(validation.segments, picks)], bound=validation.bound,
        **validation.input_args(validation.signals()),
    )
    blown = {"blown_up_windows": len(sol.failed_runs) / len(per_window)} if sol.failed_runs else {}
    if not long.ok:
        return {"failed": False, "window_errors": per_window, "short_r2": short_r2, "n_compared": n_compared,
                "validation_r2": float("-inf"), "valid_time": 0.0,
                "valid_fraction": 0.0, "message": f"whole-segment simulation failed: {long.message}", **blown}
    r2s, longs, vts, fracs = [], [], [], []
    for seg, sim in zip((Trajectory(m.t[p], m.x[p], m.label) for m, p in zip(validation.measured, picks)), long.x):
        r2s.append(r2(seg.x, sim))
        # normalised as short_r2 is (by the data's variance, not the segment's): a segment that
        # settles on an equilibrium has almost no variance of its own, and its R² would call a
        # tiny offset of the fixed point a drift
        longs.append(1.0 - float(np.mean(((sim - seg.x) ** 2) / validation.variance)))
        nerr = np.sqrt((((sim - seg.x) ** 2) / validation.variance).mean(axis=1))
        bad = np.flatnonzero(nerr > VPT_THRESHOLD)
        vt = (seg.t[bad[0]] - seg.t[0]) if bad.size else seg.duration
        vts.append(vt)
        fracs.append(vt / seg.duration if seg.duration > 0 else 1.0)
    return {
        "failed": False,
        "window_errors": per_window,
        "short_r2": short_r2,
        "n_compared": n_compared,
        "validation_r2": float(np.mean(r2s)),
        "long_r2": float(np.mean(longs)),
        "valid_time": float(np.mean(vts)),
        "valid_fraction": float(np.mean(fracs)),
        **blown,
    }


def short_horizon_r2(candidate: Candidate, data, names, horizon: float | None = None) -> float:
    """The short-horizon R² of :func:`score` (the report's metric) on a whole data set.

    Every run of ``data`` (a :class:`~discover.data.dataset.Dataset`) is smoothed as ``fit``
    smooths held-out segments, and scored as a held-out segment over ``horizon`` (the fitted
    run's validation horizon; by default a few decorrelation times of ``data``, as in ``fit``).
    Returns ``-inf`` when the candidate blows up from most starting states.
    """
    from discover.data.derivatives import estimate_derivatives
    from discover.data.prepared import HORIZON_DECORRELATIONS
    from discover.data.timescales import decorrelation_time

    smoothed = [tr.with_states(x) for tr, x in zip(data.trajectories, estimate_derivatives(data).smoothed)]
    if horizon is None:
        horizon = HORIZON_DECORRELATIONS * decorrelation_time(data.trajectories, data.n_states)
    horizon = min(float(horizon), max(tr.duration for tr in data.trajectories))
    validation = Validation.build(smoothed, list(data.trajectories), horizon, data.stacked()[1].var(axis=0),
                                  data.inputs, data.hold)
    scores = score(candidate, validation, names)
    return float("-inf") if scores["failed"] else scores["short_r2"]
