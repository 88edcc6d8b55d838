"""The known part of a PDE: ``--known 'u: d*u_xx'`` read by the restricted parser.

A field ``u`` over a space coordinate ``x`` has derivative names ``u_x``, ``u_xx``, ``u_xxx``, ...
(``u_y``, ``u_xy``, ... in two dimensions). The known part of u_t is a formula in the fields, these
derivative names and parameters; a parameter given a value (``--param d=0.1``) is fixed, any other
is learned. The text is never evaluated: it goes through
:func:`discover.core.expressions.parse_expression` with a symbol table built from the field and space
names, exactly as the ODE known part does (:mod:`discover.surrogates.known`).

Each term is a :class:`Term` (which field, which derivative); expressions are built on one
internal symbol per term, named by its identifier (``u_xx``), so they print as users write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement

import numpy as np
import sympy as sp

from discover.core.errors import ConfigError, did_you_mean
from discover.core.expressions import identifiers, parse_expression, safe_lambdify, to_text


@dataclass(frozen=True)
class Term:
    """A field or one of its spatial derivatives.

    Attributes
    ----------
    field : int
        Index of the field.
    orders : tuple of int
        Derivative order along each spatial dimension (all zero for the field itself).
    name : str
        Its identifier: ``u``, ``u_x``, ``u_xx``, ``u_xy``.
    """

    field: int
    orders: tuple[int, ...]
    name: str

    @property
    def order(self) -> int:
        return int(sum(self.orders))

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.name, real=True)


def derivative_terms(names, space_names, max_order: int) -> list[Term]:
    """Every field and its spatial derivatives up to ``max_order``, in a stable order.

    The order is: fields first, then by derivative order (``u, v, u_x, v_x, u_xx, v_xx, ...``).
    A derivative name that collides with a field's own identifier (a field called ``u_x`` beside
    ``u``) is refused: the formula could not tell them apart.
    """
    ids = identifiers(list(names) + list(space_names))
    fids = [ids[n] for n in names]
    sids = [ids[s] for s in space_names]
    out, seen = [], {}
    for order in range(max_order + 1):
        for i, fid in enumerate(fids):
            for combo in combinations_with_replacement(range(len(sids)), order):
                orders = tuple(combo.count(d) for d in range(len(sids)))
                name = fid if order == 0 else fid + "_" + "".join(sids[d] for d in combo)
                if name in seen:
                    raise ConfigError(f"The derivative name '{name}' is also the name of a field; rename the "
                                      f"field so that names like {fid}_{sids[0]} are free.")
                seen[name] = True
                out.append(Term(i, orders, name))
    return out


@dataclass(frozen=True)
class KnownOperator:
    """Known right-hand-side terms of u_t, per field, and their parameters.

    Attributes
    ----------
    names : tuple of str
        Field labels, in the data's order.
    space_names : tuple of str
    terms : tuple of Term
        Every derivative the parser accepted (up to ``max_order``).
    exprs : dict of str to sympy.Expr
        Known part of u_t per field label, on the terms' symbols and parameter symbols.
    fixed : dict of str to float
    learned : tuple of str
        Parameters to learn, sorted.
    start : dict of str to float
        Start values of learned parameters (``0`` where not given).
    """

    names: tuple[str, ...]
    space_names: tuple[str, ...]
    terms: tuple[Term, ...]
    exprs: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)
    learned: tuple[str, ...] = ()
    start: dict = field(default_factory=dict)

    def used_terms(self) -> list[Term]:
        """The terms the known part actually reads."""
        syms = set().union(*(e.free_symbols for e in self.exprs.values())) if self.exprs else set()
        return [t for t in self.terms if t.symbol in syms]

    def max_order(self) -> int:
        return max((t.order for t in self.used_terms()), default=0)

    def expr(self, name: str, values: dict | None = None) -> sp.Expr:
        """Known part of u_t for field ``name``, fixed (and given learned) values substituted."""
        e = self.exprs.get(name, sp.Integer(0))
        subs = {sp.Symbol(k, real=True): v for k, v in {**self.fixed, **(values or {})}.items()}
        return e.xreplace(subs)

    def text(self, name: str, values: dict | None = None) -> str:
        """The known part as text on identifiers (``0.1*u_xx``)."""
        e = self.expr(name, values)
        return to_text(e.xreplace({s: sp.Symbol(s.name) for s in e.free_symbols}), {})

    def torch(self, terms: list[Term] | None = None):
        """f(D, p) -> known u_t per field, a torch tensor (n, n_fields).

        ``D`` is (n, len(terms)): the columns of ``terms`` (default :meth:`used_terms`); ``p`` the
        learned values in ``learned`` order.
        """
        import torch

        terms = self.used_terms() if terms is None else terms
        mods = [{"sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp, "log": torch.log,
                 "sqrt": torch.sqrt, "tanh": torch.tanh, "sinh": torch.sinh, "cosh": torch.cosh, "Abs": torch.abs,
                 "pi": np.pi, "E": np.e}, "math"]
        args = [[t.symbol for t in terms], [sp.Symbol(p, real=True) for p in self.learned]]
        fns = [safe_lambdify(args, self.expr(n), modules=mods) for n in self.names]

        def f(D, p):
            cols, ps = list(D.T), [p[i] for i in range(len(self.learned))]
            out = [fn(cols, ps) for fn in fns]
            return torch.stack([o if torch.is_tensor(o) and o.shape == D.shape[:1] else
                                torch.zeros_like(D[:, 0]) + o for o in out], dim=1)

        return f

    def numpy(self, terms: list[Term] | None = None):
        """As :meth:`torch`, on numpy arrays: f(D, p) -> (n, n_fields)."""
        terms = self.used_terms() if terms is None else terms
        args = [[t.symbol for t in terms], [sp.Symbol(p, real=True) for p in self.learned]]
        fns = [safe_lambdify(args, self.expr(n), modules="numpy") for n in self.names]

        def f(D, p):
            D = np.atleast_2d(D)
            cols = [np.broadcast_to(np.asarray(fn(list(D.T), list(p)), dtype=float), D.shape[:1]) for fn in fns]
            return np.stack(cols, axis=1)

        return f


def _pairs(spec, option: str, example: str) -> list[tuple[str, str]]:
    if isinstance(spec, dict):
        return [(str(k), str(v)) for k, v in spec.items()]
    out = []
    for item in spec or []:
        sep = ":" if option == "--known" else "="
        if sep not in item:
            raise ConfigError(f"`{option} '{item}'` needs the form {example}.")
        k, v = item.split(sep, 1)
        out.append((k.strip(), v.strip()))
    return out


def _numbers(pairs, option: str, allowed: list[str]) -> dict[str, float]:
    out = {}
    for k, v in pairs:
        if k not in allowed:
            raise ConfigError(f"`{option} {k}=...` names no parameter of the known part"
                              f"{did_you_mean(k, allowed)}; its parameters: {', '.join(allowed) or 'none'}.")
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            raise ConfigError(f"`{option} {k}={v}`: '{v}' is not a number.") from None
        if not np.isfinite(out[k]):
            raise ConfigError(f"`{option} {k}={v}` must be a finite number.")
    return out


def parse_known_operator(known, names, space_names, params=None, start=None, max_order: int = 4,
                         time_name: str = "t") -> KnownOperator:
    """Read ``["u: d*u_xx", ...]`` (CLI) or ``{"u": "d*u_xx"}`` (TOML/API) into a :class:`KnownOperator`.

    Parameters
    ----------
    known : list of str or dict of str to str
    names : sequence of str
        Field labels (a field may be named by its identifier).
    space_names : sequence of str
    params : list of "name=value" or dict, optional
        Fixed parameter values (``--param``); every other parameter is learned.
    start : list of "name=value" or dict, optional
        Start values of learned parameters.
    max_order : int
        Highest derivative order the parser knows by name.
    time_name : str

    Raises
    ------
    ConfigError
        One sentence naming what is wrong: the form, an unknown field, a formula the parser
        refuses, time in the formula, an unknown parameter.
    """
    names, space_names = tuple(names), tuple(space_names)
    terms = derivative_terms(names, space_names, max_order)
    table = {t.name: t.symbol for t in terms}
    ids = identifiers(names)
    label_of = {ident: label for label, ident in ids.items()}
    reserved = {time_name, identifiers([time_name])[time_name], *space_names,
                *identifiers(space_names).values()} - set(table)
    exprs: dict[str, sp.Expr] = {}
    for var, text in _pairs(known, "--known", "'field: formula', e.g. --known 'u: d*u_xx'"):
        var = var if var in names else label_of.get(var, var)
        if var not in names:
            raise ConfigError(f"`--known` names '{var}', which is not a field{did_you_mean(var, names)}; "
                              f"fields: {', '.join(names)}.")
        if var in exprs:
            raise ConfigError(f"`--known` gives {var}_t twice; give one formula per field.")
        e = parse_expression(text, table, f"--known for {var}", new_symbol=lambda s: sp.Symbol(s, real=True),
                             caret=True)
        bad = sorted(s.name for s in e.free_symbols if s.name in reserved)
        if bad:
            raise ConfigError(f"--known for {var}: the known part may depend on the fields, their derivatives "
                              f"({', '.join(t.name for t in terms[:3])}, ...) and parameters, not on '{bad[0]}'.")
        exprs[var] = e
    syms = set().union(*(e.free_symbols for e in exprs.values())) if exprs else set()
    param_names = sorted(s.name for s in syms - set(table.values()))
    sids = "".join(identifiers(space_names).values())
    for p in param_names:  # a misspelt or too-high derivative would otherwise become a parameter
        head, _, tail = p.rpartition("_")
        if head in label_of and tail and set(tail) <= set(sids) | set("xyz"):
            raise ConfigError(f"`--known`: '{p}' reads like a derivative, but the names known here are "
                              f"{', '.join(t.name for t in terms if t.field == 0)} (spatial coordinates: "
                              f"{', '.join(space_names)}); rename the parameter or use one of them.")
    fixed = _numbers(_pairs(params, "--param", "name=value, e.g. --param d=0.1"), "--param", param_names)
    learned = tuple(p for p in param_names if p not in fixed)
    begin = _numbers(_pairs(start, "start", "name=value"), "start", list(learned))
    return KnownOperator(names, space_names, tuple(terms), exprs, fixed, learned,
                         {p: begin.get(p, 0.0) for p in learned})
