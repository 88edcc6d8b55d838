"""The likelihood of whole measured trajectories under a structure, and the pick it favours.

Selection ranks candidates by short simulations from held-out starting states compared with the
measurements (:mod:`~discover.selection.scoring`). Under noise those windows are few and each
error is mostly the noise itself, so the paired test (:mod:`~discover.selection.paired`) cannot
tell a polynomial that imitates a saturating term from the term: on ODEBench at 5% noise it
calls the pick and the true law (with its published constants) indistinguishable in 48 of the 50
runs that miss the truth (``benchmarks/results/odebench-oracle-s005.md``). The measurements
hold far more evidence than the windows: every sample of every run, each with its own noise.

Here each structure's constants are refitted to the measured runs themselves, simulating it
(output error, the maximum-likelihood fit for measurement noise), by **multiple shooting**
(Bock & Plitt 1984): the runs are cut into segments of a few decorrelation times, each with
its own starting state as a free parameter, so a chaotic or slightly mis-fitted model is not
judged by where a long simulation wanders off to. The structures are compared by the Bayesian
information criterion of the fit (Gaussian noise of unknown variance per variable; Mangan,
Kutz, Brunton & Proctor, "Model selection for dynamical systems via sparse regression and
information criteria", Proc. R. Soc. A 2017, rank SINDy's models by information criteria of
simulated trajectories). Each sample is weighted by the local scale of the smoothing residuals, so
noise that grows with the state (a multiplicative error) does not let the largest values decide.
The starting states are the same parameters for every structure and cancel; each structure pays
log N per constant.

:func:`likelihood_pick` moves the pick only on strong evidence (a BIC lower by more than
:data:`BIC_MARGIN`, "very strong" on Kass & Raftery's scale), among the structures selection
already found eligible on the held-out windows, so the held-out test still rules out what
does not predict.
"""

from __future__ import annotations

import time

import numpy as np
import sympy as sp

from discover.core.expressions import as_expr, safe_lambdify
from discover.core.structure import shape

#: A structure whose BIC is lower than the pick's by more than this displaces it (Kass & Raftery 1995:
#: a difference beyond 10 is very strong evidence).
BIC_MARGIN = 10.0
#: Most structures judged (those the held-out windows cannot reject, simplest first; the pick always).
MAX_JUDGED = 16
#: Most shooting segments over all runs (segments are lengthened beyond two horizons to keep to it).
MAX_SEGMENTS = 12
#: Most constants a structure may have to be judged (more: its fit costs too much; it keeps its rank).
MAX_CONSTANTS = 16
#: Right-hand-side evaluations one structure's fit may use, and all of them together (about 1.5 s and 8 s
#: on a small system): counted, not timed, so that the same seed gives the same result on any machine. A
#: fit cut short is no evidence (:meth:`Judge.bic`).
EVALS = 25_000
TOTAL_EVALS = 130_000
#: Work granted to the equivalence set's questions (does the likelihood reject a structure that ties on the
#: held-out windows?) after the pick is settled: two or three fits.
EQUIVALENCE_EVALS = 60_000
#: Each fit's share grows with its Jacobian's columns (constants and one segment's starting state), which
#: :data:`EVALS` is counted for: a structure of three variables and seven constants (Lorenz) needs about
#: 30,000 evaluations to converge, where :data:`EVALS` leaves it unfinished and no evidence. The whole
#: budget does not grow: fewer structures of a larger system are judged, each to the end.
COLUMNS = 6
#: Residual variance below this share of a variable's variance is not evidence: the integration and the
#: multiple-shooting fit err by that much on clean data (a chaotic segment amplifies the solver's tolerance),
#: and selection's paired test sets the same millionth aside (:data:`~discover.selection.paired.MIN_ABS_GAIN`).
#: Without the floor, noise-free runs would rank structures by the solver's rounding (ODEBench 56 and 61,
#: exact, gave way to look-alikes that absorbed it).
VARIANCE_FLOOR = 1e-6


class _OutOfWork(Exception):
    pass


