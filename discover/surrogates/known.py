"""The known part of a model: ``--known 'x: a*x'`` and ``--param a=1.3``, parsed safely.

A scientist often knows some terms of dx/dt (growth, decay) and not the rest. Each known
right-hand side is a formula in the state variables and named parameters; a parameter given a
number is fixed, any other is learned. The hidden-term PINN (:mod:`discover.surrogates.pinn`)
trains a network for whatever the known part leaves out. With measured inputs (``--inputs u``)
the known part may read them too (``--known 'v: u - c*v'``); they get no equation of their own.

User text is never evaluated: formulas go through the restricted syntax-tree parser of
:mod:`discover.core.expressions`. A state whose name is not an identifier (``S [mM]``) is written as
the identifier ``equations.json`` uses for it (``S_mM``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from discover.core.errors import ConfigError, did_you_mean
from discover.core.expressions import identifiers, parse_expression, safe_lambdify, to_text


def _real(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def parse_formula(text: str, where: str, symbols=None) -> sp.Expr:
    """A sympy expression from arithmetic text (``^`` read as a power), or a ConfigError naming
    what is wrong. ``symbols`` maps identifiers to state symbols; every other name becomes a
    real symbol (a parameter). See :func:`discover.core.expressions.parse_expression`."""
    return parse_expression(text, symbols or {}, where, new_symbol=_real, caret=True)


@dataclass(frozen=True)
class KnownPart:
    """Known right-hand-side terms and their parameters.

    Attributes
    ----------
    names : tuple of str
        State variables, in the data's order.
    exprs : dict of str to sympy.Expr
        Known part of d(var)/dt; a variable not listed is entirely hidden.
    fixed : dict of str to float
        Parameters given a value.
    learned : tuple of str
        Parameters the PINN learns (sorted).
    inputs : tuple of str
        Measured inputs the known part may read (no equation of their own).
    """

    names: tuple[str, ...]
    exprs: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)
    learned: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()

    @property
    def state_symbols(self) -> list[sp.Symbol]:
        return [sp.Symbol(n, real=True) for n in self.names]

    @property
    def input_symbols(self) -> list[sp.Symbol]:
        return [sp.Symbol(n, real=True) for n in self.inputs]

    def expr(self, var: str, values: dict | None = None) -> sp.Expr:
        """The known part of d(var)/dt with fixed (and, if given, learned) values substituted."""
        e = self.exprs.get(var, sp.Integer(0))
        subs = {sp.Symbol(k, real=True): v for k, v in {**self.fixed, **(values or {})}.items()}
        return e.xreplace(subs)

    def plain(self, var: str, values: dict | None = None) -> sp.Expr:
        """As :meth:`expr`, with plain (assumption-free) symbols, as candidates use."""
        e = self.expr(var, values)
        return e.xreplace({s: sp.Symbol(s.name) for s in e.free_symbols})

    def numpy(self, values: dict | None = None):
        """f(X, p, V) -> known dx/dt of shape (n_samples, n_states); p in ``learned`` order, V the
        inputs (n_samples, n_inputs) when there are any."""
        params = [sp.Symbol(p, real=True) for p in self.learned]
        exprs = [self.expr(v) for v in self.names]
        fn = safe_lambdify([self.state_symbols, params, self.input_symbols], exprs, modules="numpy")

        def f(X, p, V=None):
            X = np.atleast_2d(X)
            V = np.zeros((X.shape[0], 0)) if V is None else np.atleast_2d(V)
            cols = fn(list(X.T), list(p), list(V.T))
            return np.stack([np.broadcast_to(np.asarray(c, dtype=float), X.shape[:1]) for c in cols], axis=1)

        return f

    def torch(self):
        """f(U, p, V) -> known dx/dt as a torch tensor (U: (n, n_states) tensor, p: tensor of learned values,
        V: (n, n_inputs) tensor of inputs when there are any)."""
        import torch

        mods = [{"sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp, "log": torch.log,
                 "sqrt": torch.sqrt, "tanh": torch.tanh, "sinh": torch.sinh, "cosh": torch.cosh, "Abs": torch.abs,
                 "pi": np.pi, "E": np.e}, "math"]
        params = [sp.Symbol(p, real=True) for p in self.learned]
        fns = [safe_lambdify([self.state_symbols, params, self.input_symbols], self.expr(v), modules=mods)
               for v in self.names]

        def f(U, p, V=None):
            cols = list(U.T)
            ps = [p[i] for i in range(len(self.learned))]
            vs = list(V.T) if V is not None else []
            out = [fn(cols, ps, vs) for fn in fns]
            return torch.stack([o if torch.is_tensor(o) and o.shape == U.shape[:1] else
                                torch.zeros_like(U[:, 0]) + o for o in out], dim=1)

        return f

    def linear_terms(self) -> dict[str, list[tuple[str, sp.Expr]]]:
        """Per variable, the known terms of the form (number) * (one learned parameter) * phi(states, inputs).

        Such a term and a hidden term of shape phi cannot be told apart by the hidden network
        alone; distillation reads them together and the joint refit splits them.
        """
        learned = {sp.Symbol(p, real=True) for p in self.learned}
        states = self.state_symbols + self.input_symbols
        out: dict[str, list] = {}
        for v in self.names:
            for term in sp.Add.make_args(sp.expand(self.expr(v))):
                coef, phi = term.as_independent(*states, as_Add=False)
                syms = coef.free_symbols
                if len(syms) == 1 and syms <= learned and sp.diff(coef, *syms).is_number and \
                        sp.simplify(coef - sp.diff(coef, *syms) * next(iter(syms))) == 0 and phi.free_symbols:
                    out.setdefault(v, []).append((next(iter(syms)).name, phi))
        return out

    def describe(self, values: dict | None = None) -> dict[str, str]:
        """The known part as text on the states' (and inputs') identifiers (as ``equations.json`` writes them)."""
        ids = identifiers(self.names + self.inputs)
        return {v: to_text(self.plain(v, values), ids) for v in self.names if v in self.exprs}


def parse_known(known, names, params=None, time_name: str = "t", inputs=()) -> KnownPart:
    """Build a :class:`KnownPart` from ``["x: a*x", ...]`` (CLI) or ``{"x": "a*x"}`` (TOML/API).

    ``params`` is ``["a=1.3", ...]`` or ``{"a": 1.3}``: fixed values; every other symbol that
    names no state and no measured input (``inputs``) is learned.
    """
    names, inputs = tuple(names), tuple(inputs)
    items: list[tuple[str, str]] = []
    if isinstance(known, dict):
        items = [(str(k), str(v)) for k, v in known.items()]
    else:
        for spec in known or []:
            if ":" not in spec:
                raise ConfigError(f"`--known '{spec}'` needs the form 'variable: formula', e.g. --known 'x: a*x'.")
            var, text = spec.split(":", 1)
            items.append((var.strip(), text.strip()))
    exprs: dict[str, sp.Expr] = {}
    ids = identifiers(names + inputs)
    state_of = {ident: _real(label) for label, ident in ids.items()}  # states and inputs
    label_of = {ident: label for label, ident in ids.items()}
    times = {time_name, identifiers([time_name])[time_name]}
    for var, text in items:
        var = var if var in names else label_of.get(var, var)  # a state may be named by its identifier
        if var in inputs:
            raise ConfigError(f"`--known` gives d{var}/dt, but '{var}' is a measured input: it gets no equation; "
                              "give the known part of a state's equation.")
        if var not in names:
            raise ConfigError(f"`--known` names '{var}', which is not a state variable{did_you_mean(var, names)}; "
                              f"state variables: {', '.join(names)}.")
        if var in exprs:
            raise ConfigError(f"`--known` gives d{var}/dt twice; give one formula per variable.")
        e = parse_formula(text, f"--known for {var}", state_of)
        if any(_real(n) in e.free_symbols for n in times - set(state_of)):
            raise ConfigError(f"--known for {var}: the known part may depend on states and parameters, "
                              f"not on time '{time_name}'.")
        exprs[var] = e
    fixed: dict[str, float] = {}
    if isinstance(params, dict):
        pairs = list(params.items())
    else:
        pairs = []
        for spec in params or []:
            if "=" not in spec:
                raise ConfigError(f"`--param '{spec}'` needs the form name=value, e.g. --param a=1.3.")
            k, v = spec.split("=", 1)
            pairs.append((k.strip(), v.strip()))
    symbols = set().union(*(e.free_symbols for e in exprs.values())) if exprs else set()
    state = {sp.Symbol(n, real=True) for n in names + inputs}
    param_names = sorted(s.name for s in symbols - state)
    for k, v in pairs:
        if k not in param_names:
            raise ConfigError(f"`--param {k}=...` names no parameter of the known part"
                              f"{did_you_mean(k, param_names)}; its parameters: {', '.join(param_names) or 'none'}.")
        try:
            fixed[k] = float(v)
        except (TypeError, ValueError):
            raise ConfigError(f"`--param {k}={v}`: '{v}' is not a number.") from None
        if not np.isfinite(fixed[k]):
            raise ConfigError(f"`--param {k}={v}` must be a finite number.")
    learned = tuple(p for p in param_names if p not in fixed)
    return KnownPart(names, exprs, fixed, learned, inputs)
