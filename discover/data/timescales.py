"""How long a signal remembers itself: the lag where its autocorrelation first drops below 1/e."""

from __future__ import annotations

import numpy as np


def decorrelation_lag(x: np.ndarray, otherwise: int | None = None) -> int:
    """Samples until the autocorrelation of ``x`` first drops below 1/e.

    A constant signal gives 1; a signal that never decorrelates gives ``otherwise``
    (its length when None).
    """
    from scipy import signal

    x = np.asarray(x, dtype=float) - np.mean(x)
    if not np.any(x):
        return 1
    # FFT autocorrelation: np.correlate is O(n^2) and took minutes on a million rows.
    ac = signal.correlate(x, x, mode="full", method="fft")[len(x) - 1:]
    below = np.flatnonzero(ac / ac[0] < np.exp(-1))
    return int(below[0]) if below.size else (len(x) if otherwise is None else otherwise)


def decorrelation_time(trajectories, n_states: int) -> float:
    """Median over runs and variables of the decorrelation lag, in time units."""
    times = []
    for tr in trajectories:
        if len(tr) < 8:
            continue
        dt = np.median(np.diff(tr.t))
        for j in range(n_states):
            if np.any(tr.x[:, j] != tr.x[0, j]):
                times.append(decorrelation_lag(tr.x[:, j]) * dt)
    return float(np.median(times)) if times else float("inf")
