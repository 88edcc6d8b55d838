"""Weak-form regression problem for u_t = sum_j c_j d^k_j/dx^k_j (u^p_j) (Messenger & Bortz 2021).

Each equation integrates the PDE against a test function phi(t, x) = psi_t(t) psi_x(x),
psi(s) = (1 - s^2)^p on a space-time subdomain, and moves every derivative onto phi by parts:

    -int phi_t u dx dt = sum_j c_j (-1)^k_j int (d^k_j phi / dx^k_j) u^p_j dx dt,

so no derivative of the noisy data is ever taken. The library is that of WSINDy for PDEs,
derivatives of powers of u (``u``, ``u^2``, ``(u^2)_x``, ``u_xx``, ``(u^3)_xx``, ...), which
the chain rule turns back into monomials (``(u^2)_x / 2 = u u_x``).

Written here rather than with ``pysindy.WeakPDELibrary`` because (i) that library integrates
over a regular grid of subdomains of one fixed size given by the caller, while the size here is
chosen from the noise (the test function's spectrum must be small where the data's spectrum
meets the noise floor), (ii) its integrals assume uniform time steps, and uneven sampling is
part of the input contract, and (iii) with separable test functions every integral is two small
matrix products per library term (``Psi_t F Psi_x^T``), which also handles several runs and
periodic wrap-around at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import polynomial as P

from discover.fields.quadrature import band_spectrum, resolved_points
from discover.fields.spectral import noise_cutoff
from discover.fields.terms import MAX_ORDER, Monomial, conservative


@dataclass(frozen=True)
class WeakTerm:
    """Library term d^order/dx^order (u^power)."""

    power: int
    order: int

    def expand(self) -> dict[Monomial, float]:
        return conservative(self.power, self.order)


def weak_library(max_power: int = 3, max_order: int = MAX_ORDER) -> list[WeakTerm]:
    """u^p (p = 1..max_power) and d^k(u^p) (k = 1..max_order); the constant comes first."""
    terms = [WeakTerm(0, 0)]
    for k in range(max_order + 1):
        for p in range(1, max_power + 1):
            terms.append(WeakTerm(p, k))
    return terms


def _bump(p: int) -> np.ndarray:
    """Coefficients (increasing powers of s) of (1 - s^2)^p."""
    return P.polypow([1.0, 0.0, -1.0], p)


def trapezoid_weights(g: np.ndarray) -> np.ndarray:
    """Quadrature weights of the trapezoid rule on the (possibly uneven) nodes ``g``."""
    w = np.zeros_like(g, dtype=float)
    d = np.diff(g)
    w[:-1] += d / 2
    w[1:] += d / 2
    return w


def test_matrices(g: np.ndarray, centers: np.ndarray, h: float, p: int, orders, period: float | None = None
                  ) -> dict[int, np.ndarray]:
    """Rows: d^k psi((g - c) / h) / dg^k times the quadrature weights, one row per centre."""
    coef = _bump(p)
    d = g[None, :] - centers[:, None]
    if period is not None:
        d = (d + period / 2) % period - period / 2
        w = np.full(g.size, period / g.size)
    else:
        w = trapezoid_weights(g)
    s = d / h
    inside = np.abs(s) < 1
    out = {}
    for k in orders:
        vals = P.polyval(s, P.polyder(coef, k)) / h**k
        out[k] = np.where(inside, vals, 0.0) * w[None, :]
    return out


def support_points(u: np.ndarray, p: int, minimum: int, tol: float = 1e-2, axis: int = 1, order: int = 0) -> int:
    """Half-width in samples of the test function: wide enough for the grid, then for the noise.

    First the smallest half-width whose integrals of the ``order``-th derivative of the bump the
    grid computes to :data:`discover.fields.quadrature.TOLERANCE` on the data's own spectrum (the
    discretisation floor, :func:`~discover.fields.quadrature.resolved_points`: what sets the width
    on clean data); from there WSINDy's noise rule, the smallest half-width whose bump's spectrum
    has fallen below ``tol`` of its peak at the wavenumber where the data's spectrum meets the
    noise floor.
    """
    a = u if axis == 1 else (u * np.hanning(u.shape[0])[:, None]).T
    n = a.shape[1]
    cutoff, sigma = noise_cutoff(a)
    minimum = resolved_points(band_spectrum(a, cutoff), n, _bump(p), order, minimum, n // 4)
    if sigma == 0.0:
        return minimum
    for m in range(minimum, n // 4):
        s = np.linspace(-1, 1, 2 * m + 1)
        psi = np.zeros(n)
        psi[: 2 * m + 1] = P.polyval(s, _bump(p))
        spec = np.abs(np.fft.rfft(psi))
        if spec[min(cutoff, spec.size - 1)] < tol * spec[0]:
            return m
    return max(minimum, n // 4)


def weak_system(fields, train: list[slice], terms: list[WeakTerm], p_x: int = 6, p_t: int = 4,
                m_x: int | None = None, m_t: int | None = None, stride: float = 0.5) -> tuple[np.ndarray, np.ndarray, dict]:
    """Rows of the weak-form regression for every run's training times.

    Parameters
    ----------
    fields : list of Field
        One field each (``values[..., 0]``), 1-D in space.
    train : list of slice
        Training time rows per run.
    terms : list of WeakTerm
    p_x, p_t : int
        Degrees of the bump in space (must exceed the highest derivative order) and time.
    m_x, m_t : int, optional
        Half-widths in samples (default: :func:`support_points`).
    stride : float
        Spacing of the centres as a fraction of the half-width.

    Returns
    -------
    (A, b, info)
        A of shape (n_rows, n_terms), b of shape (n_rows,), and the half-widths used.
    """
    blocks_a, blocks_b = [], []
    used = {}
    for f, rows in zip(fields, train):
        t = f.t[rows]
        x = f.coords[0]
        u = f.values[rows, ..., 0]
        periodic = bool(f.periodic and f.periodic[0])
        top = max(term.order for term in terms)
        mx = m_x or support_points(u, p_x, minimum=min(12, x.size // 6), order=top)
        mt = m_t or support_points(u, p_t, minimum=min(8, t.size // 6), axis=0, order=1)
        mx = int(min(mx, x.size // 4))
        mt = int(min(mt, max(t.size // 3, 2)))
        used = {"m_x": mx, "m_t": mt}
        dx = float(np.median(np.diff(x)))
        dt = float(np.median(np.diff(t)))
        hx, ht = mx * dx, mt * dt
        step_x = max(1, int(stride * mx))
        step_t = max(1, int(stride * mt))
        if periodic:
            cx = x[::step_x]
            period = dx * x.size
        else:
            cx = x[mx: x.size - mx: step_x]
            period = None
        ct = t[mt: t.size - mt: step_t]
        if cx.size == 0 or ct.size == 0:
            continue
        orders_x = sorted({term.order for term in terms})
        Px = test_matrices(x, cx, hx, p_x, orders_x, period)
        Pt = test_matrices(t, ct, ht, p_t, [0, 1])
        blocks_b.append((-Pt[1] @ u @ Px[0].T).ravel())
        cols = []
        for term in terms:
            g = np.ones_like(u) if term.power == 0 else u**term.power
            cols.append(((-1) ** term.order * (Pt[0] @ g @ Px[term.order].T)).ravel())
        blocks_a.append(np.stack(cols, axis=1))
    if not blocks_a:
        return np.zeros((0, len(terms))), np.zeros(0), used
    return np.concatenate(blocks_a), np.concatenate(blocks_b), used


__all__ = ["WeakTerm", "support_points", "test_matrices", "trapezoid_weights", "weak_library", "weak_system"]
