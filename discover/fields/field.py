"""A field sampled on a space-time grid: the data a PDE is discovered from.

A :class:`Field` is plain data, one run of an experiment: the sample times, the grid of each
spatial coordinate, and the values of one or more fields at every (time, position). Several runs
are a list of fields on the same spatial grid. Names are labels (never code): equations are
built on internal symbols and printed with these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
