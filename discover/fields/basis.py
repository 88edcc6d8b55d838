"""Systems of fields in one or two space dimensions: monomials in the fields and their derivatives.

A :class:`Basis` lists the *atoms* of a system: every field and each of its spatial derivatives
up to ``max_order`` (``u, v, u_x, v_x, u_y, v_y, u_xx, ...``: fields first, then by order, the
order of :func:`discover.fields.operator.derivative_terms`). A monomial is a tuple of exponents,
one per atom; an equation is ``{monomial: coefficient}``; a system is one equation per field.
For one field on a line with ``max_order = 4`` the atoms are ``u, u_x, ..., u_xxxx`` and the
monomials are exactly those of :mod:`discover.fields.terms`, so the two representations agree.

Library columns are *operators applied to products of fields* (the weak form's conservative
terms, :func:`library`): in two dimensions the second-order operators are the Laplacian, ∂xx and
∂xy (∂yy = Δ - ∂xx is left out so the columns stay independent), so isotropic diffusion is one
column. Their expansions by the product rule (:meth:`Basis.apply`) are monomials again, so every
model reads ``u_t = 0.1*u_xx + 0.1*u_yy + u - u**3 ...``. Nothing here is ever parsed from text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import combinations_with_replacement

import numpy as np
import sympy as sp

Monomial = tuple[int, ...]
Orders = tuple[int, ...]


@dataclass(frozen=True)
class Basis:
    """The atoms of a system: fields ``names`` and their derivatives along ``space`` up to ``max_order``."""

    names: tuple[str, ...] = ("u",)
    space: tuple[str, ...] = ("x",)
    max_order: int = 4

    @cached_property
    def atoms(self) -> tuple[tuple[int, Orders], ...]:
        out = []
        for order in range(self.max_order + 1):
            for f in range(len(self.names)):
                for combo in combinations_with_replacement(range(len(self.space)), order):
                    out.append((f, tuple(combo.count(d) for d in range(len(self.space)))))
        return tuple(out)

    @cached_property
    def index(self) -> dict[tuple[int, Orders], int]:
        return {a: i for i, a in enumerate(self.atoms)}

    @property
    def size(self) -> int:
        return len(self.atoms)

    def atom_name(self, i: int, names=None, space=None) -> str:
        """``u``, ``u_x``, ``v_xy`` (labels, or the identifiers given as ``names``/``space``)."""
        f, orders = self.atoms[i]
        names, space = names or self.names, space or self.space
        sub = "".join(space[d] * k for d, k in enumerate(orders))
        return names[f] if not sub else f"{names[f]}_{sub}"

    def field_monomial(self, powers) -> Monomial:
        """The product of field powers (``powers[f]`` of field f), no derivative."""
        e = [0] * self.size
        for f, p in enumerate(powers):
            e[self.index[(f, (0,) * len(self.space))]] = int(p)
        return tuple(e)

    def atom(self, field: int, orders: Orders, power: int = 1) -> Monomial:
        e = [0] * self.size
        e[self.index[(field, tuple(orders))]] = power
        return tuple(e)

    def derivative(self, mono: Monomial, axis: int) -> dict[Monomial, float]:
        """d/d(space[axis]) of one monomial (product rule)."""
        out: dict[Monomial, float] = {}
        for i, e in enumerate(mono):
            if not e:
                continue
            f, orders = self.atoms[i]
            up = list(orders)
            up[axis] += 1
            j = self.index.get((f, tuple(up)))
            if j is None:
                raise ValueError("derivative order beyond the basis")
            new = list(mono)
            new[i] -= 1
            new[j] += 1
            out[tuple(new)] = out.get(tuple(new), 0.0) + e
        return out

    def apply(self, orders: Orders, mono: Monomial) -> dict[Monomial, float]:
        """The mixed derivative ``orders`` of a monomial, expanded into monomials."""
        terms = {mono: 1.0}
        for axis, k in enumerate(orders):
            for _ in range(k):
                nxt: dict[Monomial, float] = {}
                for m, c in terms.items():
                    for m2, c2 in self.derivative(m, axis).items():
                        nxt[m2] = nxt.get(m2, 0.0) + c * c2
                terms = nxt
        return {m: c for m, c in terms.items() if c}

    def convert(self, model: dict[Monomial, float], target: "Basis") -> dict[Monomial, float]:
        """The same equation on another basis of the same fields (a different ``max_order``)."""
        out = {}
        for m, c in model.items():
            e = [0] * target.size
            for i, k in enumerate(m):
                if k:
                    e[target.index[self.atoms[i]]] += k
            out[tuple(e)] = c
        return out

    def is_linear(self, mono: Monomial) -> int | None:
        """The atom index when the monomial is a single atom to the first power, else None."""
        return mono.index(1) if sum(mono) == 1 else None

    def order_of(self, mono: Monomial) -> int:
        return max((sum(self.atoms[i][1]) for i, e in enumerate(mono) if e), default=0)

    def term_text(self, mono: Monomial, names=None, space=None) -> str:
        """``u*v**2``, ``u_xx``, ``1``."""
        f = [self.atom_name(i, names, space) + (f"**{e}" if e > 1 else "") for i, e in enumerate(mono) if e]
        return "*".join(f) if f else "1"

    def sort_key(self, mono: Monomial):
        return (-self.order_of(mono), sum(mono), tuple(-e for e in mono))

    def to_text(self, model: dict[Monomial, float], names=None, space=None, digits: int | None = 4) -> str:
        """``0.1*u_xx + 0.1*u_yy + 1.0*u - 1.0*u**3``; ``digits=None`` writes each coefficient as fitted."""
        parts = []
        for m, c in sorted(model.items(), key=lambda kv: self.sort_key(kv[0])):
            coef = repr(float(c)) if digits is None else f"{c:.{digits}g}"
            parts.append(coef if not any(m) else f"{coef}*{self.term_text(m, names, space)}")
        return (" + ".join(parts) if parts else "0").replace("+ -", "- ")

    def symbols(self) -> tuple[sp.Symbol, ...]:
        """Internal sympy symbols of the atoms (never the labels)."""
        return tuple(sp.Symbol(f"_f{i}") for i in range(self.size))

    def labels(self) -> dict[sp.Symbol, str]:
        return {s: self.atom_name(i) for i, s in enumerate(self.symbols())}

    def to_sympy(self, model: dict[Monomial, float]) -> sp.Expr:
        syms = self.symbols()
        expr = sp.Integer(0)
        for m, c in model.items():
            term = sp.Float(float(c), 15)
            for i, e in enumerate(m):
                if e:
                    term = term * syms[i] ** e
            expr = expr + term
        return expr


@dataclass(frozen=True)
class Column:
    """One library column: ``sum(coef * d^orders)`` applied to the product of field powers ``powers``."""

    operator: tuple[tuple[Orders, float], ...]
    powers: tuple[int, ...]
    name: str

    @property
    def order(self) -> int:
        return max(sum(o) for o, _ in self.operator)

    def expand(self, basis: Basis) -> dict[Monomial, float]:
        mono = basis.field_monomial(self.powers)
        out: dict[Monomial, float] = {}
        for orders, c in self.operator:
            for m, v in basis.apply(orders, mono).items():
                out[m] = out.get(m, 0.0) + c * v
        return {m: v for m, v in out.items() if v}


def operators(space: tuple[str, ...], max_order: int) -> list[tuple[str, tuple[tuple[Orders, float], ...]]]:
    """Named derivative operators up to ``max_order``: ∂x^k on a line; in 2-D every ∂x^a ∂y^b with
    a + b = k, except that ∂y^k (k even) is replaced by Δ^(k/2), which spans the same space."""
    n = len(space)
    out = [("", (((0,) * n, 1.0),))]
    for k in range(1, max_order + 1):
        for combo in combinations_with_replacement(range(n), k):
            orders = tuple(combo.count(d) for d in range(n))
            if n == 2 and k % 2 == 0 and orders == (0, k):
                half = k // 2
                from math import comb

                terms = tuple(((2 * i, 2 * (half - i)), float(comb(half, i))) for i in range(half + 1))
                out.append(("Δ" if half == 1 else f"Δ^{half}", terms))
                continue
            out.append(("".join(space[d] for d in combo), ((orders, 1.0),)))
    return out


def powers(n_fields: int, max_power: int) -> list[tuple[int, ...]]:
    """Exponent vectors of every product of fields of degree 1..max_power."""
    out = []
    for deg in range(1, max_power + 1):
        for combo in combinations_with_replacement(range(n_fields), deg):
            out.append(tuple(combo.count(f) for f in range(n_fields)))
    return out


def _poly_name(p: tuple[int, ...], names) -> str:
    return "*".join(n if e == 1 else f"{n}^{e}" for n, e in zip(names, p) if e) or "1"


def library(basis: Basis, max_power: int = 3, max_order: int = 2, derivative_power: int | None = None) -> list[Column]:
    """The constant, every product of fields up to ``max_power``, and each operator of order 1..max_order
    applied to products of degree up to ``derivative_power`` (default ``max_power``)."""
    ops = operators(basis.space, min(max_order, basis.max_order))
    dp = max_power if derivative_power is None else derivative_power
    zero = (0,) * len(basis.space)
    cols = [Column(((zero, 1.0),), (0,) * len(basis.names), "1")]
    for name, op in ops:
        for p in powers(len(basis.names), max_power if not name else dp):
            base = _poly_name(p, basis.names)
            label = base if not name else (f"{name}({base})" if name.startswith("Δ") else
                                           (f"{base}_{name}" if sum(p) == 1 else f"({base})_{name}"))
            cols.append(Column(op, p, label))
    return cols


def coefficient_error(found: dict[Monomial, float], true: dict[Monomial, float]) -> float:
    """Mean relative coefficient error over the true terms (a missing term counts as 100%)."""
    errs = [abs(found.get(m, 0.0) - c) / abs(c) for m, c in true.items()]
    return float(np.mean(errs)) if errs else 0.0


__all__ = ["Basis", "Column", "Monomial", "coefficient_error", "library", "operators", "powers"]
