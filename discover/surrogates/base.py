"""The surrogate contract: a trained differentiable model of the data.

A surrogate is one file holding one final subclass of :class:`BaseSurrogate`, registered by
name with :func:`register`. It declares ``name``, ``Settings`` (a frozen dataclass read from
the config's ``[name]`` table) and implements four hooks: :meth:`_fit` on the prepared data,
:meth:`_vector_field`, :meth:`_predict`, and :meth:`save` / :meth:`load`. Everything else the
pipeline may ask has a default here: the samples distillers read, extra library terms,
post-processing of distilled candidates, forecasts with their cost, and facts for the report.
Surrogates run on CUDA when present and on the CPU otherwise (``device="auto"``). They know
nothing of distillers, selection or the report.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from discover.core.device import resolve_device
from discover.core.errors import NotFittedError
from discover.core.plugin import Plugin
from discover.data.prepared import Prepared
from discover.data.samples import Samples
from discover.surrogates import REGISTRY, get_surrogate, register

__all__ = ["REGISTRY", "BaseSurrogate", "get_surrogate", "register", "resolve_device"]


class BaseSurrogate(Plugin, ABC):
    """A model of the dynamics fitted to trajectories.

    Parameters
    ----------
    settings : Settings, dict or None
        The plug-in's settings (a dict is read like its config table).
    random_state : int
        Seeds every random step of training.
    device : {"auto", "cpu", "cuda"}
    progress : Progress, optional
        Receives training progress (the CLI passes a rich one).

    Attributes
    ----------
    settings_ : Settings
        The resolved settings.
    """

    #: Distillers ``--methods name`` expands to (``name+sindy``, ...).
    default_distillers: ClassVar[tuple[str, ...]] = ("sindy",)
    #: Distilled candidates also get a twin with coefficients refitted on the data's weak form.
    refit_on_data: ClassVar[bool] = True
    #: The networks read the states only; measured inputs (``--inputs``) are refused for now.
    supports_inputs: ClassVar[bool] = False
    #: Every surrogate trains a network.
    uses_network: ClassVar[bool] = True

    def __init__(self, settings=None, random_state: int = 0, device: str = "auto", progress=None):
        self.settings = settings
        self.random_state = random_state
        self.device = device
        self.progress = progress

    # ------------------------------------------------------------------ the workflow
    def fit(self, prepared: Prepared) -> "BaseSurrogate":
        """Train on ``prepared.train`` (smoothed states and derivatives are in ``prepared``)."""
        self.settings_ = self._resolved_settings()
        self.device_ = resolve_device(self.device)
        self._fit(prepared, int(self.random_state))
        self.fitted_ = True
        return self

    def _check(self):
        if not getattr(self, "fitted_", False):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call `fit` first.")

    def vector_field(self, states: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        """dx/dt at ``states`` of shape (n_samples, n_states) (and measured ``inputs``, (n_samples, n_inputs),
        for a surrogate that supports them)."""
        self._check()
        if inputs is None:
            return self._vector_field(np.asarray(states, dtype=float))
        return self._vector_field(np.asarray(states, dtype=float), np.asarray(inputs, dtype=float))

    def predict(self, times: np.ndarray, initial_state: np.ndarray) -> np.ndarray:
        """States at ``times`` starting from ``initial_state``; shape (len(times), n_states)."""
        self._check()
        return self._predict(np.asarray(times, dtype=float), np.asarray(initial_state, dtype=float))

    # ------------------------------------------------------------------ hooks with defaults
    def distillation_samples(self, prepared: Prepared) -> Samples:
        """What distillers read: the vector field at the smoothed training states."""
        self._check()
        own = prepared.samples()
        X = own.states
        if prepared.inputs:  # the field at the measured inputs; they stay variables of the distillers
            return Samples(X, self.vector_field(X, own.inputs), prepared.names, inputs=own.inputs,
                           input_names=own.input_names)
        return Samples(X, self.vector_field(X), prepared.names)

    def library_terms(self) -> tuple:
        """sympy terms a library-based distiller should offer besides its own (none)."""
        return ()

    def post_process(self, candidates: list, prepared: Prepared) -> list:
        """Turn distilled candidates into candidates of the full model (unchanged here)."""
        return candidates

    def forecast(self, times: np.ndarray, initial_state: np.ndarray, u: np.ndarray | None = None
                 ) -> tuple[np.ndarray, int | None]:
        """A forecast and the number of vector-field evaluations it took (None if not counted); ``u``
        (len(times), n_inputs) are the measured inputs at ``times`` for a surrogate that supports them."""
        return self.predict(times, initial_state), None

    def facts(self) -> dict:
        """Plain data about the fit for the report (numbers, strings, arrays)."""
        return {}

    # ------------------------------------------------------------------ the rest of the contract
    @abstractmethod
    def _fit(self, prepared: Prepared, seed: int) -> None: ...

    @abstractmethod
    def _vector_field(self, states: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def _predict(self, times: np.ndarray, initial_state: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def save(self, path) -> None:
        """Write the fitted model to ``path`` (read back by :meth:`load`)."""

    @classmethod
    @abstractmethod
    def load(cls, path, device: str = "cpu") -> "BaseSurrogate":
        """Read a model :meth:`save` wrote."""
