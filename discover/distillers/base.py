"""The distiller contract: (states, derivatives) samples in, symbolic candidates out.

A distiller is one file holding one final subclass of :class:`BaseDistiller` that fills in
:meth:`BaseDistiller._distill`, registered by name with :func:`register`. The base class
checks the inputs; the hook only does the science.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from discover.errors import ConfigError, NotFittedError
from discover.registry import Registry

if TYPE_CHECKING:  # annotations only: checking a method name must load neither numpy nor sympy
    import numpy as np

    from discover.candidates import Candidate
    from discover.data.derivatives import WeakForm

REGISTRY = Registry("distiller")
register = REGISTRY.register
get_distiller = REGISTRY.get_class


@dataclass(frozen=True)
class Samples:
    """What a distiller reads.

    Attributes
    ----------
    states : ndarray of shape (n_samples, n_states)
    derivatives : ndarray of shape (n_samples, n_states)
        Estimated (or surrogate) dx/dt at ``states``.
    names : tuple of str
    weak : WeakForm, optional
        Integral form of the measured trajectories, for distillers that support it.
    raw_states : ndarray of shape (n_samples_raw, n_states), optional
        The measured states the weak form integrates (rows match ``weak.W``'s columns).
    trajectories : tuple of (t, x, dxdt), optional
        The runs themselves (smoothed states and their derivatives), for distillers that
        read trajectories rather than samples (the PROSE model).
    guess : Candidate, optional
        Another distiller's pick, for distillers that can correct a guess.
    """

    states: np.ndarray
    derivatives: np.ndarray
    names: tuple[str, ...]
    weak: WeakForm | None = None
    raw_states: np.ndarray | None = None
    trajectories: tuple | None = None
    guess: Candidate | None = None


class BaseDistiller(ABC):
    """Turns samples of a vector field into a list of :class:`Candidate` systems.

    Subclasses set ``name`` and implement :meth:`_distill`. After :meth:`fit`, the
    candidates are in ``candidates_``.
    """

    name: str = ""

    def fit(self, samples: Samples, seed: int = 0) -> "BaseDistiller":
        import numpy as np

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
        self.candidates_ = list(self._distill(samples, np.random.default_rng(seed)))
        return self

    def distill(self, states, derivatives, names: Sequence[str], seed: int = 0, **context) -> list[Candidate]:
        """Fit and return the candidates (the functional form of :meth:`fit`)."""
        import numpy as np

        return self.fit(Samples(np.asarray(states), np.asarray(derivatives), tuple(names), **context), seed).candidates_

    @property
    def candidates(self) -> list[Candidate]:
        if not hasattr(self, "candidates_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call `fit` first.")
        return self.candidates_

    @abstractmethod
    def _distill(self, samples: Samples, rng: np.random.Generator) -> list[Candidate]:
        """Return candidate systems for the samples."""
