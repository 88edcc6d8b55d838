"""Trajectories and data sets: the measured data every other part reads.

A :class:`Trajectory` is one run: strictly increasing times (spacing may be uneven) and
the states measured at those times. A :class:`Dataset` is one or more trajectories of the
same state variables. Derivative estimation lives in :mod:`discover.data.derivatives`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from discover.core.errors import DataError, shown
from discover.core.labels import check_label
from discover.data.checks import MIN_POINTS, check_not_constant, check_scale, check_trajectory

__all__ = ["MIN_POINTS", "Dataset", "Trajectory"]


@dataclass(frozen=True)
class Trajectory:
    """One measured run.

    Parameters
    ----------
    t : ndarray of shape (n_samples,)
        Strictly increasing times.
    x : ndarray of shape (n_samples, n_states)
        States at those times.
    label : str
        Identifies the run in messages and reports (file name, or value of the
        ``trajectory`` column).
    u : ndarray of shape (n_samples, n_inputs), optional
        Measured inputs (control or forcing signals) at those times: they drive the states,
        are never differentiated and get no equation. Shape (n_samples, 0) when there are none.
    """

    t: np.ndarray
    x: np.ndarray
    label: str = "0"
    u: np.ndarray | None = None

    def __post_init__(self):
        t = np.asarray(self.t, dtype=float)
        x = np.asarray(self.x, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
        u = np.zeros((t.shape[0] if t.ndim == 1 else 0, 0)) if self.u is None else np.asarray(self.u, dtype=float)
        if u.ndim == 1:
            u = u[:, None]
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "u", u)
        if t.ndim != 1 or x.shape[0] != t.shape[0]:
            raise DataError(
                f"Trajectory '{shown(self.label)}' has {t.shape[0]} times but {x.shape[0]} rows of states; "
                "give one time per row."
            )
        if u.shape[0] != t.shape[0]:
            raise DataError(f"Trajectory '{shown(self.label)}' has {t.shape[0]} times but {u.shape[0]} rows of inputs; "
                            "give one time per row.")

    def __len__(self) -> int:
        return self.t.shape[0]

    @property
    def duration(self) -> float:
        return float(self.t[-1] - self.t[0])

    def window(self, start: int, stop: int, label: str | None = None) -> "Trajectory":
        """Return samples ``start:stop`` as a new trajectory."""
        return Trajectory(self.t[start:stop], self.x[start:stop], label or f"{self.label}[{start}:{stop}]",
                          self.u[start:stop])

    def with_states(self, x: np.ndarray, label: str | None = None) -> "Trajectory":
        """The same run (times, inputs) with other states (smoothed ones, a simulation)."""
        return Trajectory(self.t, x, self.label if label is None else label, self.u)


@dataclass(frozen=True)
class Dataset:
    """Several trajectories of the same state variables.

    Parameters
    ----------
    trajectories : tuple of Trajectory
    names : tuple of str
        State variable names, one per column of every trajectory's ``x``.
    time_name : str
        Name of the time column, written back into ``equations.json``.
    source : tuple of str
        Files the data came from (empty for data built in memory).
    dropped_rows : int
        Rows removed because they held missing values.
    inputs : tuple of str
        Names of the measured inputs, one per column of every trajectory's ``u`` (none by default).
    hold : {"linear", "zoh"}
        How inputs are read between samples when a model is simulated (linear interpolation,
        or zero-order hold for piecewise-constant inputs).

    Attributes
    ----------
    kind : str
        ``"trajectories"``: the kind of data set :meth:`discover.Discoverer.fit` walks with the run
        plan (a :class:`~discover.data.field.FieldDataset`, ``"field"``, it walks with the field plan).
    """

    kind: ClassVar[str] = "trajectories"

    trajectories: tuple[Trajectory, ...]
    names: tuple[str, ...]
    time_name: str = "t"
    source: tuple[str, ...] = ()
    dropped_rows: int = 0
    meta: dict = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    hold: str = "linear"

    def __post_init__(self):
        object.__setattr__(self, "trajectories", tuple(self.trajectories))
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "inputs", tuple(self.inputs))
        from discover.core.signals import check_hold

        check_hold(self.hold)
        if not self.trajectories:
            raise DataError("The data set holds no trajectory; give at least one run with 10 or more points.")
        for traj in self.trajectories:
            if traj.x.shape[1] != len(self.names):
                raise DataError(
                    f"Trajectory '{shown(traj.label)}' has {traj.x.shape[1]} state columns but the data set "
                    f"names {len(self.names)} ({', '.join(shown(n, 40) for n in self.names)})."
                )
            if traj.u.shape[1] != len(self.inputs):
                raise DataError(f"Trajectory '{shown(traj.label)}' has {traj.u.shape[1]} input columns but the data set "
                                f"names {len(self.inputs)} inputs.")

    @classmethod
    def from_arrays(cls, t, x, names=None, time_name: str = "t") -> "Dataset":
        """Build a data set from arrays, checked like a CSV would be.

        ``t`` and ``x`` may be single arrays (one trajectory) or lists of arrays.
        """
        if isinstance(t, np.ndarray) and t.ndim == 1 and not isinstance(x, (list, tuple)):
            t, x = [t], [x]
        trajs = []
        for i, (ti, xi) in enumerate(zip(t, x)):
            traj = Trajectory(ti, xi, label=str(i))
            trajs.append(traj)
        d = trajs[0].x.shape[1]
        names = tuple(names) if names is not None else tuple(f"x{i}" for i in range(d))
        return cls(tuple(trajs), names, time_name=time_name).validate()

    def validate(self) -> "Dataset":
        """Check every run as the CSV reader does (enough points, finite, time increasing, no
        constant column, a usable scale); return ``self`` or raise :class:`DataError` naming the problem."""
        for name in self.names:
            check_label(name, "A state")
        for name in self.inputs:
            check_label(name, "An input")
        check_label(self.time_name, "The time")
        for traj in self.trajectories:
            check_label(traj.label, "A run")
        for traj in self.trajectories:
            check_trajectory(traj, self.names, where=f"trajectory '{shown(traj.label)}'")
        if len(set(self.names)) != len(self.names):
            raise DataError(f"State names must differ from each other; got {', '.join(shown(n, 40) for n in self.names)}.")
        if set(self.inputs) & set(self.names) or len(set(self.inputs)) != len(self.inputs):
            raise DataError(f"Input names must differ from each other and from the states; got inputs "
                            f"{', '.join(shown(n, 40) for n in self.inputs)} and states {', '.join(shown(n, 40) for n in self.names)}.")
        for traj in self.trajectories:
            if not np.all(np.isfinite(traj.u)):
                raise DataError(f"Trajectory '{shown(traj.label)}' has an input value that is not a finite number; "
                                "fix or drop that row.")
        check_not_constant(self.stacked()[1], self.names, "the data")
        check_scale(self.trajectories, self.names, "the data", self.inputs)
        return self

    @property
    def n_states(self) -> int:
        return len(self.names)

    @property
    def n_samples(self) -> int:
        return sum(len(tr) for tr in self.trajectories)

    def stacked(self) -> tuple[np.ndarray, np.ndarray]:
        """All times and states, trajectories one after another."""
        return (
            np.concatenate([tr.t for tr in self.trajectories]),
            np.concatenate([tr.x for tr in self.trajectories]),
        )

    @property
    def n_inputs(self) -> int:
        return len(self.inputs)

    def with_trajectories(self, trajectories) -> "Dataset":
        """The same data set (names, inputs, source) holding other runs (pieces of these, smoothed ones)."""
        from dataclasses import replace

        return replace(self, trajectories=tuple(trajectories))

    def stacked_inputs(self) -> np.ndarray:
        """All inputs, trajectories one after another, shape (n_samples, n_inputs)."""
        return np.concatenate([tr.u for tr in self.trajectories])

    def scale(self) -> np.ndarray:
        """Standard deviation of each state over all trajectories, shape (n_states,)."""
        _, x = self.stacked()
        s = x.std(axis=0)
        return np.where(s > 0, s, 1.0)
