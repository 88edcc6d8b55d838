"""Simpler variants of a refitted rational formula, each entered on the implicit search's front.

The implicit regression (:mod:`discover.distillers.implicit`) fits derivative estimates, whose
smoothing bias small extra terms absorb: ``(-0.165·I·S - 0.0003·S² - 0.0006·S)/(I + 0.22)`` fits
them a little better than ``-0.16·I·S/(I + 0.2)``. Whether such a term is real is for held-out
data to judge, not for a fixed tolerance on the fit; so every step of the simplification is kept
as a candidate formula of its own, with its own refitted error and complexity, and the Pareto
front of error against complexity and then the held-out selection choose among them (as for
the sparsity of SINDy's fits). Two kinds of step:

* :func:`trimmed_denominator`: denominator terms that barely vary the denominator over the data
  (``I**2`` beside ``78308·I + 14447``, which the monic normalisation writes with large
  integer-looking constants) are dropped;
* :func:`compaction_path`: in the one-fraction form, numerator terms are removed one at a time,
  the smallest contribution on the data first, each step refitted.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.candidates import tidy
from discover.core.structure import complexity, degree, terms
from discover.distillers.nls import refit
from discover.distillers.rational_forms import _columns, _poles

#: A denominator term whose RMS on the data is below this share of the denominator's is dropped.
TRIM = 0.01
#: Steps of the compaction path (numerator terms removed).
MAX_STEPS = 4
#: The path stops once a step's error exceeds the starting error by this factor.
MAX_RATIO = 50.0
#: Rational formulas (the most accurate) whose simplification steps are tried; each step is a
#: nonlinear refit, so this bounds the cost.
MAX_ENTRIES = 3


def _monic(den: sp.Expr) -> tuple[sp.Expr, float]:
    ranked = sorted(terms(den).items(), key=lambda kv: (-degree(kv[0]), sp.default_sort_key(kv[0])))
    lead = ranked[0][1]
    return ranked[0][0] + sum((sp.Float(c / lead, 15) * t for t, c in ranked[1:]), sp.Integer(0)), float(lead)


def _entry(expr, cost, se) -> dict:
    return {"expr": tidy(expr), "complexity": complexity(expr), "mse": cost, "library": "rational",
            "rows": se}


def _usable(expr, cost, symbols, X) -> bool:
    return bool(np.isfinite(cost)) and expr != 0 and not _poles(expr, symbols, X)


def trimmed_denominator(entry: dict, symbols, X, target) -> dict | None:
    """``entry`` with the denominator terms that hardly vary it on the data removed, refitted."""
    num, den = sp.fraction(sp.together(entry["expr"]))
    if not den.free_symbols:
        return None
    parts = terms(sp.expand(den))
    if len(parts) < 2:
        return None
    cols = {t: c * _columns([t], symbols, X)[:, 0] for t, c in parts.items()}
    total = np.sqrt(np.mean(sum(cols.values()) ** 2))
    keep = {t: c for t, c in parts.items() if np.sqrt(np.mean(cols[t] ** 2)) >= TRIM * total}
    if len(keep) == len(parts) or not any(t.free_symbols for t in keep):
        return None
    new_den, lead = _monic(sum((c * t for t, c in keep.items()), sp.Integer(0)))
    new_num = sum((sp.Float(c / lead, 15) * t for t, c in terms(sp.expand(num)).items()), sp.Integer(0))
    expr, cost, se = refit(new_num / new_den, symbols, target)
    return _entry(expr, cost, se) if _usable(expr, cost, symbols, X) else None


def compaction_path(entry: dict, symbols, X, target) -> list[dict]:
    """``entry`` as one fraction over a monic denominator, then with its numerator's terms removed
    one at a time (the smallest contribution on the data first), each step refitted; every step
    whose refit is finite and pole-free, until the error grows by :data:`MAX_RATIO`."""
    num, den = sp.fraction(sp.together(entry["expr"]))
    if not den.free_symbols:
        return []
    den, lead = _monic(den)
    parts = [sp.Float(c / lead, 15) * t for t, c in terms(sp.expand(num)).items()]
    out = []
    for _ in range(MAX_STEPS):
        if len(parts) < 2:
            break
        size = [float(np.sqrt(np.mean(_columns([t / den], symbols, X)[:, 0] ** 2))) for t in parts]
        parts = [t for k, t in enumerate(parts) if k != int(np.argmin(size))]
        expr, cost, se = refit(sp.Add(*parts) / den, symbols, target, snap=False)
        if not np.isfinite(cost) or cost > MAX_RATIO * entry["mse"]:
            break
        if _usable(expr, cost, symbols, X):
            out.append(_entry(expr, cost, se))
            num_new, den_new = sp.fraction(sp.together(expr))
            if den_new.free_symbols:  # continue from the refitted constants
                den, lead = _monic(den_new)
                parts = [sp.Float(c / lead, 15) * t for t, c in terms(sp.expand(num_new)).items()]
    return out


def simplification_steps(entries: list[dict], symbols, X, target) -> list[dict]:
    """The :func:`trimmed_denominator` and :func:`compaction_path` steps of the
    :data:`MAX_ENTRIES` most accurate rational ``entries``."""
    out = []
    for entry in sorted((e for e in entries if e["library"] == "rational"), key=lambda e: e["mse"])[:MAX_ENTRIES]:
        trimmed = trimmed_denominator(entry, symbols, X, target)
        out += ([trimmed] if trimmed else []) + compaction_path(trimmed or entry, symbols, X, target)
    return out

