"""A run's time budget: the deadline every search reads, and the checks of ``--budget``.

A run has a budget in seconds (``--budget``, config ``[run] budget``, ``budget=`` in the API;
by default :func:`default_budget`, generous but finite, scaled with the data's size). The
pipeline gives each stage a share of it as a :class:`Deadline` and makes that deadline the
*current* one while the stage's searches run (:func:`active`): a search asks :func:`current`
(or :func:`expired`) between its own steps (a generation of symbolic regression, a candidate
denominator of the rational search, a nonlinear refit, an epoch of a network) and, when its
share is spent, stops and returns what it has. The deadline travels as a context variable, as
numpy's error state does, so that no plug-in's signature changes; a search that never asks is
bounded by the stage checks alone.

A deadline that is never reached changes nothing: the searches take the same steps in the same
order as without a budget, so a run under no budget pressure gives the same equations.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from discover.core.options import check_number

#: The largest budget accepted (a week); anything longer is a typing slip, not a plan.
MAX_BUDGET = 7 * 24 * 3600
#: The smallest: below a second not even the data's preparation fits.
MIN_BUDGET = 1.0

# The default budget: a floor that covers a clean run of a few variables (the median published
# 1-4-variable system takes 12 s on this 2-core machine, a 5-variable escalating run 480 s before
# the cost model), plus a share per value of the data (samples x variables) for the searches that
# read every sample (derivatives, SINDy, the held-out simulations). Generous: it is there to end
# a run that would otherwise not end, not to trim an ordinary one.
DEFAULT_FLOOR_S = 900.0
DEFAULT_PER_VALUE_S = 0.01


#: How a plug-in's work grows with the data, by name: ``n`` training samples, ``d`` variables (states and inputs).
WORK = {
    "variables": lambda n, d: d,
    "samples x variables": lambda n, d: n * d,
}


@dataclass(frozen=True)
class WorkCost:
    """A plug-in's declared cost for the budget: ``seconds = base + per_unit * work(n, d)``.

    ``work`` names a measure of :data:`WORK`, or is the plug-in's own ``(n, d) -> units`` (a distiller
    whose work grows with its library, declared beside it). Declared beside the plug-in
    (``Plugin.cost``, or ``Registry.declare(..., cost=...)`` so that estimating it imports nothing),
    read by :func:`discover.pipeline.budget.estimate`, which knows no plug-in by name. The model is
    rough (a factor of two either way).
    """

    base: float
    per_unit: float
    work: object = "variables"  # a name of WORK, or a callable (n, d) -> float

    def __post_init__(self):
        if not callable(self.work) and self.work not in WORK:
            raise ValueError(f"`work` must be one of {', '.join(WORK)} or a function of (n, d), not {self.work!r}.")

    def __call__(self, n: int, d: int) -> float:
        work = self.work if callable(self.work) else WORK[self.work]
        return self.base + self.per_unit * float(work(n, d))


def check_budget(value, option: str = "`--budget`") -> float | None:
    """``value`` as seconds (a finite number from 1 s to a week), or None when not given.

    Raises
    ------
    ConfigError
        0, a negative number, NaN, an infinity, 1e308, a bool or text, in one sentence.
    """
    if value is None:
        return None
    return float(check_number(value, f"{option} (seconds for the whole run)", MIN_BUDGET, float(MAX_BUDGET)))


def default_budget(n_samples: int, n_variables: int) -> float:
    """The budget of a run that names none: :data:`DEFAULT_FLOOR_S` plus
    :data:`DEFAULT_PER_VALUE_S` per value (samples x variables), at most :data:`MAX_BUDGET`.

    2,000 samples of 5 variables get 1,000 s; a million samples of 3 variables 8.6 hours.
    """
    return float(min(MAX_BUDGET, DEFAULT_FLOOR_S + DEFAULT_PER_VALUE_S * max(0, n_samples) * max(1, n_variables)))


class Deadline:
    """A point in time a search must stop by (monotonic clock).

    Parameters
    ----------
    seconds : float
        From now; ``math.inf`` for none.

    Attributes
    ----------
    reached : bool
        Whether a search found it expired (so the search was cut short).
    per_part : float or None
        The seconds one part of the work under it (one equation's search) is expected to take, set
        by the pipeline from its cost model; :meth:`part` then leaves each later part only that.
    """

    def __init__(self, seconds: float = math.inf):
        self.end = time.monotonic() + seconds
        self.reached = False
        self.per_part = None
        self._parent = None

    @classmethod
    def at(cls, end: float) -> "Deadline":
        """A deadline at the monotonic time ``end``."""
        out = cls()
        out.end = end
        return out

    def left(self) -> float:
        """Seconds left (negative once past)."""
        return self.end - time.monotonic()

    def expired(self) -> bool:
        """Whether the deadline has passed; the first time it has, :attr:`reached` is set (here
        and on the deadline this one was carved from)."""
        if time.monotonic() < self.end:
            return False
        node = self
        while node is not None:
            node.reached = True
            node = node._parent
        return True

    def share(self, seconds: float) -> "Deadline":
        """A deadline ``seconds`` from now, never after this one; reaching it marks this one reached."""
        child = Deadline.at(min(self.end, time.monotonic() + max(0.0, seconds)))
        child._parent = self if self is not NONE else None
        return child

    def part(self, parts: int) -> "Deadline":
        """The share of the first of ``parts`` steps still to run (one equation's search): what is left
        but the expected cost of the later steps (:attr:`per_part`), and never less than an equal part
        of what is left. Unpressured, a slow step is not cut for a fast one after it; pressed, each step
        gets its equal part (the time the earlier steps did not use goes to the later ones)."""
        if not math.isfinite(self.end):
            return self.share(math.inf)
        left, parts = self.left(), max(1, parts)
        return self.share(max(left / parts, left - (parts - 1) * (self.per_part or left / parts)))


NONE = Deadline(math.inf)
_CURRENT: ContextVar[Deadline] = ContextVar("discover_deadline", default=NONE)
_STARTED: ContextVar[float | None] = ContextVar("discover_run_started", default=None)


@contextmanager
def run_started(at: float):
    """The run began at the monotonic time ``at`` (``discover run`` starts the clock before it reads the
    CSV and imports the pipeline, so that the budget counts what the user waits for)."""
    token = _STARTED.set(at)
    try:
        yield
    finally:
        _STARTED.reset(token)


def start_time() -> float:
    """When the run's budget began: the time given to :func:`run_started`, or now."""
    at = _STARTED.get()
    return time.monotonic() if at is None else at


def current() -> Deadline:
    """The deadline of the search running now (one that never comes outside a budgeted stage)."""
    return _CURRENT.get()


def expired() -> bool:
    """Whether the current search's share of the budget is spent."""
    return _CURRENT.get().expired()


@contextmanager
def active(deadline: Deadline):
    """Make ``deadline`` the current one inside the block."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)
