"""A rational right-hand side in the form a scientist writes it: the fewest constants.

A distiller returns a rational function in whatever form its search produced, such as
``(0.1771 - 0.8981*x)/(x + 0.3056)``. The same function has other forms: polynomial division
(``q(x) + r(x)/d(x)``, the remainder of lower degree than the denominator) and the saturating
form, whose fractions ``x**k/d(x)`` with ``1 <= k <= deg d`` vanish at ``x = 0`` so that the
polynomial part is the rate at zero (``J - V*x/(K + x)``: Michaelis-Menten, Hill, Monod,
Holling). The rule, the same for every system:

1. the denominator is made monic (its leading coefficient 1), so its constants are the
   half-saturation constants a reader expects;
2. the numerator is written in each basis, by solving a linear system in the coefficients of
   the denominator's variable (other variables stay in the coefficients);
3. the form with the fewest constants wins; ties go to the saturating form, then polynomial
   division, then the form as found.

Every form is the same function; only the writing differs. Only a denominator that is a
polynomial in one variable is rewritten; anything else is returned as it is.
"""

from __future__ import annotations

import sympy as sp

from discover.core.expressions import as_expr
from discover.core.structure import terms

ZERO = 1e-9  # relative size below which a rewritten coefficient is rounding, not a constant


def count_constants(expr: sp.Expr) -> int:
    """Fitted constants of ``expr``: one per term's coefficient other than ±1, plus each distinct number
    inside the terms (the ``K`` shared by ``x/(K + x)`` and ``1/(K + x)`` is one constant)."""
    n, inner = 0, set()
    for term, coef in terms(as_expr(expr), 0.0).items():
        n += 0 if abs(abs(coef) - 1.0) < 1e-12 else 1
        inner |= {abs(float(a)) for a in term.atoms(sp.Float, sp.Rational) if not a.is_Integer}
    return n + len(inner)


def _one(c):
    """A coefficient, written 1 when it is 1 up to rounding (a monic leading term reads ``x + K``, not ``1.0*x + K``)."""
    return sp.Integer(1) if c.is_number and abs(float(c) - 1.0) < 1e-12 else c


def rounded(expr: sp.Expr, digits: int = 4) -> sp.Expr:
    """``expr`` with every float rounded to ``digits`` significant digits, its form kept (no expansion)."""
    reps = {f: sp.Float(float(f"{float(f):.{digits}g}"), 15) for f in expr.atoms(sp.Float)}
    return expr.xreplace(reps)


def _clean(value, scale: float):
    v = complex(value).real
    if abs(v) <= ZERO * scale:
        return sp.Integer(0)
    return sp.Integer(round(v)) if abs(v - round(v)) < 1e-12 else sp.Float(v, 15)


def forms(expr: sp.Expr) -> dict[str, sp.Expr]:
    """The forms of a rational ``expr`` (``as found``, ``division``, ``saturating``); only ``as found`` otherwise."""
    expr = as_expr(expr)
    out = {"as found": expr}
    if not any(p.exp.is_number and p.exp < 0 and p.base.free_symbols for p in expr.atoms(sp.Pow)):
        return out
    num, den = sp.fraction(sp.together(expr))
    den_vars = sorted(den.free_symbols, key=sp.default_sort_key)
    if len(den_vars) != 1 or not den.is_polynomial(den_vars[0]) or not num.is_polynomial(den_vars[0]):
        return out
    x = den_vars[0]
    pd, pn = sp.Poly(den, x), sp.Poly(sp.expand(num), x)
    lead = pd.LC()
    if not lead.is_number or lead == 0:
        return out
    d = pd.degree()
    den = x**d + sum((_one(c / lead) * x**(d - i) for i, c in enumerate(pd.all_coeffs()) if i), sp.Integer(0))
    pd, pn = sp.Poly(den, x), sp.Poly(sp.expand(pn.as_expr() / lead), x)
    m = pn.degree()
    if d < 1:
        return out
    scale = max([abs(complex(c)) for c in pd.all_coeffs() if c.is_number] + [1e-300])
    for name, ks in (("division", range(0, d)), ("saturating", range(1, d + 1))):
        form = _in_basis(pn, den, x, max(m - d, -1), list(ks), scale)
        if form is not None:
            out[name] = form
    return out


def _in_basis(pn, den, x, top: int, ks: list[int], scale: float):
    """``pn/den`` as ``sum a_j x**j + sum b_k x**k/den`` (j <= top, k in ks), or None when it does not fit."""
    n_poly = top + 1
    unknowns = sp.symbols(f"_a0:{n_poly}") + sp.symbols(f"_b0:{len(ks)}")
    a, b = unknowns[:n_poly], unknowns[n_poly:]
    candidate = sum((a[j] * x**j * den for j in range(n_poly)), sp.Integer(0)) + \
        sum((b[i] * x**k for i, k in enumerate(ks)), sp.Integer(0))
    eqs = sp.Poly(sp.expand(candidate - pn.as_expr()), x).all_coeffs()
    sol = sp.solve(eqs, unknowns, dict=True)
    if not sol or any(u not in sol[0] for u in unknowns):
        return None
    s = sol[0]

    def value(u):
        v = sp.expand(s[u])
        return sum((_clean(c, 1.0) * t for t, c in sp.expand(v).as_coefficients_dict().items()), sp.Integer(0)) \
            if v.free_symbols else _clean(v, scale)

    poly = sum((value(a[j]) * x**j for j in range(n_poly)), sp.Integer(0))
    frac = sum((value(b[i]) * x**k / den for i, k in enumerate(ks)), sp.Integer(0))
    return poly + frac


ORDER = ("saturating", "division", "as found")


def fewest_constants(expr: sp.Expr) -> tuple[str, sp.Expr]:
    """The name and expression of the form of ``expr`` with the fewest constants (ties: :data:`ORDER`)."""
    options = forms(expr)
    name = min(options, key=lambda k: (count_constants(options[k]), ORDER.index(k)))
    return name, options[name]
