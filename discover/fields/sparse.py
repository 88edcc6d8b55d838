"""Sparse regression for PDEs: the same sparsity search and bootstrap as the ODE path.

The thresholded least squares (a sweep of thresholds on normalised coefficients) and the
exhaustive best subsets of up to ``k_max`` terms are those of the SINDy distiller
(:mod:`discover.distillers.sindy`), run on the QR-compressed problem so the sweep costs nothing
per row. Every distinct support becomes a candidate; selection simulates them. Bootstrap refits
over resampled rows give each term an inclusion probability (ensemble SINDy, Fasel et al. 2022)
and each coefficient a standard error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discover.distillers.sparse_fit import best_subsets as _best_subsets
from discover.distillers.sparse_fit import compress as _compress
from discover.distillers.sparse_fit import stlsq as _stlsq


@dataclass
class Fit:
    """One support and its least-squares coefficients (in the units of the library columns).

    Attributes
    ----------
    support : tuple of int
    coef : ndarray of shape (n_terms,)
    residual : float
        Relative residual ||A c - b|| / ||b|| on the rows fitted.
    """

    support: tuple[int, ...]
    coef: np.ndarray
    residual: float


def _scales(A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float]:
    col = np.sqrt(np.mean(A**2, axis=0))
    col[col == 0] = 1.0
    return col, float(np.sqrt(np.mean(b**2))) or 1.0


def lstsq_on(A: np.ndarray, b: np.ndarray, support) -> np.ndarray:
    """Least-squares coefficients on ``support``, zeros elsewhere."""
    coef = np.zeros(A.shape[1])
    idx = list(support)
    if idx:
        coef[idx] = np.linalg.lstsq(A[:, idx], b, rcond=None)[0]
    return coef


def sparse_path(A: np.ndarray, b: np.ndarray, k_max: int = 5,
                thresholds=tuple(np.geomspace(1e-3, 1.0, 25))) -> list[Fit]:
    """Every distinct support found by the threshold sweep and by best subsets of 1..k_max terms.

    Columns and target are scaled to unit RMS first, so a threshold is the least typical
    contribution of a kept term as a fraction of u_t's RMS.
    """
    col, tgt = _scales(A, b)
    An, bn = A / col, b / tgt
    R, q = _compress(An, bn[:, None])
    supports = set()
    for th in thresholds:
        c = _stlsq(R, q, th)[0]
        s = tuple(np.flatnonzero(c))
        if s:
            supports.add(s)
    for c in _best_subsets(R, q, k_max)[0]:
        supports.add(tuple(np.flatnonzero(c)))
    fits = []
    nb = float(np.linalg.norm(b)) or 1.0
    for s in sorted(supports, key=lambda s: (len(s), s)):
        coef = lstsq_on(A, b, s)
        fits.append(Fit(s, coef, float(np.linalg.norm(A @ coef - b) / nb)))
    return fits


def subset_limit(p: int, budget: int = 20_000) -> int:
    """The largest k such that the C(p, k) exhaustive subsets of ``p`` columns stay within ``budget``."""
    from math import comb

    k = 1
    while k < p and comb(p, k + 1) <= budget:
        k += 1
    return k


def backward_path(A: np.ndarray, b: np.ndarray) -> list[Fit]:
    """Backward elimination from every column: each step drops the column whose removal raises the
    residual least (a path of supports of every size, for libraries too large for best subsets)."""
    col, tgt = _scales(A, b)
    R, q = _compress(A / col, (b / tgt)[:, None])
    q = q[:, 0]
    keep = list(range(A.shape[1]))
    nb = float(np.linalg.norm(b)) or 1.0
    out = []
    while keep:
        coef = lstsq_on(A, b, keep)
        out.append(Fit(tuple(keep), coef, float(np.linalg.norm(A @ coef - b) / nb)))
        if len(keep) == 1:
            break
        errs = []
        for j in keep:
            rest = [i for i in keep if i != j]
            c = np.linalg.lstsq(R[:, rest], q, rcond=None)[0]
            errs.append(float(np.sum((R[:, rest] @ c - q) ** 2)))
        keep.pop(int(np.argmin(errs)))
    return out


def pareto(fits: list[Fit], limit: int = 8) -> list[Fit]:
    """Per number of terms the best fit, kept only while more terms lower the residual."""
    best: dict[int, Fit] = {}
    for f in fits:
        k = len(f.support)
        if k not in best or f.residual < best[k].residual:
            best[k] = f
    out, last = [], np.inf
    for k in sorted(best):
        if best[k].residual < last:
            out.append(best[k])
            last = best[k].residual
    return out[:limit]


def bootstrap(A: np.ndarray, b: np.ndarray, support, n_boot: int, rng: np.random.Generator,
              blocks: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Inclusion probability of every term, and bootstrap refits of the coefficients on ``support``.

    Rows are resampled in contiguous blocks (neighbouring rows share data). Each resample reruns
    the thresholded least squares at half the smallest normalised coefficient of the chosen
    support (so a term can drop out or another come in) and refits the chosen support.

    Returns
    -------
    (inclusion, samples)
        Inclusion of shape (n_terms,); the refitted coefficients, shape (n_boot, n_terms).
    """
    n, p = A.shape
    k = len(support)
    col, tgt = _scales(A, b)
    edges = np.linspace(0, n, min(blocks, n) + 1).astype(int)
    counts = np.zeros(p)
    coefs = []
    full = lstsq_on(A / col, b / tgt, support)
    th = 0.5 * float(np.min(np.abs(full[list(support)]))) if k else 1.0
    for _ in range(n_boot):
        pick = rng.integers(0, edges.size - 1, edges.size - 1)
        rows = np.concatenate([np.arange(edges[i], edges[i + 1]) for i in pick])
        Ab, bb = A[rows], b[rows]
        R, q = _compress(Ab / col, (bb / tgt)[:, None])
        c = _stlsq(R, q, th)[0]
        counts[np.flatnonzero(c)] += 1
        coefs.append(lstsq_on(Ab, bb, support))
    return counts / max(n_boot, 1), np.array(coefs).reshape(-1, p)


__all__ = ["Fit", "backward_path", "bootstrap", "lstsq_on", "pareto", "sparse_path", "subset_limit"]
