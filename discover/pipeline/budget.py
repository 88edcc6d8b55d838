"""The run's time budget applied to its plan: each stage's estimated cost, its share, and what happened.

Before a stage runs, :meth:`Budget.admit` compares the stage's estimated cost (:func:`estimate`:
each plug-in's declared :class:`~discover.core.budget.WorkCost`, an explicit model in the samples and
the variables) with the time left after
the reserve (the share kept for the final selection, the uncertainty and the report, which always
run). A stage that cannot fit (less than half its estimate left: the estimates are rough by a
factor of two) is skipped with the reason ("skipped: 3.10 s left, estimated 40.0 s"); one that
fits gets a deadline for its share (:class:`discover.core.budget.Deadline`): all the time the
later stages' estimates leave, or, when not all fit, its estimate or its fair part of what is left.
The deadline is current while the stage's searches run, so that each search stops when the share
is spent and returns what it has; such a stage is recorded as ``cut``. The first stage always runs, on whatever is left: a run
always keeps a best candidate so far, and a run that hits its budget still ends with a model.

:meth:`Budget.record` adds ``estimated_s``, ``seconds`` and ``outcome`` (``ran``, ``cut``,
``skipped`` by the budget, ``not run`` for another reason) to a stage's entry of ``run.json``'s
plan; the report says what the budget cut in one line per stage
(:func:`discover.report.context.budget_cuts`).
"""

from __future__ import annotations

import time

from discover.core.budget import Deadline, WorkCost, default_budget

#: Kept for selection, uncertainty and the report: this fraction of the budget, at least RESERVE_MIN_S.
RESERVE_FRACTION = 0.2
RESERVE_MIN_S = 1.0
#: A stage runs when at least this fraction of its estimate is left: the estimates are rough by a
#: factor of two, and a search cut short by its deadline still returns what it found.
FIT_FRACTION = 0.5


#: A plug-in whose cost no one declares (a third-party distiller): a modest guess per variable.
UNKNOWN = WorkCost(5.0, 5.0, "variables")


def cost_of(name: str, registry) -> WorkCost:
    """The cost model of the plug-in ``name`` of ``registry``: the one it declares (in its registry's
    declaration or as its class's ``cost``: the distillers' and surrogates' measured constants live
    beside them), else :data:`UNKNOWN`. Its name is never a branch here."""
    return registry.cost(name) or UNKNOWN


def estimate(routes, n: int, d: int, fitted=()) -> float:
    """Estimated seconds of a stage's routes on ``n`` samples of ``d`` variables (a surrogate already
    in ``fitted`` costs nothing again)."""
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    total, seen = 0.0, set(fitted)
    for r in routes:
        total += cost_of(r.distiller, DISTILLERS)(n, d)
        if r.surrogate and r.surrogate not in seen:
            total += cost_of(r.surrogate, SURROGATES)(n, d)
            seen.add(r.surrogate)
    return total


def _seconds(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s" if x < 100 else f"{x:,.0f} s"


class Budget:
    """The budget of one fit: the clock, the reserve, and each stage's share.

    Parameters
    ----------
    seconds : float or None
        The budget; None for :func:`discover.core.budget.default_budget` of the data's size.
    n, d : int
        Training samples and variables (states and inputs).
    """

    def __init__(self, seconds: float | None, n: int, d: int, started: float | None = None):
        self.default = seconds is None
        self.seconds = default_budget(n, d) if seconds is None else float(seconds)
        self.n, self.d = n, d
        self.started = time.monotonic() if started is None else started
        self.deadline = Deadline.at(self.started + self.seconds)
        self.reserve = max(RESERVE_MIN_S, RESERVE_FRACTION * self.seconds)

    def describe(self) -> dict:
        """The budget as ``run.json`` records it."""
        return {"seconds": self.seconds, "default": self.default, "reserve_s": round(self.reserve, 3),
                "samples": self.n, "variables": self.d,
                "spent_s": round(time.monotonic() - self.started, 3)}

    def announce(self) -> str:
        """The line the CLI prints at the start of a run."""
        how = (f"default for {self.n:,} samples x {self.d} variable{'s' if self.d != 1 else ''}; "
               "--budget to change" if self.default else "--budget")
        return f"Time budget: {_seconds(self.seconds)} ({how})"

    def available(self) -> float:
        """Seconds the searches may still use (the reserve kept aside)."""
        return self.deadline.left() - self.reserve

    def admit(self, estimated: float, later: float, first: bool) -> tuple[Deadline | None, str]:
        """The deadline of a stage estimated at ``estimated`` s (``later``: the estimates of the stages
        after it), or None and why it is skipped. ``first``: no candidate exists yet, so the stage
        runs whatever is left (a run always keeps a best candidate)."""
        left = self.available()
        if first:
            return self.deadline.share(max(left, self.deadline.left() / 2)), ""
        if estimated * FIT_FRACTION > left:
            return None, f"skipped: {_seconds(max(left, 0.0))} left, estimated {_seconds(estimated)}"
        if estimated + later <= left:  # room for every stage: this one may use all the later ones do not need
            return self.deadline.share(left - later), ""
        # not enough for all: this one gets its estimate or its fair part of what is left, whichever is more
        return self.deadline.share(min(left, max(estimated, left * estimated / (estimated + later)))), ""

    @staticmethod
    def record(entry: dict, estimated: float, seconds: float | None, outcome: str, why: str = "") -> dict:
        """``entry`` (a stage of the plan) with its cost and outcome."""
        out = {**entry, "estimated_s": round(estimated, 3), "outcome": outcome}
        if seconds is not None:
            out["seconds"] = round(seconds, 3)
        if why:
            out["why"] = why
        return out


def cut_why(deadline: Deadline, started: float) -> str:
    """Why a stage was cut: its share was spent."""
    spent = time.monotonic() - started
    share = deadline.end - started
    return f"cut: its share of the budget ({_seconds(share)}) was spent after {_seconds(spent)}"
