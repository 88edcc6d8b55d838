"""Checks that turn bad data into one clear sentence (a :class:`DataError`)."""

from __future__ import annotations

import numpy as np

from discover.errors import DataError

MIN_POINTS = 10


def check_trajectory(traj, names, where: str) -> None:
    """Raise :class:`DataError` unless ``traj`` can be fitted.

    ``where`` names the file or run in the message.
    """
    t, x = traj.t, traj.x
    if len(t) < MIN_POINTS:
        raise DataError(
            f"{where} has {len(t)} points; at least {MIN_POINTS} are needed to estimate derivatives — "
            "give more samples or merge short runs."
        )
    if not np.all(np.isfinite(t)) or not np.all(np.isfinite(x)):
        raise DataError(f"{where} holds NaN or infinite values; remove those rows or fill them in.")
    dt = np.diff(t)
    if np.any(dt == 0):
        i = int(np.flatnonzero(dt == 0)[0])
        raise DataError(
            f"{where} has the time value {t[i]:g} twice (rows {i + 1} and {i + 2}); "
            "remove duplicated rows or give each run its own `trajectory` value."
        )
    if np.any(dt < 0):
        i = int(np.flatnonzero(dt < 0)[0])
        raise DataError(
            f"{where}: time goes backwards at row {i + 2} ({t[i]:g} then {t[i + 1]:g}); sort the rows by time, "
            "or mark separate runs with a `trajectory` column."
        )


def check_not_constant(x: np.ndarray, names, where: str) -> None:
    """Raise :class:`DataError` if a state column never changes (nothing to learn from it)."""
    for j, name in enumerate(names):
        col = x[:, j]
        if np.nanmax(col) == np.nanmin(col):
            raise DataError(
                f"Column '{name}' in {where} is constant ({col[0]:g}); a constant state has no dynamics — "
                "leave it out with `--states`."
            )
