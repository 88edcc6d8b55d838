"""A discovered system as a function ``f(x) -> dx/dt`` in NumPy or torch.

NumPy functions are compiled by :func:`discover.expressions.safe_lambdify` (labels never reach
generated code). Torch functions evaluate the expression tree directly (no code is generated), so
they are differentiable and run on whatever device and dtype ``x`` has.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.errors import ConfigError, did_you_mean
from discover.export.system import system_of
from discover.expressions import safe_lambdify

__all__ = ["to_callable"]

KINDS = ("numpy", "torch")


def to_callable(source, kind: str = "numpy", names=None):
    """``f(x) -> dx/dt`` of the selected system, for ``x`` of shape (..., n_states).

    Parameters
    ----------
    source : Discoverer, RunResult or Candidate
        See :func:`discover.export.system_of`.
    kind : {"numpy", "torch"}
        ``"numpy"`` takes and returns arrays; ``"torch"`` takes and returns tensors (autograd
        flows through it).
    names : sequence of str, optional
        The order of the last axis of ``x`` (default: the model's).

    Returns
    -------
    callable
        ``f(x)`` returning an array or tensor of the same shape as ``x``.
    """
    if kind not in KINDS:
        raise ConfigError(f"`kind` must be one of {', '.join(KINDS)}, not {kind!r}{did_you_mean(str(kind), KINDS)}.")
    system = system_of(source, names)
    if system.inputs:
        raise ConfigError(f"`to_callable` makes f(x) of a closed system; this model also reads the inputs "
                          f"{', '.join(system.inputs)}: use `to_python` (rhs(t, x, u)) or `simulate(t, x0, u=...)`.")
    exprs, values = system.internal("x_", "c_")
    states = [sp.Symbol(f"x_{i}") for i in range(len(system.names))]
    exprs = [e.xreplace({sp.Symbol(k): sp.Float(v, 17) for k, v in values.items()}) for e in exprs]
    if kind == "numpy":
        fn = safe_lambdify(states, exprs, modules="numpy")

        def f(x):
            x = np.asarray(x, dtype=float)
            out = np.empty(x.shape)
            for i, o in enumerate(fn(*np.moveaxis(x, -1, 0))):
                out[..., i] = o
            return out

        return f
    return _torch_function(states, exprs)


def _torch_function(states, exprs):
    import torch

    functions = {sp.sin: torch.sin, sp.cos: torch.cos, sp.tan: torch.tan, sp.exp: torch.exp, sp.log: torch.log,
                 sp.tanh: torch.tanh, sp.sinh: torch.sinh, sp.cosh: torch.cosh, sp.Abs: torch.abs}
    index = {s: i for i, s in enumerate(states)}

    def ev(e, x):
        if e in index:
            return x[..., index[e]]
        if e.is_Number or e.is_NumberSymbol:
            return torch.as_tensor(float(e), dtype=x.dtype, device=x.device)
        if e.is_Add:
            return sum((ev(a, x) for a in e.args[1:]), ev(e.args[0], x))
        if e.is_Mul:
            out = ev(e.args[0], x)
            for a in e.args[1:]:
                out = out * ev(a, x)
            return out
        if e.is_Pow:
            return torch.pow(ev(e.base, x), ev(e.exp, x))
        if type(e) in functions:
            return functions[type(e)](ev(e.args[0], x))
        raise ConfigError(f"The torch export cannot compute {type(e).__name__}; use kind='numpy'.")

    def f(x):
        return torch.stack([ev(e, x).expand(x.shape[:-1]) for e in exprs], dim=-1)

    return f
