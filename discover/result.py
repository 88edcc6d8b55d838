"""RunResult: everything a run produced, as plain data that the report renders.

The report package reads only this object, so a run folder can be rendered again later
(``discover report RUN_DIR``) from what it saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from discover.core.candidates import Alternative, Candidate
from discover.core.outputs import DelayResult, SurrogateRecord
from discover.data.dataset import Trajectory


@dataclass
class RunResult:
    """Attributes
    ----------
    names, time_name : state names and time column name
    candidates : list of Candidate, ranked best first (``candidates[0]`` is the pick when ``best`` is set)
    best : Candidate or None
    confidence, reasons, agreement, rule : the selection's verdict and its grounds
    deciding : the reason the confidence is not higher (None when high)
    train, train_smoothed : training trajectories as measured and smoothed
    train_derivatives : list of ndarray, estimated dx/dt of each training run
    validation, validation_smoothed : held-out segments as measured and smoothed
    split : sentence describing how data were held out; ``in_sample`` when nothing was
    settings : resolved settings; ``provenance``: inputs, versions, seed; ``timings``
    fronts : per searched equation, the symbolic regression Pareto front (complexity, mse, expr)
    warnings : messages about the input the user should read
    surrogates : dict of str to SurrogateRecord
        Per surrogate (by its registered name): training facts, function evaluations per forecast,
        its forecast of each held-out segment from the segment's first state, the curves it fitted.
    delay : DelayResult or None
        The delay models' comparison, as plain data.
    inputs : tuple of str
        Measured inputs (control or forcing columns) the equations read; each trajectory's ``u``.
    hold : str
        How inputs are read between samples when the equations are simulated (``linear`` or ``zoh``).
    equivalent : list of Alternative
        The structures the data cannot tell apart, the pick first (each candidate is one of
        ``candidates``), with where each one's field differs most from the pick's in the design box.
        Empty when no model was selected.
    design_box : dict of str to (float, float)
        Where they were compared, and where the suggested experiment may start.
    suggestion : dict or None
        With two or more equivalent structures, the experiment that separates them
        (:func:`discover.selection.experiment.suggest`: ``initial_state``, ``duration``, each model's
        predicted trajectory); saved as ``suggestion.json``.
    kind : str
        ``"trajectories"`` (a field run's :class:`~discover.fields.result.FieldResult` is ``"field"``).

    Everything here is plain data (arrays, sympy expressions, numbers, strings): the run
    folder stores all of it, so ``discover report DIR`` draws the same report again.
    """

    kind: ClassVar[str] = "trajectories"

    names: tuple[str, ...]
    time_name: str
    candidates: list[Candidate]
    best: Candidate | None
    confidence: str
    reasons: list[str]
    agreement: list[str]
    rule: str
    train: list[Trajectory]
    train_smoothed: list[Trajectory]
    train_derivatives: list
    validation: list[Trajectory]
    validation_smoothed: list[Trajectory]
    split: str
    in_sample: bool
    settings: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    fronts: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    surrogates: dict[str, SurrogateRecord] = field(default_factory=dict)
    delay: DelayResult | None = None
    deciding: str | None = None
    inputs: tuple[str, ...] = ()
    hold: str = "linear"
    equivalent: list[Alternative] = field(default_factory=list)
    design_box: dict = field(default_factory=dict)
    suggestion: dict | None = None
