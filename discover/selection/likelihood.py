"""Dropping candidates the measurements reject outright, before they are simulated.

Sparse data make held-out scores weak judges; the measurements' likelihood is not. A
candidate that carries a Bayesian information criterion (``settings["bic"]``, computed on
the measurements by whatever refitted it) and lies more than :data:`BIC_MARGIN` above the best
of its route is left out of selection. Candidates without one are kept.
"""

from __future__ import annotations

from discover.core.candidates import Candidate

BIC_MARGIN = 10.0


def drop_rejected(candidates: list[Candidate]) -> list[Candidate]:
    """``candidates`` less those whose BIC is beyond the best of the same route by the margin."""
    best: dict[str, float] = {}
    for c in candidates:
        if "bic" in c.settings:
            best[c.method] = min(best.get(c.method, float("inf")), c.settings["bic"])
    return [c for c in candidates if "bic" not in c.settings or c.settings["bic"] <= best[c.method] + BIC_MARGIN]