def _noise_profile(raw: np.ndarray, smooth: np.ndarray) -> np.ndarray:
    """Each sample's noise scale, relative: the running RMS of the smoothing residuals over a twentieth of
    the run (at least 11 samples), floored at a tenth of its median, divided by its geometric mean.

    Noise is often not the same everywhere (a multiplicative error grows with the state); weighting each
    sample by its own scale keeps the large noisy values from deciding the comparison."""
    resid = raw - smooth
    n = len(raw)
    w = max(11, n // 20) | 1
    kernel = np.ones(w) / w
    out = np.empty_like(resid, dtype=float)
    for j in range(resid.shape[1]):
        padded = np.pad(resid[:, j] ** 2, w // 2, mode="edge")
        rms = np.sqrt(np.convolve(padded, kernel, mode="valid"))
        med = float(np.median(rms))
        if not med > 0:
            out[:, j] = 1.0
            continue
        rms = np.maximum(rms, 0.1 * med)
        out[:, j] = rms / np.exp(np.mean(np.log(rms)))
    return out


def segments(prepared) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """``(times, measured states, smoothed starting state, relative noise scale)`` of each shooting
    segment, over every training run and held-out segment of ``prepared`` (:func:`_noise_profile`)."""
    pieces = list(zip(prepared.train.trajectories, prepared.train_smoothed))
    pieces += list(zip(prepared.validation, prepared.validation_smoothed))
    total = sum(raw.duration for raw, _ in pieces)
    length = max(2.0 * prepared.horizon, total / MAX_SEGMENTS)
    out = []
    for raw, smooth in pieces:
        n = max(1, int(round(raw.duration / length)))
        profile = _noise_profile(raw.x, smooth.x)
        for idx in np.array_split(np.arange(len(raw.t)), n):
            if len(idx) >= 3:
                out.append((raw.t[idx], raw.x[idx], smooth.x[idx[0]], profile[idx]))
    return out


def _constants(equations: dict, names) -> tuple[list, list]:
    """The right-hand sides with every float constant replaced by a parameter symbol, and the values."""
    exprs = [as_expr(equations[n]) for n in names]
    floats = sorted({a for e in exprs for a in e.atoms(sp.Float)}, key=lambda a: (float(a), str(a)))
    params = [sp.Symbol(f"_p{i}") for i in range(len(floats))]
    table = dict(zip(floats, params))
    return [e.xreplace(table) for e in exprs], [float(f) for f in floats]


def fit(equations: dict, names, segs, scale: np.ndarray, evals: int = EVALS, until: float = float("inf")) -> dict | None:
    """The output-error fit of one structure by multiple shooting; None when it has too many constants or the
    run's time is spent, ``{"simulated": False}`` when it cannot be simulated from the runs' own starting states.

    Returns ``bic``, ``constants`` (the number fitted), ``sse`` (per variable, in units of the
    variable's scale), ``samples``, ``evals`` (right-hand-side evaluations used) and ``complete`` (the
    optimiser converged within ``evals`` evaluations and before the monotonic time ``until``, the run's
    time budget; else the BIC is that of the constants reached, or as found).
    """
    from scipy.integrate import solve_ivp
    from scipy.optimize import least_squares
    from scipy.sparse import lil_matrix

    from discover.core.integrate import SolveAborted, limited

    exprs, p0 = _constants(equations, names)
    if len(p0) > MAX_CONSTANTS:
        return None
    d, k, m = len(names), len(p0), len(segs)
    symbols = [sp.Symbol(f"_x{i}") for i in range(d)]
    exprs = [e.xreplace({sp.Symbol(n): s for n, s in zip(names, symbols)}) for e in exprs]
    params = [sp.Symbol(f"_p{i}") for i in range(k)]
    f = safe_lambdify([symbols, params], exprs, "numpy")
    rel = [t - t[0] for t, *_ in segs]
    when = np.unique(np.concatenate(rel))
    rows = [np.searchsorted(when, r) for r in rel]
    measured = np.concatenate([x for _, x, _, _ in segs]) / scale
    weight = 1.0 / np.concatenate([w for *_, w in segs])
    bound = 20.0 * float(np.max(np.abs(measured))) + 20.0
    used, cap = [0], [float("inf")]  # the cap is set when the fit starts: the starting constants are always judged

    def simulate(theta: np.ndarray) -> np.ndarray | None:
        p, x0 = theta[:k], theta[k:].reshape(m, d)

        def field(_t, y):
            used[0] += 1
            X = y.reshape(m, d).T
            return np.array([np.broadcast_to(np.asarray(v, dtype=float), (m,)) for v in f(X, p)]).T.reshape(-1)

        rhs = limited(field, 20000, bound=bound * float(np.max(scale)), finite=True)
        try:
            with np.errstate(all="ignore"):
                sol = solve_ivp(rhs, (0.0, float(when[-1])), x0.reshape(-1), dense_output=True, rtol=1e-5, atol=1e-8)
        except (SolveAborted, ValueError, ZeroDivisionError, OverflowError, FloatingPointError):
            return None
        if sol.status != 0:
            return None
        dense = sol.sol(when).T.reshape(len(when), m, d)
        return np.concatenate([dense[r, i, :] for i, r in enumerate(rows)]) / scale

    def residuals(theta):
        if used[0] > cap[0] or time.monotonic() > until:
            raise _OutOfWork
        y = simulate(theta)
        if y is None or not np.all(np.isfinite(y)):
            return np.full(measured.size, 1e3)
        return np.clip((y - measured) * weight, -1e3, 1e3).reshape(-1)

    theta0 = np.concatenate([np.asarray(p0, dtype=float), np.concatenate([x0 for _, _, x0, _ in segs])])
    try:
        r0 = residuals(theta0)
    except _OutOfWork:  # the run's time budget is spent
        return None
    if np.all(r0 == 1e3):
        return {"simulated": False}
    # each segment's samples depend on the constants and on that segment's own starting state only:
    # the sparsity lets the finite-difference Jacobian perturb every segment's state at once
    sparsity = lil_matrix((measured.size, len(theta0)), dtype=int)
    start = 0
    for i, (t, *_) in enumerate(segs):
        stop = start + len(t) * d
        sparsity[start:stop, :k] = 1
        sparsity[start:stop, k + i * d:k + (i + 1) * d] = 1
        start = stop
    best, complete, jac = theta0, False, None
    cap[0] = used[0] + evals
    try:
        if evals <= 0:
            raise _OutOfWork
        sol = least_squares(residuals, theta0, jac_sparsity=sparsity, method="trf", x_scale="jac",
                            max_nfev=50 * (k + d + 1))
        best, complete, jac = sol.x, sol.status > 0, sol.jac
    except _OutOfWork:
        pass  # judged at the constants as found, and marked incomplete
    cap[0], until = float("inf"), float("inf")
    r = residuals(best).reshape(-1, d)
    if np.all(r == 1e3):
        return {"simulated": False}
    n = r.shape[0]
    sse = (r ** 2).sum(axis=0)
    var = np.maximum(sse / n, VARIANCE_FLOOR)
    bic = float(n * np.sum(np.log(var)) + k * np.log(n * d))
    return {"bic": bic, "constants": k, "sse": sse.tolist(), "samples": int(n), "complete": complete,
            "evals": used[0], "values": [float(v) for v in best[:k]],
            "stderr": None if jac is None or not complete else _stderr(jac, var, k, d), "simulated": True}


def _stderr(jac, var: np.ndarray, k: int, d: int) -> list[float] | None:
    """The standard errors of the first ``k`` parameters of an output-error fit: the Gauss-Newton covariance
    :math:`(J^T W J)^{-1}` with each variable's residuals weighted by its own fitted variance ``var``, the
    starting states of the segments estimated with them (so their uncertainty widens the constants')."""
    J = jac.toarray() if hasattr(jac, "toarray") else np.asarray(jac)
    J = J / np.sqrt(np.tile(var, J.shape[0] // d))[:, None]
    try:
        cov = np.linalg.pinv(J.T @ J)
    except np.linalg.LinAlgError:
        return None
    se = np.sqrt(np.clip(np.diag(cov)[:k], 0.0, None))
    return [float(v) for v in se]


def supported_by_fit(out: dict | None, min_z: float) -> bool | None:
    """Whether every constant of a finished output-error fit lies at least ``min_z`` standard errors from zero
    (None when the fit gives no standard errors)."""
    if out is None or not out.get("stderr"):
        return None
    return all(not (se > 0 and abs(v) < min_z * se) for v, se in zip(out["values"], out["stderr"]))


def with_constants(equations: dict, names, values) -> dict:
    """``equations`` with their float constants replaced, in :func:`fit`'s order, by ``values`` (the constants
    a fit reached; nothing rounded)."""
    exprs, _ = _constants(equations, names)
    table = {sp.Symbol(f"_p{i}"): sp.Float(v, 17) for i, v in enumerate(values)}
    return {n: e.xreplace(table) for n, e in zip(names, exprs)}


def _key(equations: dict) -> tuple:
    return tuple(sorted((str(k), sp.srepr(as_expr(v))) for k, v in equations.items()))


class Judge:
    """The BIC of candidates on the whole measured runs of ``prepared``, fitted on demand within a budget of
    work (:data:`EVALS` each, :data:`TOTAL_EVALS` in all) and kept in ``scores["trajectory_bic"]``."""

    def __init__(self, prepared):
        from discover.core.budget import current

        self.names = list(prepared.names)
        self.segs = segments(prepared)
        self.scale = np.sqrt(np.where(prepared.variance > 0, prepared.variance, 1.0))
        self.left = TOTAL_EVALS
        self.done: dict = {}  # id of a candidate -> its BIC (None: not simulated, or its fit unfinished)
        self.fits: dict = {}  # id of a candidate -> its fit (:func:`fit`)
        self.unsimulable: set = set()  # structures (as written) that cannot be simulated on the runs
        # never past the run's time budget (--budget): with none left every fit is unfinished, and no evidence
        self.until = current().end

    def grant(self, evals: int) -> None:
        """More work for a later question (the backward step's trials, the equivalence set's rejections): what
        was left, if anything, and ``evals``."""
        self.left = max(self.left, 0) + evals

    def fit(self, equations: dict) -> dict | None:
        """:func:`fit` of ``equations`` on the runs, its work taken from what is left."""
        k = len(_constants(equations, self.names)[1])
        share = int(EVALS * max(1.0, (k + len(self.names) + 1) / COLUMNS))
        out = fit(equations, self.names, self.segs, self.scale, min(share, self.left), self.until)
        if out is not None and not out["simulated"]:
            self.unsimulable.add(_key(equations))
            return None
        self.left -= 0 if out is None else out["evals"]
        return out

    def bic(self, c) -> float | None:
        """``c``'s BIC, or None when it cannot be simulated on the runs or its fit did not finish in time (an
        unfinished fit is no evidence, for the structure or against it)."""
        if id(c) not in self.done:
            c_fit = self.fit(c.equations)
            self.fits[id(c)] = c_fit
            self.done[id(c)] = c_fit["bic"] if c_fit is not None and c_fit["complete"] else None
            if self.done[id(c)] is not None:  # written to equations.json; a candidate not judged has no entry
                c.scores["trajectory_bic"] = self.done[id(c)]
        return self.done[id(c)]

    def supported(self, c) -> bool:
        """Whether the data support every constant of ``c``: by its output-error fit on the runs when that
        finished with standard errors (the regression's on the derivative estimates are far wider under
        noise: ODEBench 17 at 5%, the logistic law with harvesting had a constant within two of its
        regression standard errors of zero, and the runs favoured it over a constant rate by 76),
        else by its regression's (:func:`~discover.selection.paired.supported`)."""
        from discover.selection.paired import MIN_Z, supported

        by_fit = supported_by_fit(self.fits.get(id(c)), MIN_Z)
        return supported(c) if by_fit is None else by_fit

    def keep(self, c, bic: float) -> None:
        """Take ``bic`` as ``c``'s, from a fit made elsewhere (:mod:`~discover.selection.backward`'s trials)."""
        self.done[id(c)] = bic
        c.scores["trajectory_bic"] = bic

    def rejects(self, c, pick) -> bool:
        """Whether the runs favour ``pick`` over ``c`` by more than :data:`BIC_MARGIN`."""
        b_pick, b_c = self.bic(pick), self.bic(c)
        if b_pick is not None and _key(c.equations) in self.unsimulable:
            return True  # it does not reproduce the measured runs at all, from their own starting states
        return b_pick is not None and b_c is not None and b_c > b_pick + BIC_MARGIN


def judge_for(prepared) -> Judge | None:
    """A :class:`Judge` of ``prepared``'s runs; None where the likelihood is not used (nothing held out, or
    measured inputs, whose signals the simulations here do not take)."""
    if prepared.in_sample or prepared.inputs:
        return None
    return Judge(prepared)


def likelihood_pick(best, candidates: list, prepared, error, judge: Judge | None = None) -> tuple[object, dict | None]:
    """The candidate the whole trajectories favour, and the record.

    Judged are ``best`` and the structures the held-out windows cannot reject: those the most accurate
    candidate does not beat by the paired test (:func:`~discover.selection.paired.beats`), simplest first,
    at most :data:`MAX_JUDGED`. ``best`` stays unless its BIC exceeds the lowest by more than
    :data:`BIC_MARGIN`; then the pick is the simplest supported structure within the margin of the lowest
    (:func:`~discover.selection.paired.supported`; the lowest is taken over the supported ones). Returns
    ``(pick, record)``; the record (``None`` when nothing could be judged) holds ``margin``, ``judged``,
    ``segments``, ``gain`` (the held-out pick's BIC less the lowest) and ``switched``. ``judge`` (by default a
    new :class:`Judge` of ``prepared``) keeps the fits for later questions (the equivalence set's).
    """
    from discover.selection.paired import beats, supported

    judge = judge or judge_for(prepared)
    finite = [c for c in candidates if np.isfinite(error(c))]
    if judge is None or not finite:
        return best, None
    leader = min(finite, key=error)
    open_ = [c for c in finite if c is leader or not beats(leader, c, error)]
    seen, judged = {shape(best.equations)}, [best]
    for c in sorted(open_, key=lambda c: (c.complexity, error(c))):
        key = shape(c.equations)
        if key not in seen and len(judged) < MAX_JUDGED:
            seen.add(key)
            judged.append(c)
    if len(judged) < 2:
        return best, None
    bic = {id(c): b for c in judged if (b := judge.bic(c)) is not None}
    if id(best) not in bic:
        return best, None
    # a structure with a constant its own standard error cannot tell from zero does not displace the pick
    # a rival that holds every term of the pick and more must have its extra terms supported by the regression's
    # standard errors as well as by its own fit: on chaotic runs an extra term can buy the shooting fit a better
    # optimum without being part of the law (ODEBench 61 at 5%: -0.01·x² beside the exact terms, kept in 25% of
    # bootstrap refits, lowered the BIC beyond the margin)
    rivals = [c for c in judged if id(c) in bic and (c is best or (
        judge.supported(c) and (supported(c) or not set(shape(best.equations)) < set(shape(c.equations)))))]
    lowest = min(bic[id(c)] for c in rivals)
    gain = bic[id(best)] - lowest
    pick = best
    if gain > BIC_MARGIN:
        pick = min((c for c in rivals if bic[id(c)] <= lowest + BIC_MARGIN), key=lambda c: (c.complexity, bic[id(c)]))
    record = {"margin": BIC_MARGIN, "judged": len(bic), "segments": len(judge.segs), "gain": float(gain),
              "switched": pick is not best}
    return pick, record
