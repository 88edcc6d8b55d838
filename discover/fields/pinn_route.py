"""The hidden-term PINN as one more source of PDE candidates (``--methods pinn --space x``).

:class:`discover.fields.hidden.HiddenPDE` learns u(t, x) and the hidden term from one run; its
whole right-hand side (known part with refitted parameters, plus the distilled hidden term) is
turned into the monomial form every PDE candidate has, so it is judged by the same held-out
simulation as the weak and strong regressions and shown in the same report.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.errors import DataError
from discover.fields.terms import MAX_ORDER, Monomial


def _monomials(expr: sp.Expr, order_of: dict[sp.Symbol, int]) -> dict[Monomial, float]:
    """``{monomial: coefficient}`` of a polynomial in u and its derivatives, or DataError when it is not one."""
    expr = sp.expand(expr)
    syms = list(order_of)
    if expr.free_symbols - set(syms):
        raise DataError("The PINN's right-hand side uses a symbol that is not a field or a derivative of it.")
    try:
        poly = sp.Poly(expr, *syms)
    except sp.PolynomialError:
        raise DataError("The PINN's hidden term is not a polynomial in the field and its derivatives; "
                        "the PDE route compares polynomial right-hand sides only.") from None
    out: dict[Monomial, float] = {}
    for exps, coef in poly.terms():
        e = [0] * (MAX_ORDER + 1)
        for s, k in zip(syms, exps):
            if k:
                if order_of[s] > MAX_ORDER:
                    raise DataError(f"The PINN's right-hand side has a derivative of order {order_of[s]}; "
                                    f"at most {MAX_ORDER} can be simulated.")
                e[order_of[s]] += k
        out[tuple(e)] = out.get(tuple(e), 0.0) + float(coef)
    return {m: c for m, c in out.items() if c != 0.0}


def pinn_candidates(fields, known=None, params=None, settings=None, seed: int = 0, device: str = "auto",
                    progress=None) -> list:
    """Fit the hidden-term PINN on the first run and return its PDE as a candidate.

    Parameters
    ----------
    fields : list of Field
        One field on a line; the PINN is trained on the first run (the others still judge it).
    known, params : list of str or dict, optional
        ``--known 'u: d*u_xx'`` and ``--param d=0.1``, as :class:`~discover.fields.hidden.HiddenPDE` reads them.
    settings : dict, optional
        The ``[pde_pinn]`` table.
    seed : int
    device : str
    progress : optional

    Returns
    -------
    list of PdeCandidate
        One candidate, form ``"pinn"``, with the refit's standard errors.
    """
    from discover.fields.fit import PdeCandidate
    from discover.fields.hidden import HiddenPDE

    f = fields[0]
    model = HiddenPDE(known=known, params=params, settings=settings, random_state=seed, device=device,
                      progress=progress).fit(f)
    order_of = {t.symbol: t.order for t in model.terms_ if t.field == 0}
    by_name = {t.name: t.symbol for t in model.terms_}
    expr = model.equations_[f.names[0]].xreplace({sp.Symbol(n): s for n, s in by_name.items()})
    terms = _monomials(expr, order_of)
    std = {}
    for key, se in model.standard_errors_.items():
        label, _, term = key.partition(": ")
        if label != f.names[0] or not term:
            continue
        sym = by_name.get(term)
        mono = None
        if sym is not None:
            mono = next(iter(_monomials(sym, order_of)), None)
        else:
            try:
                mono = next(iter(_monomials(sp.Mul(*[by_name[p] for p in term.split("*")]), order_of)), None)
            except (KeyError, DataError):
                mono = None
        if mono in terms and np.isfinite(se):
            std[mono] = float(se)
    return [PdeCandidate("pinn", terms, len(terms), float("nan"), std=std)] if terms else []


def candidates_hook(fields, options) -> list:
    """The hook :mod:`discover.fields.methods` declares for ``--methods pinn``: the PINN's own tables
    (``[pinn]``, where ``--known`` and ``--param`` land, and ``[pde_pinn]``) read from ``options``."""
    own = options.tables.get("pinn") or {}
    return pinn_candidates(fields, own.get("known"), own.get("params"), options.tables.get("pde_pinn"),
                           seed=options.seed, device=options.device, progress=options.progress)


__all__ = ["candidates_hook", "pinn_candidates"]
