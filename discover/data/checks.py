"""Checks that turn bad data into one clear sentence (a :class:`DataError`)."""

from __future__ import annotations

import numpy as np

from discover.core.errors import DataError, shown

MIN_POINTS = 10

# The fit computes powers of the states up to the third and squares of those (least
# squares, variances): beyond 1e50 they overflow a float, below 1e-50 they underflow to
# zero. Durations get the same room, so rates of change stay within 1e-100..1e100.
LARGEST = 1e50
SMALLEST = 1e-50


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
                f"Column '{shown(name)}' in {where} is constant ({col[0]:g}); a constant state has no dynamics — "
                "leave it out with `--states`."
            )


def check_scale(trajectories, names, where: str, inputs=()) -> None:
    """Raise :class:`DataError` when magnitudes are beyond what the fit can compute with.

    Every state's largest magnitude must be at most ``LARGEST`` and its spread at least
    ``SMALLEST``; every run's duration must lie between the two; every input (named in
    ``inputs``, the columns of each run's ``u``) must be at most ``LARGEST`` in magnitude. Outside, powers and
    squares overflow or underflow and a fit would be meaningless (a constant model with a
    perfect score), so the user is asked to rescale.
    """
    x = np.concatenate([tr.x for tr in trajectories])
    span = max(tr.duration for tr in trajectories)
    shortest = min(tr.duration for tr in trajectories)
    if not SMALLEST <= shortest <= span <= LARGEST:
        bad = span if span > LARGEST else shortest
        raise DataError(
            f"The time in {where} spans {bad:.3g}; discover computes with times between {SMALLEST:g} and {LARGEST:g} — "
            "express time in other units (rescale the time column) and run again."
        )
    for j, name in enumerate(names):
        col = x[:, j]
        top = float(np.max(np.abs(col)))
        spread = float(np.max(col) - np.min(col))
        if top > LARGEST:
            raise DataError(
                f"Column '{shown(name)}' in {where} holds values up to {top:.3g} in magnitude; the powers of it the fit "
                f"computes overflow beyond {LARGEST:g} — express it in larger units (rescale the column) and run again."
            )
        if 0 < spread < SMALLEST:
            raise DataError(
                f"Column '{shown(name)}' in {where} varies by only {spread:.3g}; the powers of it the fit computes "
                f"underflow below {SMALLEST:g} — express it in smaller units (rescale the column) and run again."
            )
    if inputs:
        u = np.concatenate([tr.u for tr in trajectories])
        for j, name in enumerate(inputs):
            top = float(np.max(np.abs(u[:, j]))) if u.shape[0] else 0.0
            if top > LARGEST:
                raise DataError(
                    f"Input '{shown(name)}' in {where} holds values up to {top:.3g} in magnitude; the products of it the "
                    f"fit computes overflow beyond {LARGEST:g} — express it in larger units (rescale the column) and "
                    "run again."
                )
