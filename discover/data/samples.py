"""Samples: what a distiller reads (states and dx/dt, with optional context).

They sit in the data layer because both plug-in families use them: the pipeline builds
them from the prepared data, and a surrogate builds them from its own vector field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from discover.data.derivatives import WeakForm


@dataclass(frozen=True)
class Samples:
    """States and derivatives, plus what some distillers read besides.

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
    library_terms : tuple of sympy.Expr
        Terms a library-based distiller should offer besides its own (a surrogate's known
        part, or functions symbolic regression found).
    library_source : str
        Where ``library_terms`` came from, as the report names them.
    library_by : str
        Who proposed ``library_terms``: the routes of an earlier stage (``"sr"``), or ``"known"`` for a
        surrogate's known part; the terms a candidate keeps from them are not its own proposal (see
        :mod:`discover.selection.provenance`).
    inputs : ndarray of shape (n_samples, n_inputs), optional
        Measured inputs at ``states``' rows: variables of the models, with no equation of their own.
    input_names : tuple of str
    raw_inputs : ndarray of shape (n_samples_raw, n_inputs), optional
        The inputs at ``raw_states``' rows (for the weak form).
    """

    states: np.ndarray
    derivatives: np.ndarray
    names: tuple[str, ...]
    weak: WeakForm | None = None
    raw_states: np.ndarray | None = None
    trajectories: tuple | None = None
    guess: Any = None
    library_terms: tuple = ()
    library_source: str = ""
    library_by: str = ""
    inputs: np.ndarray | None = None
    input_names: tuple[str, ...] = ()
    raw_inputs: np.ndarray | None = None

    def variables(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """States and inputs side by side, and their names: what a model's right-hand side reads."""
        if not self.input_names:
            return self.states, self.names
        return np.hstack([self.states, self.inputs]), (*self.names, *self.input_names)

    def raw_variables(self) -> np.ndarray | None:
        """``raw_states`` with ``raw_inputs`` beside them (the weak form's columns)."""
        if self.raw_states is None or not self.input_names:
            return self.raw_states
        return np.hstack([self.raw_states, self.raw_inputs])
