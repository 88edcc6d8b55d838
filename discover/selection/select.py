"""Choosing the best candidate and saying how sure the choice is.

The rule (named ``simplest-within-tolerance``): among candidates that did not fail, take
the least complex one whose short-horizon held-out error, less the part that measurement
noise alone explains, is within ``TOLERANCE`` (relative) of the best, or within a floor of it:
``FLOOR`` (0.01% of each variable's variance) or ``NOISE_SHARE`` of the noise's share of the
variance, whichever is larger. The second term is about one standard error of an R² measured
on a hundred or so effectively independent noisy held-out samples: differences smaller than
that are chance, and must not buy extra terms.

When the data are too short to hold anything out, the short-horizon error is replaced by a
blocked cross-validation error of each candidate's structure (see
:mod:`discover.selection.crossval`) and the same rule applies. Extra terms that do not improve
held-out prediction are not worth reading; missing terms show up as a clear jump in error.
Within the tolerance, a more complex candidate still wins when it predicts better than the
simplest one in nearly every held-out window, by a margin worth a term (a paired comparison on
the same windows, :mod:`discover.selection.paired`): that is how a rational form beats an
exponential look-alike whose error differs by less than the tolerance but consistently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from discover.core.candidates import Candidate
from discover.core.structure import shape
from discover.selection import provenance
from discover.selection.paired import refine

TOLERANCE = 0.10
FLOOR = 1e-4
NOISE_SHARE = 0.1
RULE = "simplest-within-tolerance"


def _error(c: Candidate) -> float:
    s = c.scores
    if s.get("failed", True):
        return float("inf")
    return max(0.0, 1.0 - s["short_r2"])


def structure_key(c: Candidate) -> tuple:
    """The candidate's structure whatever form it is written in (:func:`discover.core.structure.shape`)."""
    return shape(c.equations)


@dataclass
class Selection:
    """Outcome of selection.

    Attributes
    ----------
    best : Candidate or None
    ranked : list of Candidate
        Every candidate, best first, then by held-out error.
    agreement : list of str
        Methods (other than the best's) whose candidates share the best's structure and were found
        independently of it (:func:`discover.selection.provenance.agreement`).
    confidence : str
        ``"high"``, ``"medium"`` or ``"low"``.
    reasons : list of str
        Sentences that justify the confidence level, for the report (the deciding one first).
    deciding : str or None
        The reason the level is not higher (None when it is high).
    forms : list of str
        Forms of the regression (SINDy's derivative and weak forms) that found the best's structure
        with their own terms.
    dependent : list of str
        Methods that found the best's structure only with terms the best's search proposed (they do
        not count as agreement).
    equivalent : list of Alternative
        The pick and the structures the data cannot tell from it, pick first
        (:mod:`discover.selection.equivalence`; filled by :func:`discover.selection.verdict.assess`).
    design_box : dict of str to (float, float)
        Where those structures were compared, and where a next experiment may start.
    design_plane : callable or None
        States -> the states an experiment can start from (onto the data's conserved quantities).
    missing : dict or None
        The missing-term test of the pick (:func:`discover.selection.form.missing_term`), as
        ``run.json`` records it: ``share``, ``variable``, ``term``, ``threshold``.
    likelihood : dict or None
        The comparison of the eligible structures by the likelihood of the whole measured runs
        (:func:`discover.selection.trajectory.likelihood_pick`): ``margin``, ``judged``, ``segments``,
        ``gain`` (the pick's BIC less the lowest) and ``switched`` (the held-out pick gave way).
    """

    best: Candidate | None
    ranked: list[Candidate]
    agreement: list[str] = field(default_factory=list)
    confidence: str = "low"
    reasons: list[str] = field(default_factory=list)
    rule: str = RULE
    deciding: str | None = None
    forms: list[str] = field(default_factory=list)
    dependent: list[str] = field(default_factory=list)
    equivalent: list = field(default_factory=list)
    design_box: dict = field(default_factory=dict)
    design_plane: object = None
    missing: dict | None = None
    likelihood: dict | None = None


def select(candidates: list[Candidate], in_sample: bool = False, noise: float = 0.0) -> Selection:
    """Pick a candidate.

    Parameters
    ----------
    candidates : list of Candidate
        With ``scores`` filled by :func:`discover.selection.score`.
    in_sample : bool
        The scores were computed on training data (nothing could be held out).
    noise : float
        Normalised error that measurement noise alone causes (estimated from the
        smoothing residuals); errors below it carry no information about the model.
    """
    ok = eligible(candidates, noise)
    if not ok:
        return Selection(None, list(candidates), [], "low", ["every candidate failed when simulated on held-out data"])
    best = refine(min(ok, key=lambda c: (c.complexity, _error(c))), ok, _error)
    return selection_of(best, candidates, in_sample, noise)


def eligible(candidates: list[Candidate], noise: float = 0.0) -> list[Candidate]:
    """The candidates whose held-out error beyond the noise is within the tolerance of the best's (the rule's
    first step; empty when every candidate failed)."""
    ok = [c for c in candidates if np.isfinite(_error(c))]
    if not ok:
        return []

    def excess(c):
        return max(_error(c) - noise, 0.0)

    limit = min(excess(c) for c in ok) * (1 + TOLERANCE) + max(FLOOR, NOISE_SHARE * noise)
    return [c for c in ok if excess(c) <= limit]


def selection_of(best: Candidate, candidates: list[Candidate], in_sample: bool = False, noise: float = 0.0) -> Selection:
    """The selection with ``best`` as the pick: the others ranked by held-out error, agreement and confidence."""
    ok = [c for c in candidates if np.isfinite(_error(c))]
    rule = RULE + (" (blocked cross-validation)" if in_sample else "")
    ranked = [best] + sorted((c for c in candidates if c is not best), key=lambda c: (_error(c), c.complexity))
    # only searches that proposed the structure's terms themselves corroborate it (SINDy handed the
    # functions symbolic regression found does not): see discover.selection.provenance
    agreement, dependent = provenance.agreement(best, ok)
    same_forms = provenance.own_forms(best, ok)
    confidence, reasons, deciding = _confidence(best, ranked, agreement, same_forms, in_sample, noise)
    return Selection(best, ranked, agreement, confidence, reasons, rule, deciding, same_forms, dependent)


def _confidence(best: Candidate, ranked, agreement, forms, in_sample: bool, noise: float = 0.0,
                evidence=None) -> tuple[str, list[str], str | None]:
    """The verdict of :func:`discover.selection.confidence.judge` (from the scores alone unless ``evidence``)."""
    from discover.selection.confidence import Evidence, judge

    evidence = evidence or Evidence(noise=noise, in_sample=in_sample)
    lowest = min(max(_error(c) - evidence.noise, 0.0) for c in ranked)
    return judge(best, ranked, agreement, forms, evidence,
                 lowest * (1 + TOLERANCE) + max(FLOOR, evidence.noise * NOISE_SHARE))
