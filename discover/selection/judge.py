"""Scoring a batch of candidates the one way selection judges them.

Each candidate is simulated on the held-out data (:func:`~discover.selection.scoring.score`);
when nothing could be held out, its short-horizon score is replaced by a blocked
cross-validation of its structure on the training runs.
"""

from __future__ import annotations

from discover.core.firewall import contained
from discover.core.progress import NullProgress
from discover.selection.crossval import blocked_cv_error
from discover.selection.scoring import Validation, score


def judge(candidates: list, prepared, validation: Validation, progress=None) -> None:
    """Fill ``scores`` of every candidate in place."""
    names = prepared.names
    with (progress or NullProgress()).task("scoring candidates on held-out data", total=len(candidates)) as task:
        for c in candidates:
            scores, failed = contained(lambda: score(c, validation, names), "simulating a candidate")
            c.scores = scores if failed is None else {"failed": True, "message": failed}
            c.window_errors = c.scores.pop("window_errors", None)
            if prepared.in_sample and not c.scores["failed"]:
                cv = blocked_cv_error(c, list(prepared.train_smoothed), list(prepared.train.trajectories),
                                      list(prepared.derivatives), names, validation.variance,
                                      prepared.inputs, prepared.data.hold)
                c.scores["in_sample_short_r2"] = c.scores["short_r2"]
                c.scores["short_r2"] = 1.0 - cv
                c.scores["cross_validated"] = True
                c.window_errors = None  # the ranked error is no longer the windows' median
            task.advance()
