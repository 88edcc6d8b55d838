"""A discovered system as a function ``f(x) -> dx/dt`` in NumPy or torch.

A driven model (fitted with measured inputs) gives ``f(x, u, t=None)``: ``u`` is the inputs'
values at the states (an array, as :meth:`~discover.pipeline.estimator.Discoverer.predict` takes them) or
a function ``u(t)`` (as ``simulate(t, x0, u=...)`` and the exported ``rhs(t, x, u)`` take it),
evaluated at ``t``.

NumPy functions are compiled by :func:`discover.core.expressions.safe_lambdify` (labels never reach
generated code). Torch functions evaluate the expression tree directly (no code is generated), so
they are differentiable and run on whatever device and dtype ``x`` has.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.errors import ConfigError, did_you_mean
from discover.core.expressions import safe_lambdify
from discover.export.system import system_of

__all__ = ["to_callable"]

KINDS = ("numpy", "torch")


def to_callable(source, kind: str = "numpy", names=None):
    """``f(x) -> dx/dt`` of the selected system, for ``x`` of shape (..., n_states); ``f(x, u, t=None)``
    for a model that reads measured inputs.

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
        ``f(x)`` returning an array or tensor of the same shape as ``x``. For a driven model,
        ``f(x, u, t=None)``: ``u`` holds the inputs at the states, shape (..., n_inputs) (or the
        shape of ``x`` without its last axis for a single input), or is a function ``u(t)``
        returning (n_inputs,), read at ``t`` (a number, or one time per state).

    Examples
    --------
    >>> f = model.to_callable()                                    # doctest: +SKIP
    >>> f([1.0, 0.0], [0.5])                                       # doctest: +SKIP
    >>> f([1.0, 0.0], numpy.sin, t=2.0)                            # doctest: +SKIP
    """
    if kind not in KINDS:
        raise ConfigError(f"`kind` must be one of {', '.join(KINDS)}, not {kind!r}{did_you_mean(str(kind), KINDS)}.")
    system = system_of(source, names)
    exprs, values = system.internal("x_", "c_")
    states = [sp.Symbol(f"x_{i}") for i in range(len(system.names))]
    inputs = [sp.Symbol(f"u_{j}") for j in range(len(system.inputs))]
    exprs = [e.xreplace({sp.Symbol(k): sp.Float(v, 17) for k, v in values.items()}) for e in exprs]
    if kind == "numpy":
        fn = safe_lambdify(states + inputs, exprs, modules="numpy")

        def f(x):
            x = np.asarray(x, dtype=float)
            out = np.empty(x.shape)
            for i, o in enumerate(fn(*np.moveaxis(x, -1, 0))):
                out[..., i] = o
            return out

        if not inputs:
            return f

        def driven(x, u=None, t=None):
            x = np.asarray(x, dtype=float)
            w = _input_values(u, t, x.shape[:-1], system.inputs, np.asarray)
            return f(np.concatenate([x, np.broadcast_to(w, x.shape[:-1] + w.shape[-1:])], axis=-1))[..., :len(states)]

        return driven
    g = _torch_function(states + inputs, exprs)
    if not inputs:
        return g

    def driven_torch(x, u=None, t=None):
        import torch

        w = _input_values(u, t, tuple(x.shape[:-1]), system.inputs,
                          lambda a: torch.as_tensor(a, dtype=x.dtype, device=x.device))
        return g(torch.cat([x, w.expand(*x.shape[:-1], w.shape[-1])], dim=-1))

    return driven_torch


def _input_values(u, t, lead: tuple, inputs, as_array):
    """The inputs at the states: ``u`` itself, or ``u(t)`` (one call per time), shaped (..., n_inputs)."""
    m = len(inputs)
    if u is None:
        raise ConfigError(f"This model also reads the inputs {', '.join(inputs)}: call f(x, u) with their values at "
                          "x, or f(x, u, t) with a function u(t).")
    if callable(u):
        if t is None:
            raise ConfigError("`u` is a function of time: give the time too, f(x, u, t).")
        times = np.asarray(t, dtype=float)
        vals = [np.atleast_1d(np.asarray(u(float(s)), dtype=float)) for s in times.ravel()]
        if any(v.shape != (m,) for v in vals):
            raise ConfigError(f"`u(t)` must return {m} value(s), one per input ({', '.join(inputs)}).")
        u = np.stack(vals).reshape(times.shape + (m,))
    w = as_array(u)
    if m == 1 and tuple(w.shape) == lead:  # one input given without its own axis
        w = w[..., None]
    if w.ndim == 0 or w.shape[-1] != m:
        raise ConfigError(f"`u` must end in an axis of {m} value(s), one per input ({', '.join(inputs)}); "
                          f"got shape {tuple(w.shape)}.")
    return w


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
