"""Measured input signals u(t), read between their samples when a model is simulated.

A driven system dx/dt = f(x, u(t)) is integrated at times the solver chooses, not only at
the samples, so every measured input is interpolated: linearly by default, or held at its
last value (zero-order hold) for piecewise-constant inputs such as a switched dose or a
heater turned on and off. Outside the measured span the first or last value is held.
Written by hand rather than with ``scipy.interpolate``: the solver evaluates every run's
input at every step, and a zero-order hold is one ``searchsorted``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from discover.core.errors import ConfigError, shown

HOLDS = ("linear", "zoh")


def check_hold(hold) -> str:
    """``hold`` checked: ``"linear"`` or ``"zoh"`` (zero-order hold)."""
    if hold not in HOLDS:
        raise ConfigError(f"`--input-hold` must be linear or zoh (zero-order hold), not {shown(repr(hold))}.")
    return hold


class InputSignal:
    """u(t) from samples ``u`` (n_samples, n_inputs) at times ``t``.

    Calling it with a time gives an array of shape (n_inputs,); with an array of times,
    shape (len(times), n_inputs).
    """

    def __init__(self, t, u, hold: str = "linear"):
        self.t = np.asarray(t, dtype=float)
        u = np.asarray(u, dtype=float)
        self.u = u[:, None] if u.ndim == 1 else u
        self.hold = check_hold(hold)

    def __call__(self, tq):
        tq = np.asarray(tq, dtype=float)
        flat = np.atleast_1d(tq)
        if self.hold == "zoh":
            idx = np.clip(np.searchsorted(self.t, flat, side="right") - 1, 0, len(self.t) - 1)
            out = self.u[idx]
        else:
            out = np.column_stack([np.interp(flat, self.t, self.u[:, j]) for j in range(self.u.shape[1])])
        return out[0] if tq.ndim == 0 else out


def as_signal(u, t, n_inputs: int, hold: str = "linear") -> Callable:
    """``u`` as a callable u(t) -> (n_inputs,): an array of samples at ``t`` (interpolated with
    ``hold``), or a callable returned as it is (its values are checked at the first time).

    Raises
    ------
    ConfigError
        The array has the wrong shape, or the callable returns the wrong number of values.
    """
    if callable(u):
        try:
            first = np.atleast_1d(np.asarray(u(float(np.asarray(t)[0])), dtype=float))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"`u` must be a function of time returning {n_inputs} number(s) ({exc}).") from None
        if first.shape != (n_inputs,):
            raise ConfigError(f"`u(t)` returned {first.size} value(s); the model has {n_inputs} input(s).")
        return lambda tq: np.atleast_1d(np.asarray(u(float(tq)), dtype=float))
    arr = np.asarray(u, dtype=float)
    if arr.ndim == 1 and n_inputs == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape != (len(t), n_inputs):
        raise ConfigError(f"`u` must have shape ({len(t)}, {n_inputs}) (one row per time, one column per input), "
                          f"not {arr.shape}; or give a function u(t).")
    return InputSignal(t, arr, hold)
