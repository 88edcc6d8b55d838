"""Derivative estimation from samples that may be noisy and unevenly spaced.

Two estimates serve the distillers:

* **Local polynomial (Savitzky-Golay) smoothing** generalised to uneven spacing: around each
  sample a cubic is fitted by least squares to the neighbouring samples, in real time units,
  and its value and slope are the smoothed state and the derivative. On an even grid this
  is exactly the Savitzky-Golay filter. The window is not a user's guess: for each
  trajectory and variable it minimises the leave-one-out cross-validation error of the
  smoother, which for a linear smoother is available in closed form,
  :math:`e_i / (1 - H_{ii})` (Hastie, Tibshirani & Friedman, *Elements of Statistical
  Learning*, sec. 7.10). No maintained library does local polynomial derivatives on uneven
  grids with this window choice, hence the hand-written code.
* **Weak (integral) form** (Messenger & Bortz, "Weak SINDy", 2021): for compactly supported
  test functions :math:`\\phi_k`, :math:`\\int \\phi_k \\dot x\\,dt = -\\int \\phi_k' x\\,dt`, so a
  model :math:`\\dot x = \\Theta(x)\\xi` becomes :math:`W\\Theta(x)\\xi = -W' x` with no
  derivative of the noisy data at all. :class:`WeakForm` holds the quadrature matrices
  :math:`W, W'` (trapezoidal weights, so uneven spacing is respected).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

from discover.data import sgconv, uneven
from discover.data.dataset import Dataset, Trajectory

DEGREE = 3
_CHUNK = 20000
_MAX_CV_POINTS = 4000
PROJECT_ROWS = 2**17  # samples per block of WeakForm.project_rows (longer data are projected by blocks)


def _windows(n: int, half: int, at: np.ndarray) -> tuple[np.ndarray, int]:
    """Start index of the window around each sample of ``at`` (shifted inwards at the ends), and its width."""
    w = min(2 * half + 1, n)
    return np.clip(at - half, 0, n - w), w


def _is_uniform(t: np.ndarray) -> bool:
    """Even grid up to 0.1% jitter (times written with 10 significant digits are not exact).

    Within that jitter the Savitzky-Golay weights differ from the exact local fit by far less
    than the noise, and the shared-weights path is hundreds of times faster on big files.
    """
    dt = np.diff(t)
    return bool(np.max(np.abs(dt - dt.mean())) <= 1e-3 * abs(dt.mean()))


def _projection(dt: np.ndarray, deg: int):
    """Rows 0 and 1 of the least-squares projector for polynomials in ``dt``.

    ``dt`` has shape (m, w): offsets of each window's samples from its centre sample.
    Returns ``P0, P1`` of shape (m, w) (value and slope weights).
    """
    scale = np.maximum(np.abs(dt).max(axis=1, keepdims=True), 1e-300)
    V = (dt / scale)[..., None] ** np.arange(deg + 1)  # (m, w, deg+1)
    VtV = np.einsum("mwp,mwq->mpq", V, V)
    P = np.linalg.solve(VtV, np.transpose(V, (0, 2, 1)))  # (m, deg+1, w)
    return P[:, 0, :], P[:, 1, :] / scale


@lru_cache(maxsize=64)
def _uniform_projection(w: int, h: float, deg: int):
    """:func:`_projection` for every place in a window of ``w`` samples ``h`` apart (read-only).

    Cached: the cross-validation tries the same widths on every run of a file, and each is a
    ``w``-by-``w`` set of solves (401 of them for the widest window).
    """
    offs = (np.arange(w)[None, :] - np.arange(w)[:, None]) * h
    U0, U1 = _projection(offs, deg)
    U0.setflags(write=False)
    U1.setflags(write=False)
    return U0, U1


def _local_fit(t: np.ndarray, y: np.ndarray, half: int, at: np.ndarray, degree: int = DEGREE,
               uniform: bool | None = None):
    """Fit a local polynomial around the samples ``at`` (``uniform``: whether ``t`` is an even
    grid, as :func:`_is_uniform` says; found here when not given).

    Returns
    -------
    value, slope : ndarray of shape (len(at), n_columns)
    hat : ndarray of shape (len(at),)
        Weight of each sample on its own fitted value (diagonal of the hat matrix).
    """
    n = t.shape[0]
    starts, w = _windows(n, half, at)
    deg = min(degree, w - 1)
    value = np.empty((at.size, y.shape[1]))
    slope = np.empty_like(value)
    hat = np.empty(at.size)
    uniform = _is_uniform(t) if uniform is None else uniform
    if uniform:
        # On an even grid the weights depend only on the sample's place in its window
        # (Savitzky-Golay), so w small solves replace one per sample.
        U0, U1 = _uniform_projection(w, float(t[1] - t[0]), deg)
    todo = np.arange(at.size)
    large = sgconv.is_large(at.size, w)
    if uniform and w == 2 * half + 1 and large:
        # long even runs: the interior is one convolution (discover.data.sgconv), the ends are gathered
        inner = (at >= half) & (at < n - half)
        v, s = sgconv.interior(y, U0[half], U1[half])
        value[inner], slope[inner], hat[inner] = v[at[inner] - half], s[at[inner] - half], U0[half, half]
        todo = np.flatnonzero(~inner)
    for lo in range(0, todo.size, _CHUNK):
        k = todo[lo : lo + _CHUNK]
        i = at[k]
        idx = starts[k, None] + np.arange(w)[None, :]  # (m, w)
        pos = i - starts[k]
        if uniform:
            P0, P1 = U0[pos], U1[pos]
        elif large:  # long uneven runs: the normal equations, without the projector (discover.data.uneven)
            value[k], slope[k], hat[k] = uneven.local_fit(t, y, idx, i, deg)
            continue
        else:
            P0, P1 = _projection(t[idx] - t[i, None], deg)
        Yw = y[idx]
        value[k] = np.einsum("mw,mwc->mc", P0, Yw)
        slope[k] = np.einsum("mw,mwc->mc", P1, Yw)
        hat[k] = P0[np.arange(i.size), pos]
    return value, slope, hat


def _candidate_halves(n: int) -> np.ndarray:
    top = max(2, min((n - 1) // 3, 200))
    return np.unique(np.round(np.geomspace(2, top, 14)).astype(int))


def choose_half_widths(traj: Trajectory, degree: int = DEGREE) -> np.ndarray:
    """Half-width (in samples) of the smoothing window for each state, by leave-one-out CV.

    Returns
    -------
    ndarray of int, shape (n_states,)
    """
    n = len(traj)
    step = max(1, n // _MAX_CV_POINTS)
    at = np.arange(0, n, step)
    best = np.full(traj.x.shape[1], np.inf)
    choice = np.full(traj.x.shape[1], 2, dtype=int)
    worse = np.zeros(traj.x.shape[1], dtype=int)
    uniform = _is_uniform(traj.t)
    for half in _candidate_halves(n):
        if 2 * half + 1 <= degree + 1:
            continue
        value, _, hat = _local_fit(traj.t, traj.x, half, at, degree, uniform)
        resid = (traj.x[at] - value) / np.maximum(1.0 - hat, 1e-6)[:, None]
        cv = np.mean(resid**2, axis=0)
        better = cv < best
        best[better] = cv[better]
        choice[better] = half
        worse = np.where(better, 0, worse + 1)
        if np.all(worse >= 3):  # the CV curve has turned up for every variable
            break
    return choice


@dataclass(frozen=True)
class Derivatives:
    """Smoothed states and their time derivatives for every trajectory.

    Attributes
    ----------
    smoothed : tuple of ndarray, each (n_samples, n_states)
    derivatives : tuple of ndarray, each (n_samples, n_states)
    half_widths : ndarray of int, shape (n_trajectories, n_states)
        Chosen smoothing half-widths in samples (window = 2 * half + 1).
    """

    smoothed: tuple[np.ndarray, ...]
    derivatives: tuple[np.ndarray, ...]
    half_widths: np.ndarray

    def stacked(self) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate(self.smoothed), np.concatenate(self.derivatives)


def slopes(data: Dataset, half_widths: np.ndarray, degree: int = DEGREE) -> np.ndarray:
    """dx/dt of every trajectory with the given half-widths (one row per trajectory, one column per state), stacked.

    A second estimate beside the chosen one: with windows twice as wide, the estimate's own bias
    grows by a power of the width while the field does not change (how selection tells a term the
    data ask for from the estimate's bias, :func:`discover.selection.form.missing_term`)."""
    out = []
    for traj, hw in zip(data.trajectories, np.asarray(half_widths, dtype=int)):
        hw = np.minimum(hw, max(2, (len(traj) - 1) // 2))
        dx = np.empty_like(traj.x, dtype=float)
        at = np.arange(len(traj))
        uniform = _is_uniform(traj.t)
        for half in np.unique(hw):
            cols = np.flatnonzero(hw == half)
            dx[:, cols] = _local_fit(traj.t, traj.x[:, cols], int(half), at, degree, uniform)[1]
        out.append(dx)
    return np.concatenate(out)


def estimate_derivatives(data: Dataset, degree: int = DEGREE) -> Derivatives:
    """Smooth each trajectory and estimate dx/dt with windows chosen by cross-validation."""
    smoothed, derivs, halves = [], [], []
    for traj in data.trajectories:
        hw = choose_half_widths(traj, degree)
        xs = np.empty_like(traj.x)
        dx = np.empty_like(traj.x)
        at = np.arange(len(traj))
        uniform = _is_uniform(traj.t)
        for half in np.unique(hw):
            cols = np.flatnonzero(hw == half)
            v, s, _ = _local_fit(traj.t, traj.x[:, cols], int(half), at, degree, uniform)
            xs[:, cols], dx[:, cols] = v, s
        smoothed.append(xs)
        derivs.append(dx)
        halves.append(hw)
    return Derivatives(tuple(smoothed), tuple(derivs), np.array(halves))


@dataclass(frozen=True)
class WeakForm:
    """Integral (weak) form of the trajectories.

    Attributes
    ----------
    W : sparse matrix of shape (n_test_functions, n_samples)
        Quadrature weights times test-function values; ``W @ f(x)`` approximates
        :math:`\\int \\phi_k f(x(t)) dt` for every test function.
    targets : ndarray of shape (n_test_functions, n_states)
        :math:`\\int \\phi_k \\dot x\\,dt` (equal to :math:`-\\int \\phi_k' x\\,dt`), computed
        exactly for the linear interpolant of the samples.
    """

    W: sparse.csr_matrix
    targets: np.ndarray

    def project(self, features: np.ndarray) -> np.ndarray:
        """Integrate sample-wise features against every test function."""
        return np.asarray(self.W @ features)

    def project_rows(self, features, X: np.ndarray) -> np.ndarray:
        """``project(features(X))`` for a row-wise map ``features`` (a library: one row of terms per
        sample), a block of :data:`PROJECT_ROWS` samples at a time when ``X`` is longer.

        A library of a million samples is not held whole (20 cubic terms of three states take
        160 MB, and its construction as much again); the sum of the blocks' integrals equals the
        whole one up to rounding. Shorter data are projected in one product, exactly as before.
        """
        n = X.shape[0]
        if n <= PROJECT_ROWS:
            return self.project(features(X))
        Wc = self.W.tocsc()  # column blocks of W, one per block of samples
        out = None
        for lo in range(0, n, PROJECT_ROWS):
            part = np.asarray(Wc[:, lo : lo + PROJECT_ROWS] @ features(X[lo : lo + PROJECT_ROWS]))
            out = part if out is None else out + part
        return out


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(5)


def _slope_weights(t: np.ndarray, c: float, r: float, power: int) -> np.ndarray:
    """Weights ``d`` with ``d @ x`` equal to the integral of phi times the slope of x's linear interpolant.

    Integrating the interpolant's slope against phi equals ``-∫ phi' x dt`` for that
    interpolant exactly (phi vanishes at both ends). Written this way, not as a quadrature
    of ``phi' x``, because on an irregular grid that quadrature loses the cancellation
    between large positive and negative parts of ``phi' x``. ``∫ phi`` over each interval
    is exact with 5-point Gauss-Legendre (phi is a polynomial of degree ``2 * power``).
    """
    h = np.diff(t)
    mid = (t[:-1] + t[1:]) / 2
    nodes = mid[:, None] + (h / 2)[:, None] * _GL_NODES[None, :]
    s = (nodes - c) / r
    Phi = ((1 - s**2) ** power) @ _GL_WEIGHTS * (h / 2)  # integral of phi over each interval
    d = np.zeros_like(t)
    d[1:] += Phi / h
    d[:-1] -= Phi / h
    return d


def _trapezoid_weights(t: np.ndarray) -> np.ndarray:
    w = np.zeros_like(t)
    dt = np.diff(t)
    w[:-1] += dt / 2
    w[1:] += dt / 2
    return w


def weak_form(data: Dataset, half_widths: np.ndarray | None = None, power: int = 4) -> WeakForm:
    """Build test functions :math:`\\phi(s) = (1 - s^2)^p` on overlapping windows of each trajectory.

    The support spans several smoothing windows (the noise scale found by
    :func:`choose_half_widths`), with at least 15 samples; windows overlap by half.
    Rows of the result follow the samples of ``data`` stacked trajectory by trajectory.
    """
    rows, cols, vals, dvals = [], [], [], []
    offset = 0
    k = 0
    for it, traj in enumerate(data.trajectories):
        n = len(traj)
        half = int(np.max(half_widths[it])) if half_widths is not None else 2
        m = int(np.clip(4 * half + 1, 15, max(15, n // 2)))
        m = min(m, n)
        stride = max(1, m // 2)
        for start in range(0, n - m + 1, stride):
            idx = np.arange(start, start + m)
            a, b = traj.t[idx[0]], traj.t[idx[-1]]
            c, r = (a + b) / 2, (b - a) / 2
            s = (traj.t[idx] - c) / r
            # Quadrature weights restricted to the window (trapezoid inside [a, b]).
            qw = _trapezoid_weights(traj.t[idx])
            phi = (1 - s**2) ** power
            rows.append(np.full(m, k))
            cols.append(idx + offset)
            vals.append(qw * phi)
            dvals.append(_slope_weights(traj.t[idx], c, r, power))
            k += 1
        offset += n
    shape = (k, offset)
    r_, c_ = np.concatenate(rows), np.concatenate(cols)
    W = sparse.csr_matrix((np.concatenate(vals), (r_, c_)), shape=shape)
    D = sparse.csr_matrix((np.concatenate(dvals), (r_, c_)), shape=shape)
    _, x = data.stacked()
    return WeakForm(W, np.asarray(D @ x))
