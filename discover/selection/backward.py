"""Dropping the pick's terms that the whole measured runs do not pay for (backward elimination by BIC).

Under noise the regressions keep small terms that fit the noise of the derivatives: at 5% noise
on ODEBench, Van der Pol came back with -0.01·x³ beside its exact terms and the FitzHugh-Nagumo
variant with -0.004·x². The held-out windows cannot see such a term (its effect is within their
noise), so selection keeps whatever the regression's threshold left.

The likelihood of the whole runs can (:mod:`~discover.selection.trajectory`): each term of the
pick, weakest first, is taken out and the rest refitted to every measured sample by multiple
shooting; the term goes when the structure without it has the lower Bayesian information
criterion, that is when it improves the fit by less than its price of log N. This is the
backward step of stepwise selection by an information criterion, applied to simulated
trajectories as Mangan et al. (Proc. R. Soc. A 2017) rank whole models. The constants of the
smaller structure are those of its output-error fit.

The work is bounded: at most :data:`MAX_TRIALS` trials, each within the judge's budget of right-hand-side
evaluations (:data:`WORK` in all); a trial whose fit does not finish is no evidence and the term stays.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.expressions import as_expr, safe_lambdify

#: Most terms tried out of the pick (weakest first).
MAX_TRIALS = 6
#: Right-hand-side evaluations the trials may use in all, beside what the judge spent on the candidates
#: (a fit that starts from the pick's constants less one term usually converges in a few thousand).
WORK = 60_000


def _weakness(best, names, states: np.ndarray) -> list[tuple[float, str, sp.Expr]]:
    """``(weakness, variable, term)`` (the term without its coefficient) of every term of every sum in ``best``'s right-hand sides, weakest first.

    The weakness is the term's coefficient over its standard error (from ``best.uncertainty``) where the
    refit gave one, else its share of the right-hand side's RMS over ``states`` times ten; a right-hand side
    of one term has nothing to drop."""
    symbols = [sp.Symbol(n) for n in names]
    rows = {v: rs for v, rs in (getattr(best, "uncertainty", None) or {}).items()}
    out = []
    for v in names:
        expr = as_expr(best.equations[v])
        args = sp.Add.make_args(expr)
        if len(args) < 2:
            continue
        total = _rms(expr, symbols, states)
        for a in args:
            coef, term = a.as_coeff_Mul()
            z = None
            for r in rows.get(v, ()):
                se, val = r.get("stderr"), r.get("value")
                if r.get("inner") or se is None or val is None or not se > 0 or not isinstance(r.get("term"), sp.Expr):
                    continue
                if r["term"] == term:
                    z = abs(float(val)) / float(se)
                    break
            if z is None:
                z = 10.0 * _rms(a, symbols, states) / total if total > 0 else float("inf")
            if np.isfinite(z):
                out.append((z, v, term))
    return sorted(out, key=lambda r: (r[0], r[1], str(r[2])))


def _rms(expr, symbols, states) -> float:
    with np.errstate(all="ignore"):
        v = np.broadcast_to(np.asarray(safe_lambdify([symbols], expr, "numpy")(states.T), dtype=float), (len(states),))
    v = v[np.isfinite(v)]
    return float(np.sqrt(np.mean(v ** 2))) if v.size else 0.0


def backward(best, judge, states: np.ndarray) -> dict | None:
    """The structure ``best`` becomes when the runs' BIC drops its terms one at a time (weakest first), and the
    smaller structures the runs cannot tell from it.

    Returns None when ``best`` could not be judged, else a record: ``equations`` (with the constants of their
    output-error fit; None when no term went), ``dropped`` (``variable``/``term`` of each), ``gain`` (the BIC
    saved), ``trials``, and ``close``: each structure with one term fewer than the final one whose BIC is
    higher by less than :data:`~discover.selection.trajectory.BIC_MARGIN` (``equations``, fitted; ``variable``,
    ``term``: the term it lacks; ``cost``: its BIC less the final one's; ``bic``). Those the runs do not reject:
    alternatives to weigh, not evidence for the term."""
    from discover.core.structure import shape
    from discover.selection.trajectory import BIC_MARGIN, with_constants

    names = judge.names
    base = judge.bic(best)
    if base is None:
        return None
    judge.grant(WORK)
    current = {n: as_expr(best.equations[n]) for n in names}
    fitted, bic, dropped, trials, near = None, base, [], 0, []
    for _, v, term in _weakness(best, names, states)[:MAX_TRIALS]:
        args = sp.Add.make_args(current[v])
        rest = [a for a in args if a.as_coeff_Mul()[1] != term]
        if not rest or len(rest) == len(args):
            continue
        trial = {**current, v: sp.Add(*rest)}
        trials += 1
        out = judge.fit(trial)
        if out is None or not out["complete"]:
            continue
        if out["bic"] < bic:
            current = fitted = with_constants(trial, names, out["values"])
            bic = out["bic"]
            dropped.append({"variable": v, "term": str(term)})
        elif out["bic"] < bic + BIC_MARGIN:
            near.append({"equations": with_constants(trial, names, out["values"]), "variable": v, "term": str(term),
                         "bic": out["bic"]})
    final = set(shape(current))
    close = [{**c, "cost": c["bic"] - bic} for c in near
             if set(shape(c["equations"])) < final and c["bic"] < bic + BIC_MARGIN]
    return {"equations": fitted, "dropped": dropped, "gain": float(base - bic), "trials": trials, "close": close}
