"""Units distiller: sparse linear terms plus nonlinear units of linear combinations of the states.

Two kinds of right-hand side are neither sparse polynomials nor rational functions, and the
polynomial and implicit (SINDy-PI) libraries cannot write them:

* a sigmoid of a weighted sum of the states, ``b / (1 + exp(-(w·x + c)))`` (firing rates of
  neural populations, Wilson & Cowan, Biophys. J. 12, 1972; switch-like gene regulation).
  The weights ``w`` and the threshold ``c`` enter nonlinearly, so they cannot be a library's
  columns. Each equation is fitted as sparse linear terms ``1, x_1, ..., x_d`` plus one or two
  logistic units by variable projection (Golub & Pereyra, SIAM J. Numer. Anal. 10, 1973): for
  given unit parameters the linear coefficients are a least-squares solve, and
  :func:`scipy.optimize.least_squares` searches the unit parameters only, from several seeded
  starts (the problem is a one-hidden-layer network's, with its local minima). The linear
  terms are then thinned by backward elimination with the units held, as projection pursuit
  regression does (Friedman & Stuetzle, JASA 76, 1981). A ``tanh`` unit is the same family
  (``tanh(z) = 2σ(2z) - 1``): it is found as a logistic unit with a constant term.
* trigonometric functions of the states, of their sums and differences, and products of a
  state's sine and cosine (coupled phase oscillators, Kuramoto 1975: ``sin(b - a)``; a bead on
  a rotating hoop, Strogatz sec. 3.5: ``sin(phi)·cos(phi)``). These have integer weights, so
  they are a fixed library, searched by SINDy's exhaustive best subsets.

Every formula found has all its constants refitted on the data by nonlinear least squares,
on the weak form where the data give one (:mod:`discover.distillers.nls`). A sigmoid's gain
and threshold are rates, not counts, and are not snapped to integers. Per variable, the
simplest formulas on the Pareto front of error against complexity are assembled into system
candidates, and the held-out selection judges them beside every other method's.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product
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
from discover.distillers.rational_forms import _backward, _columns, _prune
from discover.distillers.sparse_fit import compress as _compress
from discover.distillers.sparse_fit import rms as _rms

#: Largest number of supports of one size searched exhaustively in the trigonometric library.
MAX_SUBSETS = 20000
#: Up to this many linear terms beside the units, every subset of them is tried (else backward elimination).
MAX_EXHAUSTIVE = 5
#: Supports of each size taken from the trigonometric library (the best and its runners-up).
TOP_SUPPORTS = 3


@dataclass(frozen=True)
class UnitsConfig:
    """Settings of the units distiller.

    Attributes
    ----------
    max_units : int
        Sigmoid units per equation (1 to this).
    starts : int
        Seeded starts of the nonlinear search per number of units.
    max_nfev : int
        Evaluations allowed to each start of the nonlinear search.
    trig : bool
        Whether the trigonometric library is searched.
    trig_terms : int
        Largest support searched in the trigonometric library (exhaustively).
    max_states : int
        Systems with more states are skipped (the nonlinear search and the library grow with them).
    max_rows : int
        Samples used for the searches (evenly subsampled beyond this).
    prune : float
        After a refit, terms contributing less than this fraction of the derivative's RMS are dropped.
    per_variable : int
        Formulas per variable kept from the Pareto front.
    tolerances : tuple of float
        Relative error increases over each variable's best formula at which the simplest
        formula is taken to build system candidates.
    max_systems : int
        System candidates handed to selection (the simplest combinations first).
    max_refits : int
        Formulas per variable whose constants are refitted on the data (the front's simplest
        and its most accurate).
    """

    max_units: int = setting(2, bounds=(1, 5))
    starts: int = setting(8, bounds=(1, 1000))
    max_nfev: int = setting(200, bounds=(1, 1_000_000))
    trig: bool = True
    trig_terms: int = setting(4, bounds=(1, 6))
    max_states: int = setting(4, bounds=(1, 10))
    max_rows: int = setting(1500, bounds=(10, 10_000_000))
    prune: float = setting(0.002, bounds=(0.0, 1.0))
    per_variable: int = setting(5, bounds=(1, 1000))
    tolerances: tuple[float, ...] = setting((0.0, 0.05, 0.2, 1.0), bounds=(0.0, 1000.0), nonempty=True)
    max_systems: int = setting(12, bounds=(1, 10_000))
    max_refits: int = setting(8, bounds=(1, 1000))


def trig_library(symbols) -> list:
    """``1``, the states, and the trigonometric family: ``sin``, ``cos`` and ``sin·cos`` of each
    state, ``sin`` and ``cos`` of each pairwise difference and sum."""
    out = [sp.Integer(1), *symbols]
    for s in symbols:
        out += [sp.sin(s), sp.cos(s), sp.sin(s) * sp.cos(s)]
    for a, b in combinations(symbols, 2):
        out += [sp.sin(a - b), sp.cos(a - b), sp.sin(a + b), sp.cos(a + b)]
    return out


TRIG, SIGMOID, LINEAR = "trigonometric", "sigmoid units", "linear"
#: Formulas are judged in two families, each with the linear formulas.
FAMILIES = (TRIG, SIGMOID)


def _kind(expr: sp.Expr) -> str:
    if expr.atoms(sp.exp):
        return SIGMOID
    return TRIG if expr.atoms(sp.sin, sp.cos) else LINEAR


def _pole(expr: sp.Expr, symbols, X) -> bool:
    """Whether a denominator of ``expr`` changes sign or nearly vanishes on the data (a unit's
    denominator ``1 + a·exp(z)`` spans orders of magnitude without a pole)."""
    for p in expr.atoms(sp.Pow):
        if p.exp.is_number and p.exp < 0 and p.base.free_symbols:
            v = _columns([p.base], symbols, X)[:, 0]
            if not np.all(np.isfinite(v)) or v.min() * v.max() <= 0 or np.min(np.abs(v)) < 1e-9 * np.max(np.abs(v)):
                return True
    return False


def _top_supports(R: np.ndarray, q: np.ndarray, k_max: int, m: int) -> list[np.ndarray]:
    """The ``m`` best supports of each size up to ``k_max`` on a compressed least-squares problem.

    As SINDy's best-subset search (one stacked SVD per size gives every support's residual),
    but keeping the runners-up: under noise, near-equivalent supports (``phi`` against
    ``sin(phi)`` on a short arc) fit within a hair of each other, and the refit on the weak
    form and held-out data should judge them, not the derivative estimates alone."""
    p = R.shape[1]
    out = []
    for k in range(1, min(k_max, p) + 1):
        subs = np.array(list(combinations(range(p), k)))
        U, s, _ = np.linalg.svd(R[:, subs].transpose(1, 0, 2), full_matrices=False)
        U = U * (s > np.finfo(float).eps * max(R.shape[0], k) * s[:, :1])[:, None, :]
        errs = np.sum(((U @ (U.transpose(0, 2, 1) @ q[:, None]))[..., 0] - q[None]) ** 2, axis=1)
        out += [subs[j] for j in np.argsort(errs, kind="stable")[:m]]
    return out


def _logistic(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # 1/(1 + exp(-z)) without overflow


def fit_units(Z: np.ndarray, y: np.ndarray, k: int, rng: np.random.Generator, starts: int, max_nfev: int):
    """Unit parameters of ``y ≈ [1, Z] a + Σ_j b_j σ(Z w_j + c_j)`` by variable projection.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_states)
        Standardised states.
    y : ndarray of shape (n_samples,)
    k : int
        Number of logistic units.

    Returns
    -------
    theta : ndarray of shape (k, n_states + 1)
        Per unit, its weights and offset (on the standardised states).
    mse : float
    """
    from scipy.optimize import least_squares

    n, d = Z.shape
    base = np.column_stack([np.ones(n), Z])

    def residual(theta):
        T = theta.reshape(k, d + 1)
        A = np.hstack([base, _logistic(Z @ T[:, :d].T + T[:, d])])
        return A @ np.linalg.lstsq(A, y, rcond=None)[0] - y

    best, best_cost = None, np.inf
    for _ in range(starts):
        theta0 = rng.normal(0.0, 2.0, k * (d + 1))
        try:
            sol = least_squares(residual, theta0, method="trf", max_nfev=max_nfev)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(sol.cost) and sol.cost < best_cost:
            best, best_cost = sol.x.reshape(k, d + 1), sol.cost
    return best, 2 * best_cost / n


def _unit_exprs(theta, symbols, mean, scale) -> list:
    """The logistic units as expressions on the original states (weights rescaled, offset shifted)."""
    out = []
    for row in theta:
        w = row[:-1] / scale
        c = row[-1] - float(w @ mean)
        z = sum((float(wj) * s for wj, s in zip(w, symbols)), sp.Float(c))
        out.append(1 / (1 + sp.exp(-z)))
    return out


@register
class Units(BaseDistiller):
    """Sparse linear terms plus fitted sigmoid units, and a trigonometric library, per equation.

    Attributes
    ----------
    candidates_ : list of Candidate
    fronts_ : dict of str to list of dict
        Per variable, the Pareto front of refitted formulas: ``expr``, ``complexity``, ``mse``.
    """

    name = "units"
    Settings = UnitsConfig

    def _distill(self, samples: Samples, rng: np.random.Generator) -> list[Candidate]:
        cfg = self.settings_
        n, d = samples.states.shape
        if samples.input_names or d > cfg.max_states:
            why = "measured inputs" if samples.input_names else f"more than {cfg.max_states} states"
            self.facts_ = {"skipped": f"{why}: the units search models a few states only"}
            return []
        rows = np.unique(np.linspace(0, n - 1, min(n, cfg.max_rows)).astype(int))
        X, Y = samples.states[rows], samples.derivatives[rows]
        symbols = [sp.Symbol(v) for v in samples.names]
        mean, scale = X.mean(axis=0), _rms(X - X.mean(axis=0))
        Z = (X - mean) / scale
        trig = trig_library(symbols) if cfg.trig else []
        T = _columns(trig, symbols, X) if trig else None
        weak = None  # the library's integral (weak) form, where the data give one: it resists noise
        if trig and samples.weak is not None and samples.raw_states is not None:
            Tw = samples.weak.project(_columns(trig, symbols, samples.raw_states))
            if Tw.shape[0] > Tw.shape[1] and np.all(np.isfinite(Tw)):
                weak = (Tw, samples.weak.targets)
        self.fronts_, errors = {}, {}
        for i, var in enumerate(samples.names):
            share = budget.current().part(d - i)  # the time budget: an equal part of what is left per equation
            target = targets(samples, i)
            y = Y[:, i]
            yscale = float(_rms(y[:, None])[0])
            proposals = self._trig_supports(T, trig, y, weak and (weak[0], weak[1][:, i])) if trig else []
            for k in range(1, cfg.max_units + 1):
                if proposals and share.expired():
                    break
                theta, _ = fit_units(Z, y, k, rng, cfg.starts, cfg.max_nfev)
                if theta is not None:
                    proposals += self._unit_supports(theta, Z, y, symbols, mean, scale)
            # each refit is a nonlinear least-squares problem on the weak form: only the proposals
            # on each family's front of error against complexity (on the derivative estimates) are
            # refitted; the families are kept apart so that a Taylor-like trigonometric fit does not
            # hide a sigmoid from selection, which judges both on held-out data
            for e in proposals:
                e["complexity"], e["library"] = complexity(e["expr"]), _kind(e["expr"])
            pool: dict[str, dict] = {}
            cheap = [e for e in proposals if e["library"] != SIGMOID]  # linear in their coefficients
            costly = [e for e in self._family_fronts(proposals, cfg.max_refits // len(FAMILIES), runners_up=True)
                      if e["library"] == SIGMOID]
            for e in cheap + costly:
                if pool and share.expired():
                    break
                fitted, cost, se = refit(e["expr"], symbols, target, snap=e["snap"])
                pruned = _prune(fitted, symbols, X, yscale, cfg.prune)
                if pruned != fitted and pruned != 0:
                    fitted, cost, se = refit(pruned, symbols, target, snap=e["snap"])
                if not np.isfinite(cost) or fitted == 0 or _pole(fitted, symbols, X):
                    continue
                expr = tidy(fitted)
                key = expression_key(expr)
                if key not in pool or cost < pool[key]["mse"]:
                    pool[key] = {"expr": expr, "complexity": complexity(expr), "mse": cost, "rows": se,
                                 "library": _kind(expr)}
            front = self._family_fronts(list(pool.values()), cfg.per_variable)
            if not front:
                return []
            self.fronts_[var] = front
            errors[var] = float(np.mean(target.y**2))
        self.facts_ = {"sigmoid_units": cfg.max_units, "trigonometric_terms": len(trig)}
        return self._assemble(samples.names, errors)

    def _trig_supports(self, T: np.ndarray, terms: list, y: np.ndarray, weak=None) -> list:
        """The best support of each size up to ``trig_terms`` in the trigonometric library, on
        the derivative estimates and on the weak form (``weak``: its library and target); each
        support's coefficients and error are then taken on the derivative estimates, so that
        proposals compare on one scale."""
        # exhaustive search costs C(p, k) small solves: the support size is cut to keep it bounded
        k = max((k for k in range(1, self.settings_.trig_terms + 1) if comb(T.shape[1], k) <= MAX_SUBSETS), default=1)
        supports = {}
        for A, b in [(T, y)] + ([weak] if weak is not None else []):
            a_scale, b_scale = _rms(A), float(_rms(b[:, None])[0])
            R, q = _compress(A / a_scale, (b / b_scale)[:, None])
            for idx in _top_supports(R, q[:, 0], k, TOP_SUPPORTS):
                supports[idx.tobytes()] = idx
        out = []
        for idx in supports.values():
            c = np.linalg.lstsq(T[:, idx], y, rcond=None)[0]
            expr = sum((float(v) * terms[j] for v, j in zip(c, idx)), sp.Integer(0))
            out.append({"expr": expr, "mse": float(np.mean((T[:, idx] @ c - y) ** 2)), "snap": True})
        return out

    def _unit_supports(self, theta, Z, y, symbols, mean, scale) -> list:
        """Formulas with the units held and the linear terms thinned by backward elimination.

        A unit and its mirror image are the same fit once a constant term is free
        (``σ(-z) = 1 - σ(z)``) but not once it is dropped, so each orientation of the units is
        tried: the one that needs no constant is the simpler formula."""
        d = Z.shape[1]
        out = []
        for signs in product((1.0, -1.0), repeat=len(theta)):
            th = theta * np.array(signs)[:, None]
            units = _logistic(Z @ th[:, :d].T + th[:, d])
            A = np.hstack([np.ones((len(y), 1)), Z * scale + mean, units])  # linear terms on the original states
            exprs = [sp.Integer(1), *symbols, *_unit_exprs(th, symbols, mean, scale)]
            forced = np.arange(A.shape[1]) >= d + 1
            a_scale = _rms(A)
            R, q = _compress(A / a_scale, y[:, None])
            if d + 1 <= MAX_EXHAUSTIVE:  # few linear terms: every subset of them
                supports = [np.isin(np.arange(A.shape[1]), sub) for k in range(d + 2)
                            for sub in combinations(range(d + 1), k)]
            else:
                supports = _backward(R, q[:, 0], forced) + [np.zeros(A.shape[1], dtype=bool)]
            for support in supports:
                idx = np.flatnonzero(support | forced)
                c = np.linalg.lstsq(A[:, idx], y, rcond=None)[0]
                expr = sum((float(v) * exprs[j] for v, j in zip(c, idx)), sp.Integer(0))
                out.append({"expr": expr, "mse": float(np.mean((A[:, idx] @ c - y) ** 2)), "snap": False})
        return out

    def _family_fronts(self, entries: list[dict], keep: int, runners_up: bool = False) -> list[dict]:
        """The union of each family's front (formulas of the family or linear ones); with
        ``runners_up``, each member's runner-up of the same complexity within a factor 2 of its
        error too (under noise, ``-E + σ`` and ``-I + σ`` fit the derivative estimates nearly
        alike when E and I move together; the refit on the weak form tells them apart)."""
        out = {}
        for fam in FAMILIES:
            mine = [e for e in entries if e["library"] in (fam, LINEAR)]
            for e in self._front(mine, keep):
                out[id(e)] = e
                if runners_up:
                    same = sorted((o for o in mine if o["complexity"] == e["complexity"] and o is not e),
                                  key=lambda o: o["mse"])
                    if same and same[0]["mse"] <= 2 * e["mse"]:
                        out[id(same[0])] = same[0]
        return list(out.values())

    @staticmethod
    def _front(entries: list[dict], keep: int) -> list[dict]:
        """Entries that beat every simpler one (complexity against error), at most ``keep``
        (the simplest, and the most accurate)."""
        out, floor = [], np.inf
        for e in sorted(entries, key=lambda e: (e["complexity"], e["mse"])):
            if e["mse"] < floor * (1 - 1e-3):
                out.append(e)
                floor = e["mse"]
        return out[:keep] if len(out) <= keep else out[:keep - 1] + [out[-1]]

    def _assemble(self, names, errors: dict) -> list[Candidate]:
        """System candidates, per family: each variable's simplest formula (of the family, or
        linear) within each tolerance of its best, and every combination of these choices
        across variables (simplest first)."""
        combos = {}
        for fam in FAMILIES:
            choices = []
            for name in names:
                front = [e for e in self.fronts_[name] if e["library"] in (fam, LINEAR)]
                if not front:
                    break
                best = min(e["mse"] for e in front)
                picks = {}
                for tol in self.settings_.tolerances:
                    ok = [e for e in front if e["mse"] <= best * (1 + tol) + 1e-10 * errors[name]]
                    pick = min(ok, key=lambda e: (e["complexity"], e["mse"]))
                    picks[sp.srepr(pick["expr"])] = pick
                choices.append(list(picks.values()))
            else:
                ranked = sorted(product(*choices), key=lambda c: (sum(e["complexity"] for e in c),
                                                                   sum(e["mse"] for e in c)))
                for combo in ranked[: self.settings_.max_systems // len(FAMILIES)]:
                    combos.setdefault(tuple(sp.srepr(e["expr"]) for e in combo), combo)
        out = []
        for combo in combos.values():
            settings = {"library": " + ".join(sorted({e["library"] for e in combo})),
                        "coefficients": "refitted on the data by nonlinear least squares"}
            out.append(Candidate({n: e["expr"] for n, e in zip(names, combo)}, self.name, settings,
                                 uncertainty={n: e["rows"] for n, e in zip(names, combo)}))
        return out
