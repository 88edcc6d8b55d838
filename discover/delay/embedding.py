"""Delay embedding: the Hankel matrix of delayed measurements and its SVD.

For a signal x sampled every dt, the Hankel matrix H has rows x(t), x(t + tau), ...,
x(t + (q-1) tau) stacked over t; its leading singular vectors are the eigen-time-delay
coordinates in which the dynamics of the unmeasured state reappear (Takens' theorem).

Choices made from the data (each can be set by hand):

- delay spacing ``tau`` (in samples): the window (q - 1) tau spans a fixed share of the
  signal's decorrelation time (lag where the autocorrelation first drops below 1/e), so the
  embedding resolves the dynamics whatever the sampling rate;
- rank r: the optimal hard threshold of Gavish and Donoho ("The optimal hard threshold for
  singular values is 4/sqrt(3)", 2014) for unknown noise, omega(beta) * median singular value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discover.core.errors import ConfigError
from discover.data.timescales import decorrelation_lag as _lag

WINDOW_SHARE = 0.5  # the delay window spans half the decorrelation time
DEFAULT_DELAYS = 32


def decorrelation_lag(x: np.ndarray) -> int:
    """Samples until the autocorrelation of ``x`` first drops below 1/e (a quarter of the run if never)."""
    return _lag(x, otherwise=len(x) // 4)


def optimal_rank(s: np.ndarray, shape: tuple[int, int], low: int = 2, high: int | None = None) -> int:
    """Gavish-Donoho hard threshold for unknown noise level: count of s above omega(beta)*median(s)."""
    m, n = sorted(shape)
    beta = m / n
    omega = 0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43
    r = int(np.sum(s > omega * np.median(s)))
    return int(np.clip(r, low, high or len(s)))


def hankel(x: np.ndarray, delays: int, spacing: int) -> np.ndarray:
    """Rows: x delayed by 0, spacing, ..., (delays-1)*spacing samples; x of shape (n,) or (n, k).

    For k measured variables the row blocks are interleaved (k rows per delay).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    span = (delays - 1) * spacing
    cols = len(x) - span
    if cols < 2 * delays:
        raise ConfigError(f"The measured signal has {len(x)} samples, too few for {delays} delays "
                          f"spaced {spacing} samples apart; give a longer record or fewer delays.")
    return np.concatenate([x[i * spacing: i * spacing + cols].T for i in range(delays)], axis=0)


@dataclass
class Embedding:
    """A delay embedding of evenly sampled measurements.

    Attributes
    ----------
    dt : sampling interval; delays, spacing : q and tau (samples); rank : r.
    U, s, V : SVD of the (scaled) Hankel matrix, truncated to ``rank``: H = U diag(s) V'.
    mean, scale : the measured signals' normalisation.
    """

    dt: float
    delays: int
    spacing: int
    rank: int
    U: np.ndarray
    s: np.ndarray
    V: np.ndarray
    singular_values: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    @property
    def window(self) -> float:
        return (self.delays - 1) * self.spacing * self.dt

    def coordinates(self, x: np.ndarray) -> np.ndarray:
        """Eigen-time-delay coordinates v(t) of a new record (rows: times of complete windows)."""
        H = hankel((np.asarray(x, dtype=float) - self.mean) / self.scale, self.delays, self.spacing)
        return (self.U.T @ H).T / self.s

    def measurement(self, v: np.ndarray, last: bool = False) -> np.ndarray:
        """The measured signal(s) rebuilt from coordinates v: the window's first sample, or its last."""
        k = len(self.mean)
        rows = self.U[-k:] if last else self.U[:k]
        return (v * self.s) @ rows.T * self.scale + self.mean


def embed(x: np.ndarray, t: np.ndarray, delays: int | None = None, spacing: int | None = None,
          rank: int | None = None, max_rank: int = 24) -> Embedding:
    """Build the Hankel matrix of ``x`` (n,) or (n, k) sampled at ``t`` and its truncated SVD."""
    t = np.asarray(t, dtype=float)
    dts = np.diff(t)
    dt = float(np.median(dts))
    if np.max(np.abs(dts - dt)) > 1e-3 * dt:
        raise ConfigError("Delay embedding needs evenly sampled measurements; resample the record to a fixed "
                          "time step first.")
    x = np.asarray(x, dtype=float)
    x2 = x[:, None] if x.ndim == 1 else x
    mean, scale = x2.mean(axis=0), x2.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    q = int(delays or DEFAULT_DELAYS)
    if spacing is None:
        lag = min(decorrelation_lag(x2[:, j]) for j in range(x2.shape[1]))
        spacing = max(1, int(round(WINDOW_SHARE * lag / max(q - 1, 1))))
    if q < 2 or spacing < 1:
        raise ConfigError("Delay embedding needs at least 2 delays and a spacing of at least 1 sample.")
    H = hankel((x2 - mean) / scale, q, int(spacing))
    U, s, Vt = np.linalg.svd(H, full_matrices=False)
    r = int(rank) if rank else optimal_rank(s, H.shape, low=3, high=max_rank)
    r = min(r, len(s))
    return Embedding(dt, q, int(spacing), r, U[:, :r], s[:r], Vt[:r].T, s, mean, scale)
