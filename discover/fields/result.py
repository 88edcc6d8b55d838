"""What a PDE run produces: its settings, its candidates and its result (plain data).

Apart from :mod:`discover.fields.fit` so that the routes that build them (one field on a line there,
systems of fields and planes in :mod:`discover.fields.fit_system`) and the readers (report, export,
``discover.load``) share them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from discover.data.field import Field
from discover.fields.terms import Monomial, to_text


@dataclass(frozen=True)
class PdeConfig:
    """Settings of PDE discovery.

    Attributes
    ----------
    forms : tuple of str
        ``"weak"`` and/or ``"strong"``.
    max_power : int
        Highest power of u in the library.
    max_order : int
        Highest spatial derivative order (at most 4).
    max_terms : int
        Largest support tried exhaustively (best subsets).
    holdout : float
        Fraction of each run's samples kept for selection.
    tolerance : float
        Relative held-out error within which the fewest-term candidate is picked.
    bootstrap : int
        Bootstrap refits of the selected candidate.
    max_candidates : int
        Candidates per form passed to selection (the Pareto front of residual against terms).
    """

    forms: tuple[str, ...] = ("weak", "strong")
    max_power: int = 3
    max_order: int = 4
    max_terms: int = 5
    holdout: float = 0.2
    tolerance: float = 0.05
    bootstrap: int = 40
    max_candidates: int = 5


@dataclass
class PdeCandidate:
    """One PDE u_t = sum of monomials, where it came from and how it scored.

    Attributes
    ----------
    form : str
        ``"weak"`` or ``"strong"``.
    terms : dict
        ``{monomial: coefficient}``.
    complexity : int
        Number of terms.
    residual : float
        Relative regression residual on the training rows.
    scores : dict
        ``error``, ``r2``, ``failed`` from held-out simulation.
    std : dict
        Bootstrap standard error per monomial (selected candidate only).
    inclusion : dict
        Bootstrap inclusion probability per library term, by its text (selected candidate only).
    """

    form: str
    terms: dict[Monomial, float]
    complexity: int
    residual: float
    scores: dict = field(default_factory=dict)
    std: dict = field(default_factory=dict)
    inclusion: dict = field(default_factory=dict)

    def text(self, name: str = "u", space: str = "x") -> str:
        return to_text(self.terms, name, space)


@dataclass
class FieldResult:
    """Everything the PDE report shows.

    Attributes
    ----------
    fields : list of Field
    candidates : list of PdeCandidate
        Best first (the selected one, then by held-out error).
    best : PdeCandidate or None
    confidence : str
    reasons : list of str
    smooth : list of ndarray
        Denoised data per run.
    model_runs : list of ndarray or None
        The selected model simulated over each run from its first denoised row.
    holdout : list of (int, int)
        First held-out row per run and the number of rows.
    info : dict
        Noise estimates and test-function sizes.
    basis : Basis or None
        For a system of fields or a field in two dimensions (:mod:`discover.fields.fit_system`): the
        atoms its candidates' monomials are written on; their candidates are ``SystemCandidate``,
        and ``model_runs`` holds snapshots of the model (``info["snapshots"]`` the rows they are at).
    timings : dict
        Seconds per step of the run (``load_s``, ``fit_s``), set by the field pipeline.
    settings : dict
        The resolved settings ``run.json`` records (``requested_methods``, ``seed``, ``space``,
        ``forms``, ``periodic``, and ``plan``: the field plan's stages as walked).
    kind : str
        ``"field"`` (a :class:`~discover.result.RunResult` is ``"trajectories"``): how the report and
        the command line tell the two results apart.
    """

    kind: ClassVar[str] = "field"

    fields: list[Field]
    candidates: list
    best: object
    confidence: str
    reasons: list[str]
    smooth: list[np.ndarray]
    model_runs: list
    holdout: list
    info: dict
    basis: object = None
    timings: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
