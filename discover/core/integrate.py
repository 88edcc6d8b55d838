"""Integrating systems of ODEs written as sympy expressions.

Used to generate data from reference systems and to simulate every candidate during
selection. Right-hand sides are compiled with :func:`sympy.lambdify` (through
:func:`discover.core.expressions.safe_lambdify`, so state names never reach generated code) to vectorised NumPy
functions so that many initial states are integrated as one stacked system. A candidate
that blows up or grows stiff beyond an evaluation budget is reported as failed
(``ok=False``), never as an exception.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np
import sympy as sp
from scipy.integrate import solve_ivp

from discover.core.expressions import safe_lambdify
from discover.core.silence import output_silenced


class SolveAborted(Exception):
    """Raised inside a right-hand side to stop a solve that has run too long or blown up."""


def limited(fun, max_evals: int, bound: float | None = None, finite: bool = False):
    """``fun(t, y)`` that raises :class:`SolveAborted` after ``max_evals`` calls, when ``|y|``
    exceeds ``bound``, or (``finite``) when its result is not finite: scipy's solvers have no
    evaluation budget, and a model that blows up would otherwise run until it overflows."""
    calls = [0]

    def wrapped(t, y):
        calls[0] += 1
        if calls[0] > max_evals:
            raise SolveAborted("too many steps (the model is stiff or unstable here)")
        if bound is not None and np.max(np.abs(y)) > bound:
            raise SolveAborted("the solution blew up")
        dy = fun(t, y)
        if finite and not np.all(np.isfinite(dy)):
            raise SolveAborted("the right-hand side became non-finite")
        return dy

    return wrapped


@dataclass(frozen=True)
class Solution:
    """Result of :func:`integrate`.

    Attributes
    ----------
    x : list of ndarray, each (len(times_i), n_states)
        States at the requested times; rows after a failure are NaN.
    ok : bool
        False when the solve blew up, produced non-finite values or ran out of budget.
    message : str
    failed_runs : tuple of int
        With ``per_run=True``: the runs that blew up (their rows are NaN) while the others
        finished.
    """

    x: list
    ok: bool
    message: str = ""
    failed_runs: tuple = ()


@lru_cache(maxsize=512)
def _compiled(symbols: tuple, exprs: tuple):
    # Selection simulates each candidate several times (validation segments, horizons,
    # cross-validation) and the report again: lambdify (sympy printing + compile) once per system.
    return safe_lambdify(list(symbols), list(exprs), modules="numpy")


def compile_rhs(exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol], input_symbols: Sequence[sp.Symbol] = ()):
    """Return ``f(X)`` mapping states of shape (n_states, m) to derivatives (n_states, m).

    With ``input_symbols``, ``f(X, U)`` also takes the inputs' values, shape (n_inputs, m).
    """
    try:
        fn = _compiled(tuple(symbols) + tuple(input_symbols), tuple(exprs))
    except TypeError:  # an unhashable right-hand side: compile it afresh
        fn = safe_lambdify(list(symbols) + list(input_symbols), list(exprs), modules="numpy")

    def f(X: np.ndarray, U: np.ndarray | None = None) -> np.ndarray:
        out = np.empty(X.shape)
        args = list(X) if U is None else [*X, *U]
        for i, o in enumerate(fn(*args)):
            out[i] = o  # constants broadcast
        return out

    return f


def _input_values(inputs, starts: np.ndarray, n_inputs: int):
    """``U(t)``: the inputs of every stacked run at its own relative time ``t``, shape (n_inputs, n_runs).

    ``inputs[i]`` is run ``i``'s signal on absolute time (run ``i`` starts at ``starts[i]``); runs that
    share one signal (windows of one held-out segment) are read in one vectorised call."""
    from discover.core.signals import InputSignal

    groups: dict[int, tuple] = {}
    for i, sig in enumerate(inputs):
        groups.setdefault(id(sig), (sig, []))[1].append(i)
    groups = [(sig, np.array(idx)) for sig, idx in groups.values()]

    def U(t: float) -> np.ndarray:
        out = np.empty((len(starts), n_inputs))
        for sig, idx in groups:
            if isinstance(sig, InputSignal):
                out[idx] = sig(t + starts[idx])
            else:
                for i in idx:
                    out[i] = sig(t + starts[i])
        return out.T

    return U


def integrate(
    exprs: Sequence[sp.Expr],
    symbols: Sequence[sp.Symbol],
    x0: np.ndarray,
    times: Sequence[np.ndarray],
    bound: float | None = None,
    max_evals: int = 12000,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    method: str = "auto",
    per_run: bool = False,
    inputs: Sequence | None = None,
    input_symbols: Sequence[sp.Symbol] = (),
) -> Solution:
    """Integrate the system from several initial states at once.

    Parameters
    ----------
    exprs, symbols : right-hand side of d(symbol)/dt, one expression per symbol.
    x0 : ndarray of shape (n_runs, n_states)
        Initial states; run ``i`` starts at ``times[i][0]``.
    times : list of ndarray
        Requested output times per run. Each run is integrated on its own relative clock
        ``times[i] - times[i][0]`` so that all runs share one stacked solve.
    bound : float, optional
        Abort when any state's magnitude exceeds this (blow-up).
    method : str
        A :func:`scipy.integrate.solve_ivp` method, or ``"auto"``: explicit RK45 first
        (cheap for the many stacked runs of selection) and LSODA if that runs out of
        evaluations (the system is stiff).
    max_evals : int
        Abort after this many right-hand-side evaluations.
    per_run : bool
        A run that blows up (beyond ``bound``, or non-finite) is frozen and reported in
        ``failed_runs`` instead of failing the whole solve: one unphysical starting state (a
        population smoothed slightly below zero) should not sink a model that is right
        everywhere else.
    inputs : list of callable, optional
        For a driven system, run ``i``'s input signal u(t) on absolute time (an
        :class:`~discover.core.signals.InputSignal` interpolating the measurements, or any function
        returning shape (n_inputs,)); ``input_symbols`` name the inputs in ``exprs``.

    ``atol`` is meant for states of order one: when every initial state is smaller than
    one it shrinks with them (times the largest magnitude), so data measured in tiny units
    (1e-9) are integrated as accurately as the same data in units of order one.
    """
    x0 = np.atleast_2d(np.asarray(x0, dtype=float))
    n_runs, d = x0.shape
    rel = [np.asarray(ti, dtype=float) - float(ti[0]) for ti in times]
    horizon = max(float(r[-1]) for r in rel)
    magnitude = float(np.max(np.abs(x0))) if np.all(np.isfinite(x0)) else 1.0
    if 0.0 < magnitude < 1.0:
        atol = atol * magnitude
    f = compile_rhs(exprs, symbols, input_symbols)
    U = _input_values(inputs, np.array([float(ti[0]) for ti in times]), len(input_symbols)) if input_symbols else None
    dead = np.zeros(n_runs, dtype=bool)
    any_dead = [False]

    def field(_t, y):
        # called thousands of times per selection: runs are checked one by one only when the
        # whole stacked state fails the cheap test (everything finite and within the bound)
        X = y.reshape(n_runs, d).T
        dy = (f(X) if U is None else f(X, U(_t))).T
        if per_run:
            if not (np.isfinite(dy).all() and np.isfinite(y).all() and (bound is None or np.abs(y).max() <= bound)):
                gone = ~np.all(np.isfinite(dy), axis=1) | ~np.all(np.isfinite(X.T), axis=1)
                if bound is not None:
                    gone |= np.max(np.abs(X.T), axis=1) > bound
                dead[gone] = True
                if dead.all():
                    raise SolveAborted("the solution blew up")
                any_dead[0] = bool(dead.any())
            if any_dead[0]:
                dy[dead] = 0.0  # frozen: a run that blew up no longer steers the step size
            return dy.reshape(-1)
        dy = dy.reshape(-1)
        if not np.all(np.isfinite(dy)):
            raise SolveAborted("the right-hand side became non-finite")
        if bound is not None and np.max(np.abs(y)) > bound:
            raise SolveAborted("the solution blew up")
        return dy

    rhs = limited(field, max_evals)

    nan = [np.full((len(r), d), np.nan) for r in rel]
    if horizon <= 0:
        return Solution([np.repeat(x0[i : i + 1], len(r), axis=0) for i, r in enumerate(rel)], True)
    if method == "auto":
        first = integrate(exprs, symbols, x0, times, bound, max_evals, rtol, atol, "RK45", per_run, inputs,
                          input_symbols)
        if first.ok or "too many steps" not in first.message:
            return first
        method, max_evals = "LSODA", max_evals // 2
    try:
        # overflow in a model that blows up is caught by the checks above, not warned about
        # LSODA prints its warnings past Python (file descriptors 1 and 2); its status says the same
        with np.errstate(all="ignore"), output_silenced() if method == "LSODA" else contextlib.nullcontext():
            sol = solve_ivp(rhs, (0.0, horizon), x0.reshape(-1), method=method, dense_output=True, rtol=rtol,
                            atol=atol)
    except SolveAborted as exc:
        return Solution(nan, False, str(exc))
    except (ValueError, ZeroDivisionError, OverflowError, FloatingPointError) as exc:
        return Solution(nan, False, f"the solver failed ({exc})")
    if sol.status != 0:
        return Solution(nan, False, sol.message)
    # the dense output of the stacked solve, read once at every run's times (it holds every run
    # at each time asked: reading it run by run would cost n_runs times as much)
    when = np.unique(np.concatenate(rel))
    dense = sol.sol(when).T.reshape(len(when), n_runs, d)
    out = [dense[np.searchsorted(when, r), i, :] for i, r in enumerate(rel)]
    if per_run:
        dead |= np.array([not np.all(np.isfinite(o)) for o in out])
        out = [np.full_like(o, np.nan) if dead[i] else o for i, o in enumerate(out)]
        if dead.all():
            return Solution(nan, False, "the solution blew up")
        return Solution(out, True, "", tuple(int(i) for i in np.flatnonzero(dead)))
    if not all(np.all(np.isfinite(o)) for o in out):
        return Solution(nan, False, "the solution became non-finite")
    return Solution(out, True)
