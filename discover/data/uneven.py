"""Local polynomial fits of long, unevenly sampled runs, from the normal equations.

On an uneven grid every sample has its own window of offsets, so no convolution applies:
each sample needs its own small least-squares fit. :func:`~discover.data.derivatives._local_fit`
forms the whole projector :math:`P = (V^T V)^{-1} V^T` (``(deg + 1) * w`` weights per sample) and
then applies its first two rows. Only those rows are needed: the value and slope are the first two
entries of :math:`(V^T V)^{-1} V^T y`, and the sample's weight on its own value (the hat matrix's
diagonal) is :math:`[(V^T V)^{-1}]_{00}`, since the sample's own row of ``V`` is ``(1, 0, ..., 0)``.
Solving the small normal equations for :math:`V^T y` directly is the same arithmetic with the
projector left out, about three times faster on a hundred thousand samples, with the same
conditioning (both solve with :math:`V^T V`). Used above :data:`discover.data.sgconv.MIN_WORK`
only, so smaller files keep the projector's exact rounding; the two agree to about 1e-12 (a test
checks it on a real system).
"""

from __future__ import annotations

import numpy as np

BLOCK = 4096  # samples per block: the powers of their offsets take BLOCK * w * (deg + 1) floats


def local_fit(t: np.ndarray, y: np.ndarray, idx: np.ndarray, centre: np.ndarray, deg: int):
    """Value, slope and own weight of the local polynomial of degree ``deg`` around each ``centre``.

    Parameters
    ----------
    t : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples, n_columns)
    idx : ndarray of int, shape (m, w)
        The samples of each window.
    centre : ndarray of int, shape (m,)
        The sample each window is fitted around (one of its own samples).
    deg : int

    Returns
    -------
    value, slope : ndarray of shape (m, n_columns)
    hat : ndarray of shape (m,)
    """
    m = centre.size
    value = np.empty((m, y.shape[1]))
    slope = np.empty_like(value)
    hat = np.empty(m)
    for lo in range(0, m, BLOCK):
        sl = slice(lo, lo + BLOCK)
        dt = t[idx[sl]] - t[centre[sl], None]
        scale = np.maximum(np.abs(dt).max(axis=1, keepdims=True), 1e-300)
        u = dt / scale
        powers = [np.ones_like(u)]
        for _ in range(deg):
            powers.append(powers[-1] * u)
        V = np.stack(powers, axis=2)  # (b, w, deg + 1)
        G = np.einsum("bwp,bwq->bpq", V, V)
        rhs = np.einsum("bwp,bwc->bpc", V, y[idx[sl]])
        e0 = np.zeros((G.shape[0], deg + 1, 1))
        e0[:, 0, 0] = 1.0
        sol = np.linalg.solve(G, np.concatenate([rhs, e0], axis=2))
        value[sl] = sol[:, 0, :-1]
        slope[sl] = sol[:, 1, :-1] / scale if deg >= 1 else 0.0
        hat[sl] = sol[:, 0, -1]
    return value, slope, hat
