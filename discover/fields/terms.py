"""PDE right-hand sides as sums of monomials in u and its spatial derivatives.

A monomial is a tuple of exponents ``(e0, e1, ..., eK)`` of ``(u, u_x, u_xx, ..., u_x^K)``; a
model is a dict ``{monomial: coefficient}``. This small exact representation is what the
distillers fit, the solvers integrate and the report prints: nothing is ever parsed from text.
The conservative terms of the weak form, :math:`\\partial_x^k (u^p)`, are expanded into
monomials by the chain rule (:func:`conservative`), so every model reads ``u_t = -u u_x + ...``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

MAX_ORDER = 4
Monomial = tuple[int, ...]


def monomial(power: int = 0, order: int | None = None, k_max: int = MAX_ORDER) -> Monomial:
    """``u**power`` times the ``order``-th derivative (``order=None``: no derivative factor)."""
    e = [0] * (k_max + 1)
    e[0] = power
    if order is not None:
        e[order] += 1
    return tuple(e)


def _d(mono: Monomial) -> dict[Monomial, float]:
    """d/dx of one monomial: a sum of monomials (product rule)."""
    out: dict[Monomial, float] = {}
    for i, e in enumerate(mono):
        if e == 0:
            continue
        if i + 1 >= len(mono):
            raise ValueError("derivative order beyond the representation")
        new = list(mono)
        new[i] -= 1
        new[i + 1] += 1
        out[tuple(new)] = out.get(tuple(new), 0.0) + e
    return out


def conservative(power: int, order: int, k_max: int = MAX_ORDER) -> dict[Monomial, float]:
    """:math:`\\partial_x^{order}(u^{power})` expanded into monomials."""
    terms = {monomial(power, None, k_max): 1.0}
    for _ in range(order):
        nxt: dict[Monomial, float] = {}
        for m, c in terms.items():
            for m2, c2 in _d(m).items():
                nxt[m2] = nxt.get(m2, 0.0) + c * c2
        terms = nxt
    return terms


def combine(parts: list[tuple[float, dict[Monomial, float]]], tol: float = 0.0) -> dict[Monomial, float]:
    """Sum of coefficient times expansion; terms whose coefficient vanishes are dropped."""
    out: dict[Monomial, float] = {}
    for c, terms in parts:
        for m, v in terms.items():
            out[m] = out.get(m, 0.0) + c * v
    scale = max((abs(v) for v in out.values()), default=0.0)
    return {m: v for m, v in out.items() if abs(v) > max(tol, 1e-12) * max(scale, 1e-300)}


def derivative_name(name: str, order: int, space: str = "x") -> str:
    """``u``, ``u_x``, ``u_xx`` ... (the derivative names of the issue and the reports)."""
    return name if order == 0 else f"{name}_{space * order}"


def evaluate(mono: Monomial, derivs: np.ndarray) -> np.ndarray:
    """Value of a monomial given ``derivs`` of shape (K+1, ...) = u, u_x, ..., u_x^K."""
    out = np.ones(derivs.shape[1:])
    for i, e in enumerate(mono):
        if e:
            out = out * derivs[i] ** e
    return out


def order_of(mono: Monomial) -> int:
    """Highest derivative order that appears in the monomial."""
    nz = [i for i, e in enumerate(mono) if e]
    return max(nz) if nz else 0


def is_linear(mono: Monomial) -> int | None:
    """The derivative order when the monomial is a single derivative of u (``u``, ``u_xx``), else None."""
    if sum(mono) == 1:
        return mono.index(1)
    return None


def symbols(name: str = "u", space: str = "x", k_max: int = MAX_ORDER) -> tuple[sp.Symbol, ...]:
    """Internal sympy symbols of u and its derivatives (names are internal identifiers)."""
    return tuple(sp.Symbol(f"_f{i}") for i in range(k_max + 1))


def labels(name: str = "u", space: str = "x", k_max: int = MAX_ORDER) -> dict[sp.Symbol, str]:
    """Printed labels of :func:`symbols` (``u``, ``u_x``, ...)."""
    return {s: derivative_name(name, i, space) for i, s in enumerate(symbols(name, space, k_max))}


def to_sympy(model: dict[Monomial, float], digits: int | None = None) -> sp.Expr:
    """The model as a sympy expression on the internal symbols of :func:`symbols`, every coefficient
    as fitted (``digits`` significant digits only for a display)."""
    syms = symbols()
    expr = sp.Integer(0)
    for m, c in sorted(model.items(), key=lambda kv: (sum(kv[0]), order_of(kv[0]), kv[0])):
        term = sp.Float(float(c) if digits is None else float(f"{c:.{digits}g}"), 15)
        for i, e in enumerate(m):
            if e:
                term = term * syms[i] ** e
        expr = expr + term
    return expr


def to_text(model: dict[Monomial, float], name: str = "u", space: str = "x", digits: int | None = 4) -> str:
    """Readable right-hand side, ``-1.0*u*u_x + 0.1*u_xx`` (sympy-readable with the derivative names);
    ``digits=None`` writes each coefficient as fitted (``repr``: what ``equations.json`` stores)."""
    parts = []
    for m, c in sorted(model.items(), key=lambda kv: (order_of(kv[0]), sum(kv[0]), kv[0])):
        factors = []
        for i, e in enumerate(m):
            if e:
                nm = derivative_name(name, i, space)
                factors.append(nm if e == 1 else f"{nm}**{e}")
        coef = repr(float(c)) if digits is None else f"{c:.{digits}g}"
        parts.append("*".join([coef, *factors]) if factors else coef)
    text = " + ".join(parts) if parts else "0"
    return text.replace("+ -", "- ")


def term_text(mono: Monomial, name: str = "u", space: str = "x") -> str:
    """One monomial written with derivative names (``u*u_x``, ``u**2``, ``1``)."""
    f = [derivative_name(name, i, space) + (f"**{e}" if e > 1 else "") for i, e in enumerate(mono) if e]
    return "*".join(f) if f else "1"


def structure_equal(a: dict[Monomial, float], b: dict[Monomial, float]) -> bool:
    """Same set of terms."""
    return set(a) == set(b)


def coefficient_error(found: dict[Monomial, float], true: dict[Monomial, float]) -> float:
    """Mean relative coefficient error over the true terms (missing terms count as 100%)."""
    errs = [abs(found.get(m, 0.0) - c) / abs(c) for m, c in true.items()]
    return float(np.mean(errs)) if errs else 0.0


__all__ = ["MAX_ORDER", "Monomial", "coefficient_error", "combine", "conservative", "derivative_name", "evaluate",
           "is_linear", "labels", "monomial", "order_of", "structure_equal", "symbols", "term_text",
           "to_sympy", "to_text"]
