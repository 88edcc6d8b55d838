"""Fields sampled on a space-time grid: the data a PDE is discovered from.

A :class:`Field` is plain data, one run of an experiment: the sample times, the grid of each
spatial coordinate, and the values of one or more fields at every (time, position). Several runs
on the same spatial grid are a :class:`FieldDataset`, the kind of data set
(``kind = "field"``) that :meth:`discover.Discoverer.fit` walks with the field plan, as it walks
a :class:`~discover.data.dataset.Dataset` of trajectories with the run plan. Names are labels
(never code): equations are built on internal symbols and printed with these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np


@dataclass(frozen=True)
class Field:
    """Samples of fields u(t, x) (or u(t, x, y)) on a grid.

    Attributes
    ----------
    t : ndarray of shape (n_t,)
        Sample times, strictly increasing (spacing may be uneven).
    coords : tuple of ndarray
        One strictly increasing 1-D array of positions per spatial dimension, shapes (n_x,), (n_y,).
    values : ndarray of shape (n_t, n_x[, n_y], n_fields)
        The measured fields; NaN marks a missing point.
    names : tuple of str
        Field names, one per last axis of ``values`` (``("u",)``, ``("u", "v")``).
    space_names : tuple of str
        Names of the spatial coordinates (``("x",)``, ``("x", "y")``).
    time_name : str
    periodic : tuple of bool
        Per spatial dimension, whether the boundary is periodic (detected or declared).
    run : str
        Label of the run this field came from.
    """

    t: np.ndarray
    coords: tuple[np.ndarray, ...]
    values: np.ndarray
    names: tuple[str, ...] = ("u",)
    space_names: tuple[str, ...] = ("x",)
    time_name: str = "t"
    periodic: tuple[bool, ...] = field(default=())
    run: str = "0"

    @property
    def n_space(self) -> int:
        """Number of spatial dimensions."""
        return len(self.coords)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape (n_t, n_x[, n_y]) without the field axis."""
        return tuple(self.values.shape[:-1])

    def spacing(self, axis: int = 0) -> float:
        """Median grid step of spatial dimension ``axis``."""
        return float(np.median(np.diff(self.coords[axis])))


@dataclass(frozen=True)
class FieldDataset:
    """One or more runs of the same fields on the same spatial grid: a data set of the kind ``"field"``.

    What :func:`discover.fields.io.load_field_data` returns and :meth:`discover.Discoverer.fit`
    accepts (it also takes the plain list of :class:`Field` that :func:`discover.fields.io.load_fields`
    returns). It iterates over its runs, so the field regressions read it as a list of fields.

    Parameters
    ----------
    runs : tuple of Field
        The runs, every one with the same field names, spatial coordinates and grid.
    source : tuple of str
        Files the data came from (empty for data built in memory).
    """

    kind: ClassVar[str] = "field"

    runs: tuple[Field, ...]
    source: tuple[str, ...] = ()

    @classmethod
    def of(cls, data) -> "FieldDataset":
        """``data`` as a field data set: itself, one :class:`Field`, or a list of them (None otherwise)."""
        if isinstance(data, cls):
            return data
        if isinstance(data, Field):
            return cls((data,))
        if isinstance(data, (list, tuple)) and data and all(isinstance(f, Field) for f in data):
            return cls(tuple(data))
        return None

    @property
    def names(self) -> tuple[str, ...]:
        """The field names (``("u",)``, ``("u", "v")``)."""
        return tuple(self.runs[0].names)

    @property
    def space_names(self) -> tuple[str, ...]:
        return tuple(self.runs[0].space_names)

    @property
    def time_name(self) -> str:
        return self.runs[0].time_name

    @property
    def periodic(self) -> tuple[bool, ...]:
        return tuple(self.runs[0].periodic)

    @property
    def n_space(self) -> int:
        return self.runs[0].n_space

    def __iter__(self):
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    def __getitem__(self, i):
        return self.runs[i]
