"""Denoised rows of fields in one or two space dimensions: the initial states of simulations.

Each field is low-passed along each axis at the wavenumber where its spectrum meets its noise
floor (:func:`discover.fields.spectral.noise_cutoff`, estimated on rows of the data along that
axis): spectrally with a Gaussian roll-off on a periodic axis, by a Savitzky-Golay filter
(scipy) on a bounded one. Only the rows asked for are filtered, so a large field costs little.
"""

from __future__ import annotations

import numpy as np

from discover.fields.spectral import noise_cutoff


def _lines(u: np.ndarray, axis: int, limit: int = 4096) -> np.ndarray:
    b = np.moveaxis(u, axis, -1).reshape(-1, u.shape[axis])
    return b[np.linspace(0, b.shape[0] - 1, limit).astype(int)] if b.shape[0] > limit else b


def cutoffs(f) -> list[list[tuple[int, float]]]:
    """Per field, per space axis: the cutoff index and the noise standard deviation."""
    return [[noise_cutoff(_lines(f.values[..., k], d + 1)) for d in range(f.n_space)]
            for k in range(f.values.shape[-1])]


def noise_levels(f) -> list[float]:
    """The estimated noise standard deviation of each field (the largest over the axes)."""
    return [max(s for _, s in axes) for axes in cutoffs(f)]


def denoise_rows(f, rows) -> np.ndarray:
    """The field at time rows ``rows``, low-passed; shape (len(rows), *grid, n_fields)."""
    from scipy.signal import savgol_filter

    out = np.array(f.values[list(rows)], dtype=float)
    for k, axes in enumerate(cutoffs(f)):
        for d, (cut, sigma) in enumerate(axes):
            if sigma == 0.0:
                continue
            ax = d + 1
            u = out[..., k]
            n = u.shape[ax]
            if f.periodic and f.periodic[d]:
                idx = np.arange(n // 2 + 1)
                filt = np.where(idx <= cut, 1.0, np.exp(-(((idx - cut) / max(1.0, cut / 8)) ** 2)))
                view = [1] * u.ndim
                view[ax] = idx.size
                out[..., k] = np.fft.irfft(np.fft.rfft(u, axis=ax) * filt.reshape(view), n=n, axis=ax)
            else:
                window = int(np.clip(round(n / max(cut, 1)), 5, max(5, n // 3)))
                window += 1 - window % 2
                out[..., k] = savgol_filter(u, window, 3, axis=ax, mode="interp")
    return out


__all__ = ["cutoffs", "denoise_rows", "noise_levels"]
