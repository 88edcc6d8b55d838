"""Implicit (SINDy-PI) distiller: rational right-hand sides found as a sparse linear problem.

A right-hand side ``dx_i/dt = q(x) / p(x)`` (Michaelis-Menten, Monod, Hill and Holling terms)
is not a sparse sum of library functions, but ``p(x) * dx_i/dt = q(x)`` is linear in the
coefficients of ``p`` and ``q`` (Kaheman, Kutz & Brunton, "SINDy-PI", Proc. R. Soc. A 476,
2020; Mangan, Brunton, Proctor & Kutz, "Inferring biological networks by sparse identification
of nonlinear dynamics", IEEE TMBMC 2, 2016). With the constant term of ``p`` set to 1, it is the
ordinary sparse regression ``dx_i/dt = Θ_q(x) a - (dx_i/dt · Θ_p(x)) b``. pysindy's ``SINDyPI`` solves the general problem (every library term tried as
the left-hand side) through cvxpy, which is not a dependency here, and tries each of ~50 left-hand
sides; normalising the constant of the denominator to 1 covers every saturating term whose
denominator does not vanish at the origin, so this one regression is written out instead, one
candidate denominator at a time, with supports from backward elimination (:func:`_backward`)
on the compressed problem. Sparsity is then chosen as SINDy's is: every support is a
candidate, the Pareto front of error against complexity goes on, held-out data decide.

Each support found becomes an explicit rational function, divided out (``q/p = s + r/p``, the
polynomial part separated, so a factor common to ``q`` and ``p`` cancels), its denominator
made monic in its leading term, every constant refitted on the data's weak form by nonlinear
least squares (:mod:`discover.distillers.nls`, with standard errors), and terms that carry
nothing after the refit pruned. The same distiller also grows the polynomial degree (4 and 5,
denominator 1) when the state has few enough variables: the lower-degree libraries SINDy
tried have then left the residuals it was called for. Per variable, the simplest formulas on
the Pareto front of error against complexity are assembled into system candidates, and the
held-out selection judges them beside every other method's.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
import sympy as sp

from discover.core import budget
from discover.core.candidates import Candidate, expression_key, tidy
from discover.core.registry import setting
from discover.core.structure import complexity
from discover.data.samples import Samples
from discover.distillers.base import BaseDistiller, register
from discover.distillers.nls import refit, targets
from discover.distillers.rational_forms import _backward, _cancelled, _compact, _per_size, _poles, _prune, explicit
from discover.distillers.rational_screen import denominators as _denominators
from discover.distillers.rational_screen import monomial_column, screen
from discover.distillers.rational_screen import monomials as _monomials
from discover.distillers.rational_steps import simplification_steps
from discover.distillers.sparse_fit import compress as _compress
from discover.distillers.sparse_fit import rms as _rms


@dataclass(frozen=True)
class ImplicitConfig:
    """Settings of the implicit (SINDy-PI) distiller.

    Attributes
    ----------
    numerator_degree : int
        Full polynomial degree of the numerator library.
    denominator_powers : int
        Denominator terms are powers ``x_j**k`` for k up to this (Hill functions of that order),
        and the products ``x_j * x_k`` of two states.
    polynomial_degrees : tuple of int
        Higher polynomial degrees tried with denominator 1 (degree growth).
    grid : int
        Values of a one-term denominator's coefficient tried (log-spaced, 0.05 to 20 over the term's RMS).
    prune : float
        After a refit, terms contributing less than this fraction of the derivative's RMS are dropped.
    max_features : int
        Largest library per equation (numerator + denominator); larger libraries are cut to
        the lower degrees, which bounds the cost.
    max_rows : int
        Samples used for the sparse regression (evenly subsampled beyond this).
    max_refits : int
        Distinct supports per variable whose constants are refitted (the simplest first).
    per_variable : int
        Formulas per variable kept from the Pareto front.
    tolerances : tuple of float
        Relative error increases over each variable's best formula at which the simplest
        formula is taken to build system candidates (as in symbolic regression).
    max_terms : int
        Largest rational formula per variable (coefficients, the denominator's included).
    rescan : bool
        Walk the elimination path again at each size's refined denominator coefficient (finds
        budworm's Holling type III term, which the grid's coarse values miss; off by default
        because it also proposes near-equivalent forms with small extra terms, which made
        the toggle switch's pick inexact in the bench).
    max_systems : int
        System candidates handed to selection (the simplest combinations of those choices).
    keep_denominators : int
        Candidate denominators searched per equation: those whose implicit columns explain most of
        the degree-2 polynomial fit's residual (:mod:`discover.distillers.rational_screen`); the
        others are screened out before any fit.
    state_tolerance : float
        Per equation, states are left out of its numerator and denominators while leaving them out
        raises a screening fit's error by at most this share; 0 keeps every state.
    """

    numerator_degree: int = setting(2, bounds=(1, 6))
    denominator_powers: int = setting(4, bounds=(1, 10))
    polynomial_degrees: tuple[int, ...] = setting((4, 5), bounds=(1, 10))
    prune: float = setting(0.002, bounds=(0.0, 1.0))
    grid: int = setting(12, bounds=(1, 1000))
    max_features: int = setting(90, bounds=(1, 2000))
    max_rows: int = setting(1500, bounds=(10, 10_000_000))
    max_refits: int = setting(16, bounds=(1, 1000))
    per_variable: int = setting(5, bounds=(1, 1000))
    tolerances: tuple[float, ...] = setting((0.0, 0.05, 0.2, 1.0), bounds=(0.0, 1000.0), nonempty=True)
    max_systems: int = setting(12, bounds=(1, 10_000))
    max_terms: int = setting(8, bounds=(1, 100))
    keep_denominators: int = setting(12, bounds=(1, 1000))
    state_tolerance: float = setting(0.5, bounds=(0.0, 100.0))
    rescan: bool = False


#: Libraries are judged in two families: rational (with the low-degree polynomial) and polynomial
#: (the low degree and the grown ones).
FAMILIES = ("rational", "polynomial")


def _family(library: str) -> set:
    if library == "rational":
        return {"rational"}
    if library.startswith("polynomial degree") and int(library.rsplit(" ", 1)[1]) <= 2:
        return {"rational", "polynomial"}
    return {"polynomial"}


def _libraries(symbols, cfg: ImplicitConfig, denominators=None, states: int | None = None) -> list[tuple[str, list, tuple]]:
    """(name, numerator terms, denominator terms) of each regression tried.

    Denominators are ``1 + b·t`` for each candidate term ``t`` (a power of one state up to
    ``denominator_powers``, or a product of two states) and ``1 + b1·x + b2·x**2`` (one state),
    or only ``denominators`` where given (those the screen kept);
    the numerator is a full polynomial of ``numerator_degree`` plus each denominator term
    times a linear factor (so that ``p·s + r`` is representable). Trying denominators one by
    one keeps each regression small and well conditioned, which one joint regression over
    every denominator term is not (its columns nearly cancel). Polynomials of the higher
    degrees follow, with denominator 1, as long as they fit ``max_features`` over ``states``
    states (default: as many as ``symbols``)."""
    d = len(symbols) if states is None else states
    base = _monomials(symbols, cfg.numerator_degree)
    linear = _monomials(symbols, 1)
    options = _denominators(symbols, cfg.denominator_powers) if denominators is None else denominators
    out = [(f"polynomial degree {cfg.numerator_degree}", base, ())]
    for den in options:
        num = list(dict.fromkeys(base + [m * t for m in linear for t in den]))
        if len(num) + len(den) <= cfg.max_features:
            out.append(("rational", num, den))
    for deg in cfg.polynomial_degrees:
        if comb(d + deg, deg) <= cfg.max_features:
            out.append((f"polynomial degree {deg}", _monomials(symbols, deg), ()))
    return out


def _explicit_fit(N, proper, nb, D, y, idx, b):
    """Least squares of ``y`` on the support ``idx`` of [polynomial, proper remainder / (1 + D b)]."""
    dval = 1 + D @ b if D.shape[1] else np.ones_like(y)
    A = np.hstack([N[:, :nb], N[:, proper] / dval[:, None]]) if D.shape[1] else N
    a = np.linalg.lstsq(A[:, idx], y, rcond=None)[0]
    return a, float(np.mean((A[:, idx] @ a - y) ** 2))


def _refine(N, proper, nb, t, y, idx, b0: float):
    """The coefficient ``b`` of a one-term denominator ``1 + b·t`` that fits best for a fixed
    support (bounded scalar search on log b within a factor 3 of the grid's value)."""
    from scipy.optimize import minimize_scalar

    D = t[:, None]
    if not (np.isfinite(b0) and b0 != 0):  # a degenerate grid value: nothing to refine on a log scale
        return np.array([b0]), _explicit_fit(N, proper, nb, D, y, idx, np.array([b0]))[1]

    def err(logb):
        b = np.array([np.exp(logb)]) * np.sign(b0)
        if (1 + D @ b).min() <= 0:
            return np.inf
        return _explicit_fit(N, proper, nb, D, y, idx, b)[1]

    lb = np.log(abs(b0))
    res = minimize_scalar(err, bounds=(lb - np.log(3), lb + np.log(3)), method="bounded", options={"xatol": 1e-3})
    if not np.isfinite(res.fun) or res.fun > err(lb):
        return np.array([b0]), err(lb)
    return np.array([np.exp(res.x) * np.sign(b0)]), float(res.fun)


@register
class Implicit(BaseDistiller):
    """Sparse implicit regression ``p(x) dx/dt = q(x)`` (SINDy-PI) with nonlinear refits.

    Attributes
    ----------
    candidates_ : list of Candidate
    fronts_ : dict of str to list of dict
        Per variable, the Pareto front of refitted formulas: ``expr``, ``complexity``, ``mse``.
    """

    name = "sindy_pi"
    Settings = ImplicitConfig

    def _distill(self, samples: Samples, rng: np.random.Generator) -> list[Candidate]:
        cfg = self.settings_
        if samples.input_names:
            # Its libraries and denominators are built on the states only: with measured inputs it
            # would offer models that ignore them, so it stays out (SINDy and SR model the inputs).
            self.facts_ = {"skipped": "measured inputs: the implicit rational search models states only"}
            return []
        n, d = samples.states.shape
        rows = np.unique(np.linspace(0, n - 1, min(n, cfg.max_rows)).astype(int))
        X, Y = samples.states[rows], samples.derivatives[rows]
        symbols = [sp.Symbol(v) for v in samples.names]
        cache = {}

        def column(t):
            if t not in cache:
                cache[t] = monomial_column(t, symbols, X)
            return cache[t]

        def matrix(ts):
            return np.column_stack([column(t) for t in ts]) if ts else np.zeros((len(X), 0))

        self.fronts_, errors, screened = {}, {}, {}
        for i, var in enumerate(samples.names):
            # the time budget (discover.core.budget): each equation gets an equal part of what is left,
            # and stops trying denominators, and refitting, when its part is spent (the first library,
            # the plain polynomial, and one refit always run); unpressured, nothing changes
            share = budget.current().part(d - i)
            target = targets(samples, i)
            y = Y[:, i]
            scale = float(_rms(y[:, None])[0])
            # per equation, only its states and the few denominators that explain most of the
            # polynomial fit's residual are searched (rational_screen)
            sub, dens, screened[var] = screen(symbols, X, y, column, cfg.numerator_degree, cfg.denominator_powers,
                                              cfg.keep_denominators, cfg.state_tolerance, i)
            base = _monomials(sub, cfg.numerator_degree)
            found = []
            for lib_name, num, den in _libraries(sub, cfg, dens, states=d):
                if found and share.expired():
                    break
                found += [dict(e, library=lib_name) for e in self._supports(matrix(num), matrix(den), y, num, den, base)]
            pool: dict[str, dict] = {}
            chosen = {id(e): e for fam in FAMILIES
                      for e in _per_size([f for f in found if _family(f["library"]) & {fam}], cfg.max_refits // 2)}
            for e in chosen.values():
                if pool and share.expired():
                    break
                expr = explicit(*e["pair"], symbols)
                fitted, cost, se = refit(expr, symbols, target)
                pruned = _prune(fitted, symbols, X, scale, e["threshold"])
                if pruned != fitted:
                    fitted, cost, se = refit(pruned, symbols, target)
                if not np.isfinite(cost) or _poles(fitted, symbols, X) or fitted == 0:
                    continue
                key = expression_key(tidy(fitted))
                entry = {"expr": tidy(fitted), "complexity": complexity(fitted), "mse": cost,
                         "library": e["library"], "rows": se}
                if key not in pool or cost < pool[key]["mse"]:
                    pool[key] = entry
            for entry in list(pool.values()) if not share.expired() else []:
                if entry["library"] == "rational":
                    for simpler in (_compact(entry, symbols, X, target), _cancelled(entry, symbols, target)):
                        if simpler is not None:
                            pool.setdefault(expression_key(simpler["expr"]), simpler)
            for simpler in simplification_steps(list(pool.values()), symbols, X, target) if not share.expired() else []:
                pool.setdefault(expression_key(simpler["expr"]), simpler)
            front = list({id(e): e for fam in FAMILIES for e in self._front(
                [e for e in pool.values() if _family(e["library"]) & {fam}], cfg.per_variable)}.values())
            if not front:
                return []
            self.fronts_[var] = front
            errors[var] = float(np.mean(target.y**2))
        self.facts_ = {"highest_degree": max(cfg.polynomial_degrees, default=3), "screening": screened}
        return self._assemble(samples.names, errors, cfg.tolerances)

    @staticmethod
    def _implicit_denominators(N, D, y) -> list[np.ndarray]:
        """Denominator coefficients ``b`` proposed by the implicit regression (SINDy-PI) along its
        backward-elimination path, the three that fit best explicitly (positive denominators only)."""
        Dy = -y[:, None] * D
        M = np.hstack([N, Dy])
        m_scale = _rms(M)
        R, q = _compress(M / m_scale, y[:, None])
        forced = np.arange(M.shape[1]) >= N.shape[1]
        found = []
        for support in _backward(R, q[:, 0], forced):
            cols = np.flatnonzero(support | forced)
            coef = np.linalg.lstsq(R[:, cols], q[:, 0], rcond=None)[0] / m_scale[cols]
            b = coef[-D.shape[1]:]
            dval = 1 + D @ b
            if dval.min() > 1e-3 * np.abs(dval).max():
                found.append((float(np.mean((N[:, cols[:-D.shape[1]]] @ coef[:-D.shape[1]] / dval - y) ** 2)), b))
        return [b for _, b in sorted(found, key=lambda f: f[0])[:3]]

    def _supports(self, N, D, y, num, den, base) -> list[dict]:
        """The best support of each size without a pole on the data: ``pair`` (numerator,
        denominator), ``size`` (number of coefficients), ``mse`` (explicit form).

        With the denominator ``1 + b·t`` fixed, ``y = q(x) / (1 + b·t)`` is linear in the
        numerator's coefficients with no noisy regressor; ``b`` runs over a logarithmic grid
        (:attr:`ImplicitConfig.grid`) and over the values the implicit regression proposes
        (the only ones tried for a two-term denominator). Supports come from backward
        elimination (:func:`_backward`) of the numerator's terms."""
        cfg = self.settings_
        if D.shape[1] == 0:
            grid = [np.zeros(0)]
        else:
            grid = self._implicit_denominators(N, D, y)
            if D.shape[1] == 1:
                grid += [np.array([g / float(_rms(D)[0])]) for g in np.geomspace(0.05, 20.0, cfg.grid)]
        y_scale = float(_rms(y[:, None])[0])
        nb = len(base)
        # the remainder over the denominator is proper: no monomial that a denominator term divides
        # (t/(1 + b·t) is a combination of 1 and 1/(1 + b·t), which would make the columns dependent)
        proper = [k for k, m in enumerate(base) if not any(sp.fraction(sp.cancel(m / t))[1] == 1 for t in den)]
        best: dict[int, dict] = {}

        def scan(b):
            dval = 1 + D @ b if D.shape[1] else np.ones_like(y)
            if dval.min() <= 1e-3 * np.abs(dval).max():
                return  # a pole on the data (or a denominator of the wrong sign)
            # explicit form for this denominator: polynomial part + (polynomial remainder) / denominator
            A = np.hstack([N[:, :nb], N[:, proper] / dval[:, None]]) if D.shape[1] else N
            a_scale = _rms(A)
            R, q = _compress(A / a_scale, (y / y_scale)[:, None])
            for support in _backward(R, q[:, 0], np.zeros(A.shape[1], dtype=bool)):
                idx = np.flatnonzero(support)
                if idx.size + D.shape[1] > cfg.max_terms:
                    continue
                a = np.linalg.lstsq(R[:, idx], q[:, 0], rcond=None)[0] * y_scale / a_scale[idx]
                mse = float(np.mean((A[:, idx] @ a - y) ** 2))
                size = idx.size + D.shape[1]
                # the two best supports of each size (ties between near-equivalent forms are
                # common under noise; the refit on the data and held-out data decide)
                kept = [k for k in best.get(size, []) if not np.array_equal(k["idx"], idx)]
                other = [k for k in best.get(size, []) if np.array_equal(k["idx"], idx)]
                mine = min(other + [{"idx": idx, "b": b, "mse": mse}], key=lambda k: k["mse"])
                best[size] = sorted(kept + [mine], key=lambda k: k["mse"])[:2]

        for b in grid:
            scan(b)
        if D.shape[1] == 1 and cfg.rescan:
            # The elimination path depends on b, which the grid only brackets: off the true value,
            # a spurious column compensates and a true one is dropped. The path is walked again at
            # the refined b of each size's best support.
            again = {float(f"{_refine(N, proper, nb, D[:, 0], y, es[0]['idx'], float(es[0]['b'][0]))[0][0]:.4g}")
                     for es in list(best.values())}
            for b in sorted(again - {float(f"{g[0]:.4g}") for g in grid}):
                scan(np.array([b]))
        out = []
        for size, e in ((size, e) for size, es in best.items() for e in es):
            idx, b = e["idx"], e["b"]
            if D.shape[1] == 1:  # the grid is coarse: refine the denominator's coefficient for this support
                b, e["mse"] = _refine(N, proper, nb, D[:, 0], y, idx, float(b[0]))
            a, _ = _explicit_fit(N, proper, nb, D, y, idx, b)
            if D.shape[1]:
                poly = sum((float(c) * num[k] for c, k in zip(a, idx) if k < nb), sp.Integer(0))
                rest = sum((float(c) * num[proper[k - nb]] for c, k in zip(a, idx) if k >= nb), sp.Integer(0))
                denom = 1 + sum((float(c) * t for c, t in zip(b, den)), sp.Integer(0))
                pair = (poly * denom + rest, denom)
            else:
                pair = (sum((float(c) * num[k] for c, k in zip(a, idx)), sp.Integer(0)), sp.Integer(1))
            out.append({"pair": pair, "threshold": cfg.prune, "size": size, "mse": e["mse"]})
        return out

    @staticmethod
    def _front(entries: list[dict], keep: int, size: str = "complexity") -> list[dict]:
        """Entries that beat every simpler one (``size`` against ``mse``), at most ``keep``
        (the simplest, and the most accurate)."""
        out, floor = [], np.inf
        for e in sorted(entries, key=lambda e: (e[size], e["mse"])):
            if e["mse"] < floor * (1 - 1e-3):
                out.append(e)
                floor = e["mse"]
        return out[:keep] if len(out) <= keep else out[:keep - 1] + [out[-1]]

    def _assemble(self, names, errors: dict, tolerances) -> list[Candidate]:
        """System candidates: per family of libraries, each variable's simplest formula within
        each tolerance of its best, and every combination of these choices across variables
        (at most ``max_systems``, simplest first). The families are kept apart, so that a
        high-degree polynomial that chases the derivative estimate's errors does not hide a
        rational formula from selection, which judges both on held-out data."""
        from itertools import product

        combos = {}
        for fam in FAMILIES:
            choices = []
            for name in names:
                front = [e for e in self.fronts_[name] if _family(e["library"]) & {fam}]
                best = min(e["mse"] for e in front)
                picks = {}
                for tol in tolerances:
                    ok = [e for e in front if e["mse"] <= best * (1 + tol) + 1e-10 * errors[name]]
                    pick = min(ok, key=lambda e: (e["complexity"], e["mse"]))
                    picks[sp.srepr(pick["expr"])] = pick
                choices.append(list(picks.values()))
            for combo in product(*choices):
                key = tuple(sp.srepr(e["expr"]) for e in combo)
                combos.setdefault(key, combo)
        ranked = sorted(combos.values(), key=lambda c: (sum(e["complexity"] for e in c), sum(e["mse"] for e in c)))
        out = []
        for combo in ranked[: self.settings_.max_systems]:
            eqs = {n: e["expr"] for n, e in zip(names, combo)}
            settings = {"library": " + ".join(sorted({e["library"] for e in combo})),
                        "coefficients": "refitted on the data by nonlinear least squares"}
            out.append(Candidate(eqs, self.name, settings, uncertainty={n: e["rows"] for n, e in zip(names, combo)}))
        return out
