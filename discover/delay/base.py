"""The delay-model contract, and the plain result every delay comparison produces.

A delay model is one final subclass of :class:`BaseDelayModel` (a :class:`~discover.core.plugin.Plugin`),
registered by name in :data:`discover.delay.REGISTRY` and found by that name as every plug-in is.
The comparison (:mod:`discover.delay.compare`) embeds the measured signal once, hands every
requested model a :class:`DelayContext`, and collects each model's forecast rows.
Baselines from other families (an ODE fitted to the measured variables) are passed in as
plain forecast functions, so this package never imports the pipeline.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np

from discover.core.outputs import DelayResult
from discover.core.plugin import Plugin
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


class BaseDelayModel(Plugin, ABC):
    """A model of the delay vector, a plug-in like the surrogates and distillers: registered by
    ``name``, with ``Settings`` (none so far: the embedding is the ``[delay]`` table's) and a
    :meth:`~discover.core.plugin.Plugin.section` hook. :meth:`fit` fills ``rows_`` with its forecast rows.

    Parameters
    ----------
    settings : Settings, dict or None
    random_state : int
    device : str
    progress : Progress, optional
    """

    #: Delay models read the measured signals only; measured inputs are refused with them.
    supports_inputs: ClassVar[bool] = False

    #: The family's report section (the comparison), which holds each model's :meth:`blocks`.
    report: ClassVar[str] = "discover.delay.section"

    @classmethod
    def blocks(cls, result) -> tuple:
        """The model's own blocks in the delay models' section (:mod:`discover.core.section`; none by default)."""
        return ()

    def __init__(self, settings=None, random_state: int = 0, device: str = "cpu", progress=None):
        self.settings = settings
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
