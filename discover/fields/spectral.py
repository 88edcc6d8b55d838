"""Spatial derivatives of sampled fields, with smoothing chosen from the data.

On a periodic grid the derivatives are spectral, (ik)^j û, low-passed at the wavenumber where
the field's spectrum meets its noise floor (:func:`noise_cutoff`). On a bounded grid they are
Savitzky-Golay derivatives (scipy), with a window set by the same cutoff. Time derivatives
respect uneven spacing (:func:`time_derivative`).
"""

from __future__ import annotations

import numpy as np

from discover.fields.terms import MAX_ORDER


def wavenumbers(n: int, dx: float) -> np.ndarray:
    """Angular wavenumbers of an ``n``-point periodic grid of step ``dx`` (numpy's FFT order)."""
    return 2 * np.pi * np.fft.fftfreq(n, d=dx)


def noise_cutoff(u: np.ndarray, floor_factor: float = 8.0) -> tuple[int, float]:
    """Index of the highest wavenumber that stands above the noise floor, and the noise level.

    ``u`` has shape (n_t, n_x). The mean power spectrum over time is flat where white noise
    dominates; its floor is the median power of the top quarter of wavenumbers. The cutoff is
    the last wavenumber whose power exceeds ``floor_factor`` times that floor (averaged over
    the time rows, white noise stays far below that factor; the Nyquist bin alone is not the band). The
    noise standard deviation follows from the floor (Parseval). Clean data (a rounding-error floor,
    or a spectrum above its floor up to the Nyquist index) give the Nyquist index and zero; a solver's
    error floor counts as noise where it is flat, and not where it is not (it then falls to the
    Nyquist index as clean data do).

    Returns
    -------
    (int, float)
        Cutoff index into ``rfft`` wavenumbers, and the estimated noise standard deviation.
    """
    n = u.shape[1]
    spec = np.mean(np.abs(np.fft.rfft(u - u.mean(axis=1, keepdims=True), axis=1)) ** 2, axis=0)
    m = spec.size
    floor = float(np.median(spec[-max(m // 4, 2):]))
    sigma = float(np.sqrt(floor) / np.sqrt(n))
    if floor <= 1e-24 * float(np.max(spec)):  # a rounding-error floor: clean data
        return m - 1, 0.0
    # Index 0 is the (removed) mean. The Nyquist bin of an even grid counts for the floor but not for
    # the band: a lone bin there (a solver's dealiasing, the grid's odd mode) is no resolved signal.
    last = m - 1 if n % 2 == 0 else m
    above = np.flatnonzero(spec[1:last] > floor_factor * floor) + 1
    if above.size == 0:
        return 1, sigma
    top = int(above[-1]) + 1
    if top >= m - max(m // 8, 1):  # no visible floor: the data are (nearly) clean
        return m - 1, 0.0 if top >= m - 1 else sigma
    return top, sigma


def spectral_derivatives(u: np.ndarray, dx: float, order: int = MAX_ORDER, cutoff: int | None = None) -> np.ndarray:
    """u and its spatial derivatives up to ``order`` on a periodic grid, low-passed at ``cutoff``.

    Parameters
    ----------
    u : ndarray of shape (n_t, n_x)
    dx : float
    order : int
    cutoff : int, optional
        Highest kept ``rfft`` index (default: :func:`noise_cutoff`). A Gaussian roll-off beyond it
        (an eighth of the cutoff wide) avoids ringing.

    Returns
    -------
    ndarray of shape (order + 1, n_t, n_x)
    """
    n = u.shape[1]
    if cutoff is None:
        cutoff, _ = noise_cutoff(u)
    k = 2 * np.pi * np.fft.rfftfreq(n, d=dx)
    idx = np.arange(k.size)
    width = max(1.0, cutoff / 8)
    filt = np.where(idx <= cutoff, 1.0, np.exp(-(((idx - cutoff) / width) ** 2)))
    uh = np.fft.rfft(u, axis=1) * filt
    out = np.empty((order + 1, *u.shape))
    for j in range(order + 1):
        mult = (1j * k) ** j
        if j % 2 == 1 and n % 2 == 0:
            mult[-1] = 0.0  # the Nyquist mode has no odd derivative
        out[j] = np.fft.irfft(uh * mult, n=n, axis=1)
    return out


def savgol_derivatives(u: np.ndarray, dx: float, order: int = MAX_ORDER, cutoff: int | None = None) -> np.ndarray:
    """u and its spatial derivatives on a bounded grid: Savitzky-Golay (scipy) along x.

    The window spans about one wavelength of the cutoff wavenumber (at least ``order + 3``
    points, odd), with polynomial degree ``order + 1``; ``mode="interp"`` fits the edges
    with the polynomial of the nearest full window.

    Returns
    -------
    ndarray of shape (order + 1, n_t, n_x)
    """
    from scipy.signal import savgol_filter

    n = u.shape[1]
    if cutoff is None:
        cutoff, _ = noise_cutoff(u)
    poly = order + 1
    window = int(np.clip(round(n / max(cutoff, 1)), poly + 2, max(poly + 2, n // 3)))
    window += 1 - window % 2
    out = np.empty((order + 1, *u.shape))
    for j in range(order + 1):
        out[j] = savgol_filter(u, window, poly, deriv=j, delta=dx, axis=1, mode="interp")
    return out


def time_derivative(u: np.ndarray, t: np.ndarray) -> np.ndarray:
    """du/dt along axis 0, second order, on possibly uneven times (``numpy.gradient``)."""
    return np.gradient(u, t, axis=0, edge_order=2)


def smooth_in_time(u: np.ndarray, t: np.ndarray, noise: float) -> np.ndarray:
    """Savitzky-Golay smoothing along time when noise was detected and the times are even."""
    from scipy.signal import savgol_filter

    if noise <= 0 or u.shape[0] < 9:
        return u
    dt = np.diff(t)
    if np.ptp(dt) > 1e-6 * np.mean(dt):
        return u
    window = min(u.shape[0] // 4 * 2 - 1, 9)
    return savgol_filter(u, max(window, 5), 3, axis=0, mode="interp")


__all__ = ["noise_cutoff", "savgol_derivatives", "smooth_in_time", "spectral_derivatives", "time_derivative",
           "wavenumbers"]
