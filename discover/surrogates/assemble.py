"""Joining a distilled hidden term to the known part, and refitting all constants together.

The split between a learned parameter of the known part and a hidden term of the same shape
is not identifiable from the hidden network alone (``a*x + G`` equals ``(a + d)*x + (G - d*x)``),
so a hidden term that repeats a known term with a learned parameter is folded into that
parameter, and the parameters and the hidden coefficients are then fitted jointly:

1. on the PINN's smooth fitted trajectories (``du/dt`` against the model at ``u``): fast and
   well conditioned;
2. then on the measurements themselves, by simulating the model from free initial states
   (output error, the maximum-likelihood fit under measurement noise), kept only when it
   fits the data better.

The misfit of that fit gives each model's BIC; models the measurements reject outright are
dropped before selection (with tens of points, held-out scores alone cannot tell them apart).

Each refitted constant also gets a standard error, from the same fit: the Gauss-Newton
(Fisher information) covariance ``s^2 (J^T J)^-1`` of the output-error least squares, with the
initial states as nuisance parameters. With tens of noisy points some constants are barely
determined by the data (Lotka-Volterra's gamma on t in [0, 3]: +-40-50%), and the report says so.

With measured inputs, every model also reads them: along the curves at the PINN's own dense
times, and in the output-error fit each run is driven by its own measured signal, read between
samples as the data's ``hold`` says.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares

from discover.core.candidates import Candidate, KnownAndHidden, tidy
from discover.core.expressions import as_expr, safe_lambdify
from discover.core.integrate import SolveAborted, limited
from discover.core.structure import terms
from discover.data.dataset import Dataset

MAX_REFINED = 10  # constants beyond this: skip the output-error refit (slow, and such models lose anyway)
RSS_FLOOR = 1e-6  # (0.1% of a standard deviation)^2  # "very strong" evidence against a model (Kass and Raftery, 1995)


def _real(expr, names):
    return as_expr(expr).xreplace({sp.Symbol(n): sp.Symbol(n, real=True) for n in names})


def _plain(expr):
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols})


def _folds_into_known(term, known_expr, learned) -> bool:
    """True when ``term`` times some learned parameter(s) is a term of the known part."""
    for k in sp.Add.make_args(sp.expand(known_expr)):
        ratio = sp.simplify(k / term)
        if ratio.free_symbols and ratio.free_symbols <= set(learned):
            return True
    return False


def assemble(known, hidden: dict, p_init: dict, curves: list[dict], data: Dataset, refine: bool = True):
    """Full right-hand sides, fitted parameters and hidden terms, or None if the fit fails."""
    names = list(known.names)
    X, W = known.state_symbols, known.input_symbols
    learned = [sp.Symbol(p, real=True) for p in known.learned]
    coefs, c0, models, labels = [], [], [], []
    for v in names:
        h = _real(hidden.get(v, 0), names + list(known.inputs))
        kn = known.expr(v)
        extra = 0
        for phi, value in terms(h, 1e-12).items():
            if _folds_into_known(phi, kn, learned):
                continue
            c = sp.Dummy(f"c{len(coefs)}")
            coefs.append(c)
            labels.append(f"{sp.sstr(_plain(phi))} in d{v}")
            c0.append(value)
            extra += c * phi
        models.append(kn + extra)
    theta = learned + coefs
    theta0 = np.array([p_init.get(p.name, 1.0) for p in learned] + c0, dtype=float)
    f = safe_lambdify([X, theta, W], models, modules="numpy")

    def field(U, th, V=None):
        U = np.atleast_2d(U)
        cols = f(list(U.T), list(th), [] if V is None else list(np.atleast_2d(V).T))
        return np.stack([np.broadcast_to(np.asarray(c, dtype=float), U.shape[:1]) for c in cols], axis=1)

    U = np.concatenate([c["u"] for c in curves])
    V = np.concatenate([c["w"] for c in curves]) if known.inputs else None
    D = np.concatenate([c["dudt"] for c in curves])
    dscale = D.std(axis=0) + 1e-12

    def colloc(th):
        with np.errstate(all="ignore"):
            r = ((field(U, th, V) - D) / dscale).ravel()
        return np.where(np.isfinite(r), r, 1e6)

    if len(theta):
        theta = np.asarray(least_squares(colloc, theta0, max_nfev=200 * len(theta0)).x)
    else:
        theta = theta0
    theta, rss, n_obs, k, se = _output_error(field, theta, curves, data, refine and 0 < len(theta) <= MAX_REFINED)
    values = {p.name: float(val) for p, val in zip(learned, theta)}
    errors = {}
    if se is not None:
        # a hidden coefficient is named by its term and equation, as the report shows it
        errors = {name: float(e) for name, e in zip([*known.learned, *labels], se)}
    sub = dict(zip(learned + coefs, [sp.Float(v) for v in theta]))
    equations = {v: tidy(_plain(m.xreplace(sub))) for v, m in zip(names, models)}
    hidden_out = {v: tidy(_plain((m - known.expr(v)).xreplace(sub))) for v, m in zip(names, models)}
    if not all(e.is_finite is not False and not e.has(sp.nan, sp.zoo) for e in equations.values()):
        return None
    # Misfits below RSS_FLOOR (per observation, standardised) are numerical, not evidence.
    bic = n_obs * np.log(max(rss / n_obs, RSS_FLOOR)) + k * np.log(n_obs)
    constants = {label: float(v) for label, v in zip(labels, theta[len(learned):])}
    return equations, values, hidden_out, float(bic), {"constants": constants, "errors": errors}


def _simulate(field, th, t, x0, max_evals: int = 5000, signal=None):
    def rhs(_t, y):
        with np.errstate(all="ignore"):
            return field(y[None], th, None if signal is None else signal(_t)[None])[0]

    try:
        sol = solve_ivp(limited(rhs, max_evals, bound=1e8, finite=True), (t[0], t[-1]), x0, t_eval=t,
                        rtol=1e-6, atol=1e-9)
    except SolveAborted:
        return None
    return sol.y.T if sol.status == 0 and sol.y.shape[1] == len(t) else None


def _output_error(field, theta, curves, data: Dataset, refine: bool):
    """Refit constants and initial states by simulating the model against the measurements.

    Returns the constants, the residual sum of squares (standardised units), the number of
    observations and of fitted numbers (for an information criterion), and the constants'
    standard errors (None when the refit was skipped or failed).
    """
    from discover.core.signals import InputSignal

    runs = data.trajectories
    signals = [InputSignal(tr.t, tr.u, data.hold) if data.inputs else None for tr in runs]
    scale = np.concatenate([tr.x for tr in runs]).std(axis=0) + 1e-12
    x0s = np.array([c["u"][0] for c in curves])
    n_th = len(theta)
    n_obs = sum(tr.x.size for tr in runs)

    def resid(z):
        th, x0 = z[:n_th], z[n_th:].reshape(x0s.shape)
        out = []
        for tr, a, sig in zip(runs, x0, signals):
            sim = _simulate(field, th, tr.t, a, signal=sig)
            out.append(np.full(tr.x.size, 1e3) if sim is None else ((sim - tr.x) / scale).ravel())
        return np.concatenate(out)

    z0 = np.concatenate([theta, x0s.ravel()])
    start = resid(z0)
    k = len(z0)
    if not refine:
        return theta, float(start @ start), n_obs, k, None
    try:
        sol = least_squares(resid, z0, max_nfev=30, x_scale="jac")
    except (ValueError, FloatingPointError):
        return theta, float(start @ start), n_obs, k, None
    if np.all(np.isfinite(sol.x)) and sol.cost < 0.5 * float(start @ start):
        rss = 2.0 * float(sol.cost)
        se = standard_errors(resid, sol.x, rss, n_obs)
        return sol.x[:n_th], rss, n_obs, k, None if se is None else se[:n_th]
    return theta, float(start @ start), n_obs, k, None


def standard_errors(resid, z: np.ndarray, rss: float, n_obs: int) -> np.ndarray | None:
    """Standard errors of least-squares estimates ``z``: ``sqrt(diag(s^2 (J^T J)^+))``.

    The Jacobian is taken by central differences with a step of 1e-3 of each value: scipy's
    default step (1e-8) is below the ODE solver's tolerance, so its Jacobian here is noise.
    """
    dof = n_obs - len(z)
    if dof <= 0:
        return None
    cols = []
    for i in range(len(z)):
        h = 1e-3 * max(abs(z[i]), 1e-2)
        up, down = z.copy(), z.copy()
        up[i] += h
        down[i] -= h
        cols.append((resid(up) - resid(down)) / (2 * h))
    J = np.stack(cols, axis=1)
    if not np.all(np.isfinite(J)) or np.abs(J).max() >= 1e5:  # a step that left the solver's domain
        return None
    cov = rss / dof * np.linalg.pinv(J.T @ J)
    return np.sqrt(np.clip(np.diag(cov), 0, None))


def assemble_all(pinn, candidates: list[Candidate], data: Dataset) -> list[Candidate]:
    """Each hidden-term candidate becomes a full-model candidate (known + hidden, refitted)."""
    known = pinn.known_
    out = []
    for c in candidates:
        done = assemble(known, c.equations, pinn.parameters_, pinn.curves_, data)
        if done is None:
            continue
        equations, values, hidden, bic, fit = done
        settings = {**c.settings, "bic": round(bic, 2), "known": known.describe(),
                    "parameters": values, "fixed": dict(known.fixed),
                    "pinn_parameters": dict(pinn.parameters_), "hidden_constants": fit["constants"],
                    "standard_errors": fit["errors"]}
        parts = KnownAndHidden({v: tidy(known.plain(v, values)) for v in known.exprs}, dict(hidden))
        out.append(Candidate(equations, c.method, settings, dict(c.term_confidence), parts=parts))
    return out
