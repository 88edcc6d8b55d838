"""PROSE distiller: the shipped transformer proposes structures, refitted on the user's data.

The model (:mod:`discover.prose`) reads each run and writes ``beam`` systems; with a guess
(SINDy's pick under ``--methods sindy,prose``) it reads that too and may correct it. The
constants it writes are coarse (three digits, learned from few examples), so every proposal
is refitted on the (state, derivative) samples: linear least squares on the additive terms,
then, for terms with inner constants (``sin(k*x)``, ``1/(k + x)``), nonlinear least squares
on all constants from the refitted start. A second, pruned version drops terms whose removal
costs under 2% of the fit. Both go to the same held-out selection as every other candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from discover.core.candidates import Candidate, tidy
from discover.core.device import resolve_device
from discover.core.errors import ConfigError
from discover.core.expressions import safe_lambdify
from discover.core.registry import setting
from discover.core.structure import terms
from discover.data.samples import Samples
from discover.distillers.base import BaseDistiller, register
from discover.distillers.clean import mse, prune_terms, refit_terms


@dataclass(frozen=True)
class ProseConfig:
    """Settings of the PROSE distiller: beam width and weights file (None: the shipped one)."""

    beam: int = setting(8, bounds=(1, 256))
    weights: str | None = None


def refit_constants(expr, symbols, X, y):
    """All constants of ``expr`` by nonlinear least squares, from their current values
    (scipy's trust-region solver; kept only if the error does not grow)."""
    from scipy.optimize import least_squares

    floats = sorted(expr.atoms(sp.Float), key=sp.default_sort_key)
    if not floats:
        return expr
    params = [sp.Dummy(f"c{i}") for i in range(len(floats))]
    template = expr.xreplace(dict(zip(floats, params)))
    f = safe_lambdify([*params, *symbols], template, "numpy")

    def resid(c):
        with np.errstate(all="ignore"):
            r = np.broadcast_to(np.asarray(f(*c, *X.T), dtype=float), y.shape) - y
        return np.where(np.isfinite(r), r, 1e6)

    start = np.array([float(v) for v in floats])
    try:
        fit = least_squares(resid, start, method="trf", max_nfev=200 * len(start))
    except (ValueError, FloatingPointError):
        return expr
    if not np.all(np.isfinite(fit.x)) or np.mean(fit.fun**2) > np.mean(resid(start) ** 2):
        return expr
    return template.xreplace({p: sp.Float(float(v), 15) for p, v in zip(params, fit.x)})


def refit_expression(expr, symbols, X, y):
    """Coefficients of the terms by least squares, then every inner constant by nonlinear least squares."""
    expr = refit_terms(expr, symbols, X, y)
    nonlinear = any(a.has(*symbols) and a.atoms(sp.Float) for a in expr.atoms(sp.Function, sp.Pow)
                    if not (a.is_Pow and a.exp.is_Integer and a.exp > 0))
    return refit_constants(expr, symbols, X, y) if nonlinear else expr


@register
class Prose(BaseDistiller):
    """Structures proposed by the shipped PROSE transformer, refitted on the data."""

    name = "prose"
    # its transformer was trained on autonomous systems only: it reads no input signal
    supports_inputs = False
    Settings = ProseConfig
    guess_from = "sindy"

    def _distill(self, samples: Samples, rng: np.random.Generator) -> list[Candidate]:
        from discover.prose.propose import propose

        if not samples.trajectories:
            raise ConfigError("The prose distiller reads whole runs, and none were given; use it through "
                              "`discover run` or pass Samples(trajectories=...).")
        names = list(samples.names)
        symbols = [sp.Symbol(n) for n in names]
        guess = [samples.guess.equations[n] for n in names] if samples.guess is not None else None
        self.proposals_, self.facts_ = propose(samples.trajectories, names, guess, self.settings_.beam,
                                               self.settings_.weights, resolve_device(self.device))
        X, Y = samples.states, samples.derivatives
        out, seen = [], set()
        for p in self.proposals_:
            full, pruned = {}, {}
            for i, (n, e) in enumerate(zip(names, p.equations)):
                fitted = refit_expression(e, symbols, X, Y[:, i])
                full[n] = tidy(fitted)
                pruned[n] = tidy(prune_terms(fitted, symbols, X, Y[:, i]))
            for eqs, label in ((full, "refitted"), (pruned, "refitted and pruned")):
                if not all(np.isfinite(mse(eqs[n], symbols, X, Y[:, i])) for i, n in enumerate(names)):
                    continue
                c = Candidate(eqs, self.name, settings={
                    "window": p.window, "beam_rank": p.rank, "log_prob": round(p.log_prob, 2),
                    "constants": label, "guess": "SINDy's pick" if guess is not None else "none",
                })
                if c.key() not in seen:
                    seen.add(c.key())
                    out.append(c)
        for eqs, label in assembled(out, names, X, Y):
            c = Candidate(eqs, self.name, settings={"window": "all", "constants": "refitted",
                                                    "assembled": label, "guess": "SINDy's pick" if guess is not None else "none"})
            if c.key() not in seen:
                seen.add(c.key())
                out.append(c)
        return out


def bic(expr, symbols, X, y) -> float:
    n = len(y)
    return n * np.log(max(mse(expr, symbols, X, y), 1e-300)) + len(terms(expr)) * np.log(n)


def assembled(candidates: list[Candidate], names, X, Y) -> list[tuple[dict, str]]:
    """Two systems put together equation by equation from all the beam's proposals.

    A beam of whole systems rarely holds one whose every equation is right, even when each
    equation is right in some proposal; and equations are judged on their own derivative. So:

    - **best per equation**: for each variable, the proposed right-hand side with the lowest
      BIC on that variable's derivative;
    - **pooled terms**: for each variable, every term any proposal wrote, refitted together and
      pruned by backward elimination (the model narrows the library; the data choose in it).
    """
    if not candidates:
        return []
    symbols = [sp.Symbol(n) for n in names]
    best, pooled = {}, {}
    for i, n in enumerate(names):
        options = {c.equations[n] for c in candidates}
        refitted = {tidy(refit_terms(e, symbols, X, Y[:, i])) for e in options}  # (most are already)
        scored = [(b, e) for e in refitted if np.isfinite(b := bic(e, symbols, X, Y[:, i]))]
        if not scored:
            return []
        best[n] = min(scored, key=lambda be: (be[0], sp.default_sort_key(be[1])))[1]
        library = sorted({t for e in options for t in terms(e)}, key=sp.default_sort_key)
        union = refit_terms(sum(library, sp.Integer(0)), symbols, X, Y[:, i])
        pooled[n] = tidy(refit_expression(prune_terms(union, symbols, X, Y[:, i]), symbols, X, Y[:, i]))
    return [(best, "best proposed equation per variable (BIC)"), (pooled, "pooled proposed terms, pruned")]
