"""SINDy distiller: sparse regression on a polynomial library, sparsity chosen for the user.

Brunton, Proctor & Kutz, "Discovering governing equations from data by sparse identification
of nonlinear dynamical systems", PNAS 2016; weak form after Messenger & Bortz, 2021. The
library and the sequentially thresholded least squares come from pysindy. The user never
guesses a threshold: every library degree and a path of thresholds is swept, each distinct
sparsity pattern becomes a candidate, the Pareto front of fit error against number of terms
is passed to selection (which simulates each on held-out data), and bootstrap refits give
each term an inclusion probability (ensemble SINDy, Fasel et al., Proc. R. Soc. A 2022).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
import sympy as sp

from discover.core import budget
from discover.core.candidates import Candidate, tidy
from discover.core.expressions import identifiers, parse_expression, safe_lambdify
from discover.core.registry import setting
from discover.data.samples import Samples
from discover.distillers.base import BaseDistiller, register
from discover.distillers.bootstrap import TermBootstrap
from discover.distillers.sparse_fit import best_subsets as _best_subsets
from discover.distillers.sparse_fit import compress as _compress
from discover.distillers.sparse_fit import rms as _rms
from discover.distillers.sparse_fit import stlsq as _stlsq

KNEE = 2.0  # the front's knee: its simplest member whose fit error is within this factor of its best


@dataclass(frozen=True)
class SindyConfig:
    """Search settings of the SINDy distiller.

    Attributes
    ----------
    degrees : tuple of int
        Polynomial library degrees to sweep.
    thresholds : tuple of float
        Thresholds on normalised coefficients: a term is kept when its typical
        contribution is at least this fraction of the derivative's RMS.
    forms : tuple of str
        ``"strong"`` (estimated derivatives) and/or ``"weak"`` (integral form).
    max_candidates : int
        Size of the Pareto front handed to selection.
    bootstrap : int
        Bootstrap refits for term inclusion probabilities.
    max_rows : int
        Rows used for the strong form (evenly subsampled beyond this).
    max_features : int
        Highest library size; degrees that exceed it are skipped.
    ridge : float
        Ridge weight of the thresholding iterations, relative to the columns' squared norm.
    extra_terms : tuple of sympy.Expr
        Functions added to every polynomial library (expressions in the states' symbols,
        ``sympy.Symbol(name)``; never text).
    best_subset : int
        Per equation, every support of up to this many terms is also tried exhaustively
        (libraries of at most ``best_subset_features`` terms): thresholding walks one path and
        misses the right support when library columns are nearly collinear along the data
        (a single short run), where the best subset of a given size does not.
    """

    degrees: tuple[int, ...] = setting((1, 2, 3), bounds=(1, 10), nonempty=True)
    thresholds: tuple[float, ...] = setting(tuple(np.geomspace(1e-3, 1.0, 25)), bounds=(0.0, 100.0), nonempty=True)
    forms: tuple[str, ...] = setting(("strong", "weak"), choices=("strong", "weak"), nonempty=True)
    max_candidates: int = setting(12, bounds=(1, 1000))
    bootstrap: int = setting(24, bounds=(0, 1000))
    max_rows: int = setting(20000, bounds=(10, 10_000_000))
    max_features: int = setting(120, bounds=(1, 5000))
    ridge: float = setting(1e-5, bounds=(0.0, 1e6))
    extra_terms: tuple = ()
    best_subset: int = setting(3, bounds=(0, 6))
    best_subset_features: int = setting(20, bounds=(0, 40))


class _Library:
    """pysindy's polynomial library, plus optional extra functions given as sympy expressions
    (terms symbolic regression found outside the polynomials). Extras that are not finite
    on the data (log of a negative state, a pole), or that hold another symbol, are left out.

    The terms are built from pysindy's ``powers_`` on the states' symbols, never from its
    feature names (text holding the data's column names)."""

    def __init__(self, degree: int, names, extra: tuple, X: np.ndarray):
        import pysindy as ps

        symbols = [sp.Symbol(v) for v in names]
        self.poly = ps.PolynomialLibrary(degree=degree, include_bias=True)
        self.poly.fit(X[:10])
        self.terms = [sp.Mul(*[s**int(p) for s, p in zip(symbols, row)]) for row in self.poly.powers_]
        self.extra = []
        for expr in extra:
            if not isinstance(expr, sp.Expr) or not expr.free_symbols <= set(symbols):
                continue
            fn = safe_lambdify(symbols, expr, "numpy")
            with np.errstate(all="ignore"):
                col = np.broadcast_to(np.asarray(fn(*X.T), dtype=float), (X.shape[0],))
            if np.all(np.isfinite(col)) and expr not in self.terms:
                self.terms.append(expr)
                self.extra.append(fn)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        cols = [np.asarray(self.poly.transform(X))]
        with np.errstate(all="ignore"):
            cols += [np.broadcast_to(np.asarray(f(*X.T), dtype=float), (X.shape[0],))[:, None] for f in self.extra]
        return np.hstack(cols)


def _extra_terms(cfg: SindyConfig, samples: Samples) -> tuple:
    """The configured extra terms (text from a ``[sindy]`` table is read by the restricted parser)
    and the terms the samples offer."""
    table = {ident: sp.Symbol(label) for label, ident in identifiers(samples.variables()[1]).items()}
    own = tuple(t if isinstance(t, sp.Basic) else parse_expression(str(t), table, "[sindy] extra_terms")
                for t in cfg.extra_terms)
    return own + tuple(samples.library_terms)


def _extras_note(cfg: SindyConfig, samples: Samples) -> str:
    """How the report names the library's extra functions."""
    if samples.library_terms:
        return f" + {samples.library_source or 'extra terms'}"
    return " + extra terms" if cfg.extra_terms else ""


@register
class SINDy(BaseDistiller):
    """Sparse regression over polynomial libraries with an automatic sparsity sweep.

    Parameters
    ----------
    config : SindyConfig, optional

    Attributes
    ----------
    candidates_ : list of Candidate
        The Pareto front (number of terms against training fit error), simplest first.
    """

    name = "sindy"
    Settings = SindyConfig

    def _problems(self, samples: Samples, lib: "_Library", rows: np.ndarray):
        """Regression problems (A, b) for each form."""
        out = {}
        cfg = self.settings_
        if "strong" in cfg.forms:
            out["strong"] = (lib(samples.variables()[0][rows]), samples.derivatives[rows])
        if "weak" in cfg.forms and samples.weak is not None and samples.raw_states is not None:
            Theta_w = samples.weak.project_rows(lib, samples.raw_variables())
            if Theta_w.shape[0] > Theta_w.shape[1] and np.all(np.isfinite(Theta_w)):
                out["weak"] = (Theta_w, samples.weak.targets)
        return out

    def _distill(self, samples: Samples, rng: np.random.Generator) -> list[Candidate]:
        cfg = self.settings_
        # With measured inputs the library spans states and inputs together (SINDYc: Brunton,
        # Proctor & Kutz, IFAC 2016): inputs, their products with the states, no equation for them.
        V, variables = samples.variables()
        n, d = V.shape
        rows = np.unique(np.linspace(0, n - 1, min(n, cfg.max_rows)).astype(int))
        # Yardstick shared by every candidate: fit to the (strong-form) derivative estimate.
        Xe, Ye = V[rows], samples.derivatives[rows]
        y_scale = _rms(Ye)
        found: dict[tuple, dict] = {}
        for degree in cfg.degrees:
            if comb(d + degree, degree) > cfg.max_features:
                continue
            if found and budget.expired():
                break  # the time budget's share is spent: the lower degrees' candidates stand
            lib = _Library(degree, variables, _extra_terms(cfg, samples), V)
            problems = self._problems(samples, lib, rows)
            terms = lib.terms
            Theta_e = lib(Xe)
            for form, (A, b) in problems.items():
                a_scale, b_scale = _rms(A), _rms(b)
                An, bn = A / a_scale, b / b_scale
                Rn, qb = _compress(An, bn)
                sweep = [(thr, _stlsq(Rn, qb, thr, alpha=cfg.ridge), None) for thr in cfg.thresholds]
                if cfg.best_subset and len(terms) <= cfg.best_subset_features:
                    per_eq = _best_subsets(Rn, qb, cfg.best_subset)
                    for ks in np.ndindex(*[len(b_) for b_ in per_eq]):
                        cn = np.stack([per_eq[j][k] for j, k in enumerate(ks)])
                        # the threshold at which thresholding would keep exactly these terms; found by
                        # the best-subset search, so its bootstrap reruns that search (sizes per equation)
                        sweep.append((float(np.min(np.abs(cn[cn != 0]))) * 0.999, cn, tuple(k + 1 for k in ks)))
                for thr, cn, sizes in sweep:
                    coef = cn * b_scale[:, None] / a_scale[None, :]
                    support = coef != 0
                    if not support.any(axis=1).all():
                        continue  # an equation with no term at all
                    key = (form, support.tobytes(), support.shape)
                    if key in found:
                        continue
                    resid = (Theta_e @ coef.T - Ye) / y_scale
                    own = (A @ coef.T - b) / b_scale
                    found[key] = {
                        "own_error": float(np.mean(own**2)),
                        "coef": coef,
                        "terms": terms,
                        "degree": degree,
                        "form": form,
                        "threshold": float(thr),
                        "subset_sizes": sizes,
                        "n_terms": int(support.sum()),
                        "error": float(np.mean(resid**2)),
                        "problem": (An, bn, a_scale, b_scale),
                        "ridge": cfg.ridge,
                    }
        front = self._pareto(list(found.values()), cfg.max_candidates)
        self.facts_ = {"highest_degree": max(cfg.degrees)}
        candidates = []
        boot = TermBootstrap(rng, cfg.bootstrap)
        for entry in front:
            eqs = {
                v: tidy(sum((c * t for c, t in zip(entry["coef"][i], entry["terms"]) if c != 0), sp.Integer(0)))
                for i, v in enumerate(samples.names)
            }
            conf = boot.probabilities(entry, samples.names)
            settings = {
                "library": f"polynomial degree {entry['degree']}" + _extras_note(cfg, samples),
                "threshold": round(entry["threshold"], 5),
                "form": entry["form"],
                "train_error": entry["error"],
            }
            candidates.append(Candidate(eqs, self.name, settings, conf))
        return candidates

    @staticmethod
    def _pareto(entries: list[dict], limit: int) -> list[dict]:
        """The Pareto front of each form (fit error on its own problem against number of terms).

        For each number of terms the best fit is kept, then only sizes that improve on every
        simpler one. The forms are judged separately because their errors are not on one scale.
        """
        front = []
        for form in sorted({e["form"] for e in entries}):
            best: dict[int, dict] = {}
            for e in entries:
                # a tie (the same support found in two libraries: the same fit up to rounding) goes
                # to the entry found first, in the smaller library, not to the last bit of rounding
                if e["form"] == form and (e["n_terms"] not in best
                                          or e["own_error"] < best[e["n_terms"]]["own_error"] * (1 - 1e-9)):
                    best[e["n_terms"]] = e
            steps, floor = [], np.inf
            for k in sorted(best):
                if best[k]["own_error"] < floor * (1 - 1e-3):
                    steps.append(best[k])
                    floor = best[k]["own_error"]
            # Keep the simplest members: past the knee, more terms only chase noise.
            kept = steps[: max(1, limit // 2)]
            # ... and the knee itself, the simplest member within a factor KNEE of the best fit,
            # when it lies beyond them (a system of many variables needs many terms: Lorenz-96
            # with 5 states has 20, its front 18 members). Without it, the exact model never
            # reaches selection and symbolic regression is called to find what SINDy had.
            if steps:
                knee = next((e for e in steps if e["own_error"] <= KNEE * steps[-1]["own_error"]), steps[-1])
                kept += [knee] if all(knee is not e for e in kept) else []
            front += kept
        return sorted(front, key=lambda e: (e["n_terms"], e["error"]))
