"""Strong-form regression problem (PDE-FIND, Rudy et al. 2017): u_t against products u^p * d^k u.

The library is PDE-FIND's: powers of u up to ``max_power`` times derivatives up to
``max_order`` (and the powers alone). Derivatives are spectral on periodic grids and
Savitzky-Golay on bounded ones, both low-passed where the data's spectrum meets its noise
floor (:mod:`discover.fields.spectral`); u_t is taken from the same denoised field.

Written with our own derivatives rather than ``pysindy.PDELibrary`` because that library
differentiates the raw samples with one method and fixed settings for every order, with no
smoothing chosen from the noise; the noise-based cutoff is what keeps the strong form usable
at 1% noise. PySINDy's PDELibrary runs unchanged as the baseline in ``benchmarks/pde.py``.
"""

from __future__ import annotations

import numpy as np

from discover.fields.spectral import noise_cutoff, savgol_derivatives, smooth_in_time, spectral_derivatives, time_derivative
from discover.fields.terms import MAX_ORDER, Monomial, evaluate, monomial


def strong_library(max_power: int = 3, max_order: int = MAX_ORDER) -> list[Monomial]:
    """1, u, ..., u^max_power, and u^p * (k-th derivative) for p = 0..max_power, k = 1..max_order."""
    out = [monomial(p, None) for p in range(max_power + 1)]
    for k in range(1, max_order + 1):
        for p in range(max_power + 1):
            out.append(monomial(p, k))
    return out


def denoised_derivatives(f, rows: slice | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """u and its spatial derivatives, and u_t, from one field's (training) rows.

    Returns
    -------
    (derivs, ut, info)
        ``derivs`` of shape (MAX_ORDER + 1, n_t, n_x), ``ut`` of shape (n_t, n_x), and the
        cutoff and noise estimate.
    """
    rows = rows if rows is not None else slice(None)
    t = f.t[rows]
    u = f.values[rows, ..., 0]
    dx = float(np.median(np.diff(f.coords[0])))
    cutoff, sigma = noise_cutoff(u)
    periodic = bool(f.periodic and f.periodic[0])
    diff = spectral_derivatives if periodic else savgol_derivatives
    derivs = diff(u, dx, MAX_ORDER, cutoff)
    smooth = smooth_in_time(derivs[0], t, sigma)
    ut = time_derivative(smooth, t)
    return derivs, ut, {"cutoff": int(cutoff), "noise": float(sigma), "periodic": periodic}


def strong_system(fields, train: list[slice], terms: list[Monomial], max_rows: int = 20000,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    """Rows (grid points of every run's training times, edges trimmed) of u_t = Theta c.

    Returns
    -------
    (A, b, info)
    """
    blocks_a, blocks_b = [], []
    info = {}
    for f, rows in zip(fields, train):
        derivs, ut, info = denoised_derivatives(f, rows)
        nt, nx = ut.shape
        et = min(3, nt // 4)
        ex = 0 if info["periodic"] else max(3, nx // 20)
        sl = (slice(et, nt - et), slice(ex, nx - ex))
        blocks_b.append(ut[sl].ravel())
        blocks_a.append(np.stack([evaluate(m, derivs[(slice(None), *sl)]).ravel() for m in terms], axis=1))
    A, b = np.concatenate(blocks_a), np.concatenate(blocks_b)
    if b.size > max_rows:
        keep = np.sort(np.random.default_rng(seed).choice(b.size, max_rows, replace=False))
        A, b = A[keep], b[keep]
    return A, b, info


__all__ = ["denoised_derivatives", "strong_library", "strong_system"]
