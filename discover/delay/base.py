"""The delay-model contract, and the plain result every delay comparison produces.

A delay model is one final subclass of :class:`BaseDelayModel`, registered by name (``havok``,
``hankel``). The comparison (:mod:`discover.delay.compare`) embeds the measured signal once,
hands every requested model a :class:`DelayContext`, and collects each model's forecast rows.
Baselines from other families (an ODE fitted to the measured variables) are passed in as
plain forecast functions, so this package never imports the pipeline.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable, ClassVar

import numpy as np

from discover.core.registry import setting
from discover.delay import REGISTRY, get_delay_model, register

__all__ = ["REGISTRY", "BaseDelayModel", "DelayContext", "DelayResult", "DelaySettings", "Row", "get_delay_model",
           "register"]


@dataclass(frozen=True)
class DelaySettings:
    """The ``[delay]`` table: embedding settings (None: chosen from the data)."""

    delays: int | None = setting(None, bounds=(1, 10_000), whole=True)
    spacing: int | None = setting(None, bounds=(1, 10_000), whole=True)
    rank: int | None = setting(None, bounds=(1, 1000), whole=True)

    def __post_init__(self):
        from discover.core.errors import ConfigError

        for key in ("delays", "spacing", "rank"):
            value = getattr(self, key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ConfigError(f"Setting '{key}' in the [delay] table must be a positive whole number, "
                                  f"not {value!r}.")


@dataclass(frozen=True)
class Row:
    """One line of the forecast comparison: a name and ``forecast(segment, start, steps)``."""

    method: str
    forecast: Callable
    parameters: int | None = None
    seconds: float | None = None
    operations: int | None = None
    note: str = ""
    shown: bool = True  # drawn in the example figure


@dataclass(frozen=True)
class DelayContext:
    """What every delay model reads: the training runs, the embedding and its HAVOK fit."""

    runs: tuple[np.ndarray, ...]
    havok: object
    random_state: int = 0
    device: str = "cpu"
    progress: object = None


@dataclass
class DelayResult:
    """Everything the report shows of the delay models, as plain data.

    Attributes
    ----------
    delays, spacing, rank : the embedding; ``dt`` sampling interval, ``window`` its span in time.
    horizons : forecast horizons in time units.
    rows : list of dict
        ``method``, ``parameters``, ``seconds``, ``operations``, ``rmse`` (one per horizon), ``note``.
    models : dict of str to dict
        Per fitted delay model that has equations, its plain description (``havok.json``).
    arrays : dict of str to ndarray
        What the figures draw (``havok/...``: a stretch of the training run in HAVOK's coordinates;
        ``example/...``: each model's forecast of the first held-out segment).
    """

    delays: int
    spacing: int
    dt: float
    rank: int
    window: float
    horizons: list[float]
    rows: list[dict] = field(default_factory=list)
    models: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The numbers for ``run.json`` (arrays go to ``data.npz``)."""
        return {"delays": self.delays, "spacing": self.spacing, "dt": self.dt, "rank": self.rank,
                "window": self.window, "horizons": self.horizons, "rows": self.rows}


class BaseDelayModel(ABC):
    """A model of the delay vector; :meth:`fit` fills ``rows_`` with its forecast rows.

    Parameters
    ----------
    random_state : int
    device : str
    progress : Progress, optional
    """

    name: ClassVar[str] = ""

    def __init__(self, random_state: int = 0, device: str = "cpu", progress=None):
        self.random_state = random_state
        self.device = device
        self.progress = progress

    @abstractmethod
    def fit(self, context: DelayContext) -> "BaseDelayModel":
        """Fit on ``context.runs``; set ``rows_`` (a list of :class:`Row`)."""

    def describe(self) -> dict | None:
        """Plain description of the fitted model for the run folder (None: nothing to write)."""
        return None

    def arrays(self) -> dict:
        """Arrays the report's figures draw for this model (none by default)."""
        return {}
