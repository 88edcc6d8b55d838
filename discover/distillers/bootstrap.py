"""How often each library term survives when SINDy's search is rerun on resampled rows.

The inclusion probability of a term (bootstrap of rows, as in ensemble SINDy: Fasel, Kutz,
Brunton & Brunton, Proc. R. Soc. A 2022) is the share of resamples on which the candidate's own
search keeps it. Every candidate of one regression problem (one library, one form) is refitted
on the same resamples, drawn once: common random numbers make the candidates' probabilities
comparable, and each resample is compressed once and its best-subset search run once per size,
whatever the number of candidates that share it (a front of 12 candidates from three libraries
costs three sets of resamples, not twelve).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.distillers.sparse_fit import compress, stlsq, subset_fits


class TermBootstrap:
    """Bootstrap inclusion probabilities for the candidates of a SINDy search.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the resamples, problem by problem in the order they are first asked for.
    n_boot : int
        Resamples per problem (0: no probabilities).
    """

    def __init__(self, rng: np.random.Generator, n_boot: int):
        self.rng, self.n_boot = rng, n_boot
        self._resamples: dict[int, tuple[np.ndarray, list]] = {}  # id(A) -> (A, [(R, q), ...])
        self._subsets: dict[tuple[int, int, int], list[np.ndarray]] = {}  # (id(A), resample, k) -> coefs

    def _compressed(self, A: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        key = id(A)
        if key not in self._resamples:  # A is kept with its resamples, so its id is not reused
            m = A.shape[0]
            draws = [self.rng.integers(0, m, size=m) for _ in range(self.n_boot)]
            self._resamples[key] = (A, [compress(A[idx], b[idx]) for idx in draws])
        return self._resamples[key][1]

    def _subset(self, A: np.ndarray, i: int, R: np.ndarray, q: np.ndarray, k: int) -> list[np.ndarray]:
        key = (id(A), i, k)
        if key not in self._subsets:
            self._subsets[key] = subset_fits(R, q, k)
        return self._subsets[key]

    def probabilities(self, entry: dict, names) -> dict[str, dict[str, float]]:
        """{variable: {term: probability}} for one candidate of the search (its terms, and any
        other term a resample kept).

        ``entry`` holds the candidate's normalised problem (``problem``: A, b, scales), its
        coefficients (``coef``), library (``terms``) and how it was found: by thresholding at
        ``threshold`` (ridge ``ridge``), or by the best-subset search with ``subset_sizes`` terms
        per equation, in which case each resample reruns that search for the same sizes.
        """
        if self.n_boot <= 0:
            return {}
        An, bn, _, _ = entry["problem"]
        counts = np.zeros_like(entry["coef"])
        sizes = entry.get("subset_sizes")
        for i, (R, q) in enumerate(self._compressed(An, bn)):
            if sizes is None:  # found by thresholding: rerun thresholding at its threshold
                counts += stlsq(R, q, entry["threshold"], alpha=entry["ridge"]) != 0
                continue
            fits = {k: self._subset(An, i, R, q, k) for k in set(sizes)}
            for j, k in enumerate(sizes):
                counts[j] += fits[k][j] != 0
        prob = counts / self.n_boot
        out = {}
        for j, v in enumerate(names):
            out[v] = {
                sp.sstr(t): round(float(p), 3)
                for t, p, c in zip(entry["terms"], prob[j], entry["coef"][j])
                if p > 0 or c != 0
            }
        return out


__all__ = ["TermBootstrap"]
