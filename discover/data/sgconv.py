"""Savitzky-Golay smoothing of long, evenly sampled runs as a convolution.

On an even grid every interior sample's window holds the same offsets, so its local
polynomial's value and slope are one fixed weighted sum of its neighbours: a correlation of
the signal with the centre row of the Savitzky-Golay projector (Savitzky & Golay, Anal. Chem.
1964). :func:`~discover.data.derivatives._local_fit` gathers every window (``n * w`` values)
and sums it sample by sample; on a million rows with windows of 401 samples that gather moves
gigabytes and took most of a run. Here the interior is convolved with the FFT
(overlap-add, :func:`scipy.signal.oaconvolve`) in ``O(n log w)``, and only the ``2 * half``
samples at the ends, whose windows are shifted inwards, are left to the gathered sums.

Used only where the gathered sums would be large (:data:`MIN_WORK` values), so results on
the bench's small and medium files are bit for bit those of the gathered sums; above it the two
agree to rounding (about 1e-12 of the signal's scale; a test checks it on a real system).
"""

from __future__ import annotations

import numpy as np

# Gathered window values (samples times window width) above which the interior is convolved:
# 2**24 values is ~130 MB of gathered windows per column block, far above every file of the bench
# (5,000 rows with windows of at most 401 samples is 2 million).
MIN_WORK = 2**24


def is_large(n_at: int, width: int) -> bool:
    """Whether ``n_at`` local fits over windows of ``width`` samples are worth a faster path (the
    convolution here on even grids, :mod:`discover.data.uneven` on uneven ones)."""
    return n_at * width >= MIN_WORK


def interior(y: np.ndarray, w0: np.ndarray, w1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and slope of the local fit at every interior sample of an evenly sampled run.

    Parameters
    ----------
    y : ndarray of shape (n_samples, n_columns)
    w0, w1 : ndarray of shape (w,)
        Value and slope weights of the centre sample of a window of ``w`` samples (the
        projector's row for the sample at position ``half``).

    Returns
    -------
    value, slope : ndarray of shape (n_samples - w + 1, n_columns)
        Row ``k`` belongs to sample ``k + half``.
    """
    from scipy.signal import oaconvolve

    # correlation with the weights is convolution with the weights reversed
    value = oaconvolve(y, w0[::-1, None], mode="valid", axes=0)
    slope = oaconvolve(y, w1[::-1, None], mode="valid", axes=0)
    return value, slope
