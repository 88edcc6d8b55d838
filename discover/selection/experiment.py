"""The experiment that separates the structures the data cannot tell apart.

Given two or more models that predict the measured data equally well (the equivalence set,
:mod:`discover.selection.equivalence`), the next measurement should start where they disagree
most: the initial state in the design box, and the duration, that maximise the *smallest*
pairwise distance between their simulated trajectories (each pair must be told apart, not only
the most different one). The distance of two trajectories is the root mean square over time and
variables of their difference, each variable scaled by its spread in the data; over a duration
``T`` it is taken from 0 to ``T``.

The search: a seeded scrambled Sobol set of :data:`STARTS` states in the box (plus its centre),
every model integrated from all of them at once over up to :data:`MAX_RUNS` times the longest
measured run (at most :data:`MAX_HORIZONS` validation horizons; a model that grows stiff from a
start within :data:`MAX_EVALS` steps counts as failed there), the best state refined by a bounded Nelder-Mead search (:data:`REFINE` evaluations).
The duration is the shortest one whose separation reaches :data:`REACH` of the best over the
horizon: a longer measurement adds little. States from which a model blows up are avoided when
any other state separates the models.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.integrate import integrate

STARTS = 32
REFINE = 24
MAX_RUNS = 2.0  # horizon, in lengths of the longest measured run ...
MAX_HORIZONS = 10.0  # ... and at most this many validation horizons (a chaotic run of thousands of time units says no more)
POINTS = 200  # time samples of a predicted trajectory
REACH = 0.9
MAX_EVALS = 6000


def _simulate(models, names, X0: np.ndarray, t: np.ndarray, bound: float):
    """Each model's trajectories from every state of ``X0``: list (per model) of (n_starts, len(t), d); NaN when failed."""
    syms = [sp.Symbol(n) for n in names]
    out = []
    for m in models:
        exprs = [m.equations[n] for n in names]
        x = np.full((len(X0), len(t), len(names)), np.nan)
        # stacked, all starts share one step size; when one start makes the solve stiff, smaller groups
        for group in [np.arange(len(X0))] if len(X0) == 1 else [np.arange(len(X0)), *np.array_split(np.arange(len(X0)), 8)]:
            if not np.all(np.isnan(x[group])):
                continue
            sol = integrate(exprs, syms, X0[group], [t] * len(group), bound=bound, per_run=True, max_evals=MAX_EVALS,
                            method="RK45")
            if sol.ok:
                for i, xi in zip(group, sol.x):
                    x[i] = xi
        out.append(x)
    return out


def _separation(trajs, scale: np.ndarray) -> np.ndarray:
    """(n_starts, len(t)): the smallest pairwise RMS distance from 0 to each time (NaN where a model failed)."""
    k = len(trajs)
    worst = None
    for i in range(k):
        for j in range(i + 1, k):
            d2 = np.mean(((trajs[i] - trajs[j]) / scale) ** 2, axis=2)  # (n, T)
            steps = np.arange(1, d2.shape[1] + 1)
            rms = np.sqrt(np.cumsum(d2, axis=1) / steps)
            worst = rms if worst is None else np.minimum(worst, rms)
    return worst


def strongest_rival(best, ranked, names, states: np.ndarray):
    """The candidate of another structure that predicts the held-out data best (None if there is none): when
    a run is not sure of its pick although no structure ties with it, the measurement that tells the two
    apart is the most informative next one. As in the equivalence set, a candidate with a coefficient
    the data do not support, or whose terms cancel each other on the ``states``, is no rival."""
    from discover.core.structure import shape
    from discover.selection.equivalence import cancels
    from discover.selection.paired import supported

    key = shape(best.equations)
    others = [c for c in ranked if c is not best and not c.scores.get("failed", True) and shape(c.equations) != key
              and supported(c) and not cancels(c, names, states)]
    return min(others, key=lambda c: 1.0 - c.scores.get("short_r2", float("-inf")), default=None)


