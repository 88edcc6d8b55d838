"""The distiller contract: (states, derivatives) samples in, symbolic candidates out.

A distiller is one file holding one final subclass of :class:`BaseDistiller`, registered by
name with :func:`register`. It declares ``name`` and ``Settings`` (a frozen dataclass read
from the config's ``[name]`` table) and fills in :meth:`BaseDistiller._distill`. The base
class checks the inputs and owns the workflow; the hook only does the science. Optional
results (``facts_`` for the report, ``fronts_``: per variable, a Pareto front of the search)
default to empty.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Sequence

import numpy as np

from discover.core.budget import current
from discover.core.candidates import Candidate
from discover.core.errors import ConfigError, NotFittedError
from discover.core.firewall import contained, gate
from discover.core.plugin import Plugin
from discover.data.samples import Samples
from discover.distillers import REGISTRY, get_distiller, register

__all__ = ["REGISTRY", "BaseDistiller", "get_distiller", "register"]


class BaseDistiller(Plugin, ABC):
    """Turns samples of a vector field into a list of :class:`Candidate` systems.

    Parameters
    ----------
    settings : Settings, dict or None
        The plug-in's settings (a dict is read like its config table).
    random_state : int
        Seeds every random step (bootstrap, search).
    device : {"auto", "cpu", "cuda"}
        Where a distiller with a network runs.

    Attributes
    ----------
    candidates_ : list of Candidate
    facts_ : dict
        What the search did, for the report (empty by default).
    fronts_ : dict of str to list of dict
        Per variable, the searched Pareto front (``complexity``, ``mse``, ``expr``); empty by default.
    """

    #: The method whose selected candidate this distiller reads as ``Samples.guess`` (run after it).
    guess_from: ClassVar[str | None] = None

    def __init__(self, settings=None, random_state: int = 0, device: str = "auto"):
        self.settings = settings
        self.random_state = random_state
        self.device = device

    @classmethod
    def unavailable(cls, settings) -> str | None:
        """Why this distiller cannot run here with ``settings`` (None when it can)."""
        return None

    def fit(self, samples: Samples) -> "BaseDistiller":
        """Distill ``samples``; the candidates go to ``candidates_``."""
        self.settings_ = self._resolved_settings()
        X = np.asarray(samples.states, dtype=float)
        Y = np.asarray(samples.derivatives, dtype=float)
        if X.ndim != 2 or X.shape != Y.shape:
            raise ConfigError(
                f"`{self.name}` needs states and derivatives of the same shape (n_samples, n_states); "
                f"got {X.shape} and {Y.shape}."
            )
        if X.shape[1] != len(samples.names):
            raise ConfigError(f"`{self.name}` got {X.shape[1]} state columns but {len(samples.names)} names.")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
            raise ConfigError(f"`{self.name}` got NaN or infinite samples; check the derivative estimate.")
        self.facts_, self.fronts_ = {}, {}
        # the candidate firewall (discover.core.firewall): a search that fails on a degenerate fit
        # loses its own candidates only, and every candidate passes one gate before selection
        found, failed = contained(lambda: list(self._distill(samples, np.random.default_rng(self.random_state))),
                                  f"the {self.name} search")
        if failed:
            self.facts_ = {**self.facts_, "failed": failed}
        if current().reached:  # the stage's deadline (discover.core.budget) stopped the search: it kept what it had
            self.facts_ = {**self.facts_, "cut": "its share of the run's time budget was spent"}
        V, names = samples.variables()
        self.candidates_, dropped = gate(found or [], V, names)
        if dropped:
            self.facts_ = {**self.facts_, "dropped": dropped}
        return self

    def distill(self, states, derivatives, names: Sequence[str], **context) -> list[Candidate]:
        """Fit and return the candidates (the functional form of :meth:`fit`)."""
        return self.fit(Samples(np.asarray(states), np.asarray(derivatives), tuple(names), **context)).candidates_

    @property
    def candidates(self) -> list[Candidate]:
        if not hasattr(self, "candidates_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call `fit` first.")
        return self.candidates_

    @abstractmethod
    def _distill(self, samples: Samples, rng: np.random.Generator) -> list[Candidate]:
        """Return candidate systems for the samples (settings are in ``self.settings_``)."""
