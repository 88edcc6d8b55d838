"""Terms of an equation, complexity, and comparison with a known ground truth.

"Structure" is the set of terms after algebraic expansion: ``-10*x + 10*y`` has the terms
``x`` and ``y``. Two systems have the same structure when every equation has the same
set of terms, whatever the coefficients. Used by selection (complexity), tests and
benchmarks (recovery against ground truth).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import sympy as sp

from discover.core.expressions import as_expr


def terms(expr: sp.Expr, tol: float = 0.0) -> dict[sp.Expr, float]:
    """Map each term of the expanded expression to its numeric coefficient.

    Terms whose coefficient's magnitude is at most ``tol`` are dropped. The constant term
    is keyed by ``1``.
    """
    expanded = sp.expand(as_expr(expr))
    out: dict[sp.Expr, float] = {}
    for term, coef in expanded.as_coefficients_dict().items():
        if not coef.is_number:
            continue
        # as_coefficients_dict leaves numeric factors inside function arguments alone
        value = float(coef)
        if abs(value) > tol:
            out[term] = out.get(term, 0.0) + value
    return out


_C = sp.Dummy("c")  # not a Symbol: a state may be called c


def skeleton(term: sp.Expr) -> sp.Expr:
    """The term with inner numeric constants replaced by ``c`` (``x/(x + 0.3)`` -> ``x/(c + x)``).

    Integer exponents are kept; they are part of the structure.
    """
    reps = {a: _C for a in term.atoms(sp.Float, sp.Rational) if not (a.is_Integer)}
    return term.xreplace(reps) if reps else term


def complexity(expr: sp.Expr) -> int:
    """Terms + non-polynomial operations (functions, divisions) + constants inside them.

    A coefficient in front of a term is free (it is refitted); a constant inside a function
    or a denominator is part of the shape and is counted, so ``cos(0.14*x - 1.6)`` (two
    tuned constants) costs more than ``sin(x)``.
    """
    expr = as_expr(expr)
    n = len(terms(expr)) or 1
    nonpoly = list(expr.atoms(sp.Function)) + [p for p in expr.atoms(sp.Pow) if p.exp.is_number and p.exp < 0]
    n += len(nonpoly)
    inner = set()
    for node in nonpoly:
        args = node.args if isinstance(node, sp.Function) else (node.base,)
        for a in args:
            inner |= {f for f in a.atoms(sp.Float, sp.Rational) if not f.is_Integer}
    return n + len(inner)


def system_complexity(equations: Mapping[str, sp.Expr]) -> int:
    return int(sum(complexity(e) for e in equations.values()))


def degree(term) -> int:
    if term.is_number or not term.is_polynomial():
        return 0
    return sp.Poly(term).total_degree()


def leading_coefficient(expr) -> float:
    """Coefficient of the highest-degree term of ``expr`` (ties broken by sympy's canonical order)."""
    coeffs = terms(expr)
    ranked = sorted(coeffs.items(), key=lambda kv: (-degree(kv[0]), sp.default_sort_key(kv[0])))
    return float(ranked[0][1]) if ranked else 0.0


def canonical_terms(expr, tol: float = 0.0) -> dict:
    """Terms of ``expr`` written as one fraction with a monic denominator.

    Polynomials (and sums of functions such as ``sin``) keep their plain terms. A rational
    expression is compared through its numerator's terms and its denominator's terms (keyed
    ``("den", term)``), so ``0.6 - 1.5*x/(x + 0.3)`` and ``(0.18 - 0.9*x)/(x + 0.3)`` have the
    same structure.
    """
    expr = as_expr(expr)
    if not any(p.exp.is_number and p.exp < 0 for p in expr.atoms(sp.Pow)):
        return terms(expr, tol)  # no division: its plain terms (checked first: `together` is costly)
    # functions are atoms of the fraction: ``together`` would otherwise move exp(-z) to the
    # denominator in one way of writing a sigmoid and not in another
    atoms = {f: sp.Dummy() for f in expr.atoms(sp.Function)}
    num, den = (p.xreplace({v: k for k, v in atoms.items()}) for p in sp.fraction(sp.together(expr.xreplace(atoms))))
    if den.is_number:
        return terms(expr, tol)
    dt = terms(den)
    lead = leading_coefficient(den)
    out = {k: v / lead for k, v in terms(num, tol * abs(lead)).items()}
    out.update({("den", k): v / lead for k, v in dt.items()})
    return out


def _by_skeleton(term_map: dict) -> dict:
    out: dict = {}
    for k, v in term_map.items():
        key = ("den", skeleton(k[1])) if isinstance(k, tuple) else skeleton(k)
        out[key] = out.get(key, 0.0) + v
    return out


def shape(equations: Mapping[str, sp.Expr], tol: float = 1e-12) -> tuple:
    """The structure of a system, whatever form it is written in: per variable, the terms of
    :func:`canonical_terms` with inner constants replaced by ``c`` (so ``(0.18 - 0.9*x)/(x + 0.3)`` and
    ``0.6 - 1.5*x/(x + 0.3)`` have the same shape)."""
    return tuple(sorted((v, str(k)) for v, e in equations.items() for k in _by_skeleton(canonical_terms(e, tol))))


def compare(found: Mapping[str, sp.Expr], truth: Mapping[str, sp.Expr], tol: float = 1e-8) -> dict:
    """Score a found system against the true one.

    Returns
    -------
    dict with keys
        ``exact`` (same term set in every equation), ``precision``, ``recall``, ``f1``
        (over all (variable, term) pairs), ``coef_error`` (median relative error of
        the true terms that were found; NaN if none) and ``max_coef_error``.
    """
    tp = fp = fn = 0
    errors = []
    exact = True
    for var, true_expr in truth.items():
        t_terms = _by_skeleton(canonical_terms(true_expr, tol))
        f_terms = _by_skeleton(canonical_terms(found.get(var, sp.Integer(0)), tol))
        ts, fs = set(t_terms), set(f_terms)
        exact &= ts == fs
        tp += len(ts & fs)
        fp += len(fs - ts)
        fn += len(ts - fs)
        for k in ts & fs:
            errors.append(abs(f_terms[k] - t_terms[k]) / abs(t_terms[k]))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "exact": bool(exact),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "coef_error": float(np.median(errors)) if errors else float("nan"),
        "max_coef_error": float(np.max(errors)) if errors else float("nan"),
    }