def suggest(models, names, bounds: dict, scale, duration: float, time_name: str = "t", seed: int = 0,
            bound: float | None = None, horizon: float | None = None, project=None) -> dict | None:
    """The initial state, duration and each model's predicted trajectory that separate ``models`` best.

    Parameters
    ----------
    models : list of Candidate
        Two or more (the equivalence set, pick first).
    names : state names.
    bounds : dict of str to (low, high)
        The design box.
    scale : array of shape (d,)
        Each variable's spread in the data (distances are measured in it).
    duration : float
        The longest measured run's duration (the horizon is :data:`MAX_RUNS` of it) ...
    horizon : float, optional
        ... and at most :data:`MAX_HORIZONS` of this (the run's validation horizon, a few decorrelation times).
    project : callable, optional
        States (n, d) -> the states an experiment can start from (the plane of the data's conserved
        quantities, :meth:`discover.selection.equivalence.Box.project`).

    Returns
    -------
    dict or None
        Plain data (JSON as it is): ``initial_state`` (name -> value), ``duration``, ``separation`` (the
        smallest pairwise distance in units of the data's spread), ``time`` (the time column's name),
        ``design_box`` and ``models``: per model, in the order given, its ``method`` and predicted
        trajectory, ``t`` (list) and ``x`` (name -> list).
        None when fewer than two models, or when no start in the box gives every model a solution.
    """
    from scipy.optimize import minimize
    from scipy.stats import qmc

    if len(models) < 2:
        return None
    names = list(names)
    lo = np.array([bounds[n][0] for n in names], dtype=float)
    hi = np.array([bounds[n][1] for n in names], dtype=float)
    scale = np.where(np.asarray(scale, dtype=float) > 0, np.asarray(scale, dtype=float), 1.0)
    horizon = min(MAX_RUNS * float(duration), MAX_HORIZONS * float(horizon or duration))
    t = np.linspace(0.0, horizon, POINTS)
    bound = bound or float(20 * (np.abs(np.concatenate([lo, hi])).max() + scale.max()))
    project = project or (lambda X: X)
    X0 = lo + qmc.Sobol(len(names), scramble=True, seed=seed).random(STARTS) * (hi - lo)
    X0 = project(np.vstack([(lo + hi) / 2, X0]))
    sep = _separation(_simulate(models, names, X0, t, bound), scale)
    final = sep[:, -1]
    if not np.any(np.isfinite(final)):
        return None
    i = int(np.nanargmax(np.where(np.isfinite(final), final, -np.inf)))

    def objective(z):
        x = project((lo + np.clip(z, 0.0, 1.0) * (hi - lo))[None, :])[0]
        s = _separation(_simulate(models, names, x[None, :], t, bound), scale)[0, -1]
        return -s if np.isfinite(s) else 0.0

    z0 = np.clip((X0[i] - lo) / (hi - lo), 0.0, 1.0)
    res = minimize(objective, z0, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(names),
                   options={"maxfev": REFINE, "xatol": 1e-3, "fatol": 1e-6})
    x_best = project((lo + np.clip(res.x, 0.0, 1.0) * (hi - lo))[None, :])[0] if -res.fun > final[i] else X0[i]
    trajs = _simulate(models, names, x_best[None, :], t, bound)
    curve = _separation(trajs, scale)[0]
    best = float(np.nanmax(curve))
    k = int(np.argmax(curve >= REACH * best))
    end = max(k, 1)
    # the predictions over the chosen duration, on a grid of their own
    fine = np.linspace(0.0, float(t[end]), POINTS)
    trajs = _simulate(models, names, x_best[None, :], fine, bound)
    return {
        "initial_state": {n: float(v) for n, v in zip(names, x_best)},
        "duration": float(t[end]),
        "separation": float(curve[end]),
        "time": time_name,
        "design_box": {n: [float(bounds[n][0]), float(bounds[n][1])] for n in names},
        "models": [{"method": m.method, "t": fine.tolist(),
                    "x": {n: trajs[j][0, :, i].tolist() for i, n in enumerate(names)}}
                   for j, m in enumerate(models)],
    }
