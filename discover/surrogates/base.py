"""The surrogate contract: a trained differentiable model of the data.

A surrogate is one file holding one final subclass of :class:`BaseSurrogate`, registered by
name with :func:`register`. Its job is small: ``fit(dataset)``, ``vector_field(states)`` (a
denoised estimate of dx/dt where the data lie) and ``predict(times, initial_state)``.
Surrogates run on CUDA when present and on the CPU otherwise (``device="auto"``).
Surrogates know nothing of distillers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from discover.errors import ConfigError, NotFittedError
from discover.registry import Registry

if TYPE_CHECKING:  # annotations only: checking a method name must not load numpy
    import numpy as np

    from discover.data.dataset import Dataset

REGISTRY = Registry("surrogate")
register = REGISTRY.register
get_surrogate = REGISTRY.get_class


def resolve_device(device: str = "auto") -> str:
    """``"auto"`` becomes ``"cuda"`` when a GPU is visible to torch, else ``"cpu"``."""
    if device not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"`--device` must be auto, cpu or cuda, not '{device}'.")
    if device == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise ConfigError("`--device cuda` was asked for but torch sees no CUDA GPU here; use `--device auto` or `cpu`.")
    return "cpu"


class BaseSurrogate(ABC):
    """A model of the dynamics fitted to trajectories.

    Subclasses set ``name`` and implement :meth:`_fit`, :meth:`_vector_field` and
    :meth:`_predict`. Public methods check that the model is fitted.
    """

    name: str = ""

    def fit(self, data: Dataset, seed: int = 0) -> "BaseSurrogate":
        self._fit(data, seed)
        self.fitted_ = True
        return self

    def _check(self):
        if not getattr(self, "fitted_", False):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call `fit` first.")

    def vector_field(self, states: np.ndarray) -> np.ndarray:
        """dx/dt at ``states`` of shape (n_samples, n_states)."""
        import numpy as np

        self._check()
        return self._vector_field(np.asarray(states, dtype=float))

    def predict(self, times: np.ndarray, initial_state: np.ndarray) -> np.ndarray:
        """States at ``times`` starting from ``initial_state``; shape (len(times), n_states)."""
        import numpy as np

        self._check()
        return self._predict(np.asarray(times, dtype=float), np.asarray(initial_state, dtype=float))

    @abstractmethod
    def _fit(self, data: Dataset, seed: int) -> None: ...

    @abstractmethod
    def _vector_field(self, states: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def _predict(self, times: np.ndarray, initial_state: np.ndarray) -> np.ndarray: ...
