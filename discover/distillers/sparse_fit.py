"""Sparse least squares on a library of terms: the kernels SINDy's searches share.

Thresholded least squares (pysindy's STLSQ), exhaustive best subsets of a few terms, and the QR
compression that makes both cost nothing per row of data once a problem is set up.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def compress(A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An equivalent least-squares problem with as many rows as columns.

    With the thin QR factorisation A = QR, ||Aw - b||^2 = ||Rw - Q'b||^2 + const, so
    thresholded least squares on (R, Q'b) returns the same coefficients as on (A, b) at a
    fraction of the cost: the threshold sweep then costs nothing per row of data.
    """
    # One Householder QR of [A | b] without forming Q: its first p columns give R and its last
    # columns Q'b (the reflections of the first p columns act on b as Q' does), at a fraction of
    # the cost of the explicit Q.
    p = A.shape[1]
    Rb = np.linalg.qr(np.hstack([A, b]), mode="r")
    return Rb[:p, :p], Rb[:p, p:]


def stlsq(A: np.ndarray, b: np.ndarray, threshold: float, alpha: float = 1e-8, max_iter: int = 30) -> np.ndarray:
    """Sequentially thresholded least squares, as pysindy's ``STLSQ`` computes it.

    ``alpha`` is the ridge weight relative to the mean squared column norm, so it means the
    same whatever the number of rows. The ridge keeps the thresholding stable when library
    columns are nearly collinear (a conserved quantity such as S + I + R makes ``1, S, I, R``
    dependent); the final coefficients are plain least squares on the support.

    Written out because the sweep and the bootstrap run it hundreds of times on tiny
    compressed problems, where ``pysindy.STLSQ.fit`` spends ~25 ms per call in input
    validation; tests check that both give the same coefficients.

    Returns
    -------
    ndarray of shape (n_targets, n_features)
    """
    n_feat = A.shape[1]
    G = A.T @ A
    alpha = alpha * np.mean(np.diag(G))
    Ab = A.T @ b
    coef = np.zeros((b.shape[1], n_feat))
    for j in range(b.shape[1]):
        keep = np.ones(n_feat, dtype=bool)
        for _ in range(max_iter):
            idx = np.flatnonzero(keep)
            if idx.size == 0:
                break
            w = np.linalg.solve(G[np.ix_(idx, idx)] + alpha * np.eye(idx.size), Ab[idx, j])
            new_keep = np.zeros(n_feat, dtype=bool)
            new_keep[idx[np.abs(w) >= threshold]] = True
            if np.array_equal(new_keep, keep):
                break
            keep = new_keep
        idx = np.flatnonzero(keep)
        if idx.size:
            # Unbias: plain least squares on the final support.
            coef[j, idx] = np.linalg.lstsq(A[:, idx], b[:, j], rcond=None)[0]
    return coef


def best_subsets(R: np.ndarray, q: np.ndarray, k_max: int) -> list[list[np.ndarray]]:
    """Per target column, the least-squares-best coefficient vector with k = 1..k_max terms.

    Exhaustive over supports on the compressed problem (R is square), so each of the
    C(p, k) fits costs a k-by-k solve whatever the number of data rows. Written by hand:
    pysindy's exact alternative (MIOSR) needs a commercial MIP solver.
    """
    out = [[] for _ in range(q.shape[1])]
    for k in range(1, min(k_max, R.shape[1]) + 1):
        for j, coef in enumerate(subset_fits(R, q, k)):
            out[j].append(coef)
    return out


@lru_cache(maxsize=32)
def supports(p: int, k: int) -> np.ndarray:
    """Every support of ``k`` of ``p`` columns, in combination order, shape (C(p, k), k)."""
    from itertools import combinations

    out = np.array(list(combinations(range(p), k)))
    out.setflags(write=False)
    return out


def subset_fits(R: np.ndarray, q: np.ndarray, k: int) -> list[np.ndarray]:
    """Per target column of ``q``, the least-squares-best coefficient vector with exactly ``k`` terms."""
    p = R.shape[1]
    subs = supports(p, k)
    # Every support of size k at once: a stacked SVD gives each one's least-squares residual
    # as np.linalg.lstsq computes it (same rank cut), for all targets together.
    U, s, _ = np.linalg.svd(R[:, subs].transpose(1, 0, 2), full_matrices=False)
    rank = s > np.finfo(float).eps * max(R.shape[0], k) * s[:, :1]
    U = U * rank[:, None, :]
    fitted = U @ (U.transpose(0, 2, 1) @ q)  # (n_subsets, rows, targets)
    errs = np.sum((fitted - q[None]) ** 2, axis=1)
    out = []
    for j in range(q.shape[1]):
        # near-ties (collinear columns, e.g. a conserved sum) are settled as one lstsq per
        # support in combination order would settle them, the first strictly smaller wins
        e = errs[:, j]
        close = np.flatnonzero(e <= e.min() * (1 + 1e-6) + 1e-12 * float(q[:, j] @ q[:, j]))
        top, top_err = None, np.inf
        for i in close:
            idx = list(subs[i])
            w = np.linalg.lstsq(R[:, idx], q[:, j], rcond=None)[0]
            err = float(np.sum((R[:, idx] @ w - q[:, j]) ** 2))
            if err < top_err:
                top, top_err = (idx, w), err
        coef = np.zeros(p)
        coef[top[0]] = top[1]
        out.append(coef)
    return out


def rms(a: np.ndarray) -> np.ndarray:
    r = np.sqrt(np.mean(a**2, axis=0))
    return np.where(r > 0, r, 1.0)


__all__ = ["best_subsets", "compress", "rms", "stlsq", "subset_fits", "supports"]
