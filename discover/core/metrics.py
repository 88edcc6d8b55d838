"""The coefficient of determination, written once for every part that reports it."""

from __future__ import annotations

import numpy as np


def r2(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Mean over variables of 1 - SS_res / SS_tot (a variable with no spread counts SS_tot as 1).

    ``truth`` and ``predicted`` have shape (n_samples, n_variables) or (n_samples,).
    """
    truth = np.asarray(truth, dtype=float).reshape(len(truth), -1)
    predicted = np.asarray(predicted, dtype=float).reshape(len(truth), -1)
    resid = ((predicted - truth) ** 2).sum(axis=0)
    total = ((truth - truth.mean(axis=0)) ** 2).sum(axis=0)
    return float(np.mean(1 - resid / np.where(total > 0, total, 1.0)))
