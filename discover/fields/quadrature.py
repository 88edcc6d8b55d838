"""How narrow a weak-form test function may be: the discretisation error of its integrals on the data's grid.

A weak-form row is a sum over the grid, ``sum_j d^k psi(x_j) g(x_j) dx``, standing for the integral
``int d^k psi g dx``. The sum is exact only for a test function the grid resolves: a bump a few
samples wide, differentiated ``k`` times, has spectrum far beyond the grid's Nyquist wavenumber,
and what it aliases back is an error that no regression can remove. It is largest relative to the
integral exactly where the data live, at wavenumbers far below the test function's own: there the
integral of ``d^k psi`` against a slow mode is small (``~ xi^k``) while the aliasing error is not.

This is the error that sets the test function's width on clean data (where the noise rule of
WSINDy, :func:`discover.fields.weak.support_points`, asks for nothing): :func:`quadrature_error`
measures it on the data's own power spectrum, one Fourier mode at a time (the grid's sum against
the exact integral, by Gauss-Legendre quadrature of the polynomial bump), and
:func:`resolved_points` is the smallest half-width whose error is below ``tol``. It depends only on
the grid, the bump and the data's spectrum, so the same rule holds at any resolution and any noise.
"""

from __future__ import annotations

import numpy as np
from numpy.polynomial import legendre as L
from numpy.polynomial import polynomial as P

TOLERANCE = 1e-3


def band_spectrum(u: np.ndarray, cutoff: int | None = None) -> np.ndarray:
    """Mean power spectrum of the rows of ``u`` (shape (rows, n)), mean removed, zero beyond ``cutoff``.

    The band beyond the noise cutoff is noise, which the noise rule handles; the quadrature must
    be accurate on the signal.
    """
    spec = np.mean(np.abs(np.fft.rfft(u - u.mean(axis=1, keepdims=True), axis=1)) ** 2, axis=0)
    if cutoff is not None:
        spec[cutoff + 1:] = 0.0
    return spec


def quadrature_error(spectrum: np.ndarray, n: int, m: int, bump: np.ndarray, order: int) -> float:
    """Relative error of the grid's sum for ``int d^order psi g`` over data ``g`` with ``spectrum``.

    Parameters
    ----------
    spectrum : ndarray
        Power per ``rfft`` wavenumber of data on ``n`` evenly spaced samples.
    n : int
    m : int
        Half-width of the test function in samples.
    bump : ndarray
        The test function's polynomial in s in [-1, 1] (coefficients, increasing powers), zero outside.
    order : int
        Derivative of the bump in the integral.

    Returns
    -------
    float
        RMS over the data's modes (weighted by their power) of the sum's error, divided by the
        RMS of the exact integrals; 0 for data without power.
    """
    keep = np.flatnonzero(spectrum > 1e-30 * float(np.max(spectrum, initial=0.0)))  # modes with power
    spectrum = spectrum[keep]
    xi = 2 * np.pi * keep / n  # radians per sample
    coef = P.polyder(bump, order)
    j = np.arange(-m, m + 1)
    grid = np.exp(1j * np.outer(xi, j)) @ (P.polyval(j / m, coef) / m**order)
    s, w = L.leggauss(2 * m + coef.size + 40)  # exact for the polynomial times every mode up to Nyquist
    exact = np.exp(1j * np.outer(xi, m * s)) @ (P.polyval(s, coef) * w) * m / m**order
    den = float(np.sum(spectrum * np.abs(exact) ** 2))
    if den <= 0.0:
        return 0.0
    return float(np.sqrt(np.sum(spectrum * np.abs(grid - exact) ** 2) / den))


def resolved_points(spectrum: np.ndarray, n: int, bump: np.ndarray, order: int, minimum: int, maximum: int,
                    tol: float | None = None) -> int:
    """The smallest half-width in ``[minimum, maximum]`` whose :func:`quadrature_error` is below ``tol``.

    ``maximum`` when none is (the grid is too coarse for the bump at this tolerance). The error
    falls as the width grows, so the search doubles the width until it passes and then bisects.
    """
    tol = TOLERANCE if tol is None else tol
    lo, hi = max(minimum, 1), max(maximum, minimum, 1)

    def ok(m: int) -> bool:
        return quadrature_error(spectrum, n, m, bump, order) < tol

    if ok(lo):
        return lo
    step = lo
    while True:  # ok(lo) is False here
        nxt = min(lo + step, hi)
        if ok(nxt):
            hi = nxt
            break
        if nxt == hi:
            return hi
        lo, step = nxt, 2 * step
    while hi - lo > 1:  # ok(hi), not ok(lo)
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


__all__ = ["TOLERANCE", "band_spectrum", "quadrature_error", "resolved_points"]
