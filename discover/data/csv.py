"""Reading trajectory CSVs (the input contract of DESIGN.md).

A header row; a time column called ``t`` or ``time`` (any case) or named with ``time=``;
state columns are every other numeric column or those named with ``states=``; several
runs either by a ``trajectory`` (``traj``, ``run``, ``experiment``) column or by several
files. Rows with missing values are dropped with a :class:`MissingValuesWarning`.
Files that are UTF-16 or Latin-1, or separated by semicolons or tabs, are read with an
:class:`~discover.data.table.InputFormatWarning` (see :mod:`discover.data.text`). Every other problem is a
:class:`~discover.core.errors.DataError` with one sentence naming the file, row or column.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from discover.core.errors import DataError, did_you_mean, shown
from discover.core.labels import check_label
from discover.core.options import split_names
from discover.data.checks import check_not_constant, check_scale, check_trajectory
from discover.data.dataset import Dataset, Trajectory
from discover.data.paths import check_paths
from discover.data.table import RUN_NAMES, is_number, normal, read_table

TIME_NAMES = ("t", "time")


class MissingValuesWarning(UserWarning):
    """Rows with missing values were dropped from the input."""


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (recorded in ``run.json``)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _subject(where: str) -> str:
    """How a message starts: ``File 'a.csv'``, or ``The DataFrame`` for data given in memory."""
    return where[0].upper() + where[1:] if where.startswith("the ") else f"File {where}"


def _find_time(columns: Sequence[str], time: str | None, where: str) -> str:
    names = ", ".join(shown(c, 40) for c in columns)
    if time is not None:
        if time in columns:
            return time
        raise DataError(
            f"{_subject(where)} has no time column '{shown(time)}'{did_you_mean(shown(time), columns)}; "
            f"its columns are {names}."
        )
    for c in columns:
        if c.lower() in TIME_NAMES:
            return c
    numbers = [c for c in columns if is_number(c)]
    if numbers:
        raise DataError(
            f"{_subject(where)} has no time column and its first row holds numbers ({', '.join(shown(c, 20) for c in numbers[:3])}"
            f"{', …' if len(numbers) > 3 else ''}), so it may have no header row; add one such as 't,x,y', or name the "
            "time column with `--time COLUMN`."
        )
    raise DataError(
        f"{_subject(where)} has no time column (looked for 't' or 'time'); name it with `--time COLUMN` (columns: {names})."
    )


def _read_one(path: Path, time: str | None, states: list[str] | None, inputs: list[str] | None = None):
    return pick_columns(read_table(path), time, states, inputs)


def _check_inputs(inputs: list[str], columns, tcol, run_col, states, where: str) -> None:
    """Refuse an input that is not a column, or that is the time, trajectory or a state column."""
    for s in inputs:
        if s not in columns:
            raise DataError(
                f"Unknown input '{shown(s)}' in `--inputs`{did_you_mean(s, columns)}; "
                f"the columns of {where} are {', '.join(shown(c, 40) for c in columns)}."
            )
        if s in (tcol, run_col):
            raise DataError(f"'{shown(s)}' is the {'time' if s == tcol else 'trajectory'} column and cannot be an input.")
        if states is not None and s in states:
            raise DataError(f"'{shown(s)}' is named both in `--states` and in `--inputs`; a column is either a state "
                            "(modelled) or an input (measured, not modelled).")


def pick_columns(table, time: str | None, states: list[str] | None, inputs: list[str] | None = None):
    """Time, states, run labels, the rows to keep and the inputs of a checked :class:`~discover.data.table.Table`.

    Returns ``(t, x, runs, keep, chosen, tcol, u)``: ``runs`` is None without a trajectory column;
    ``keep`` marks the rows without a missing value; ``u`` holds the ``inputs`` columns
    (shape (n_rows, 0) without inputs).
    """
    where, columns = table.where, table.names
    inputs = list(inputs or [])
    tcol = _find_time(columns, time, where)
    run_col = next((c for c in columns if c.lower() in RUN_NAMES and c != tcol), None)
    _check_inputs(inputs, columns, tcol, run_col, states, where)
    candidates = [c for c in columns if c not in (tcol, run_col) and c not in inputs]
    if states is not None:
        for s in states:
            if s not in columns:
                raise DataError(
                    f"Unknown state '{shown(s)}' in `--states`{did_you_mean(s, candidates)}; "
                    f"the columns of {where} are {', '.join(shown(c, 40) for c in columns)}."
                )
            if s in (tcol, run_col):
                raise DataError(
                    f"'{shown(s)}' is the {'time' if s == tcol else 'trajectory'} column and cannot be a state."
                )
        chosen = list(states)
    else:
        chosen = candidates
    if not chosen:
        raise DataError(
            f"{_subject(where)} has no state columns besides time '{shown(tcol)}'; add one column per state variable."
        )
    t = table.numbers(tcol)
    x = np.column_stack([table.numbers(c) for c in chosen])
    u = np.column_stack([table.numbers(c) for c in inputs]) if inputs else np.zeros((len(t), 0))
    runs = None
    keep = ~np.isnan(t) & ~np.any(np.isnan(x), axis=1) & ~np.any(np.isnan(u), axis=1)
    if run_col is not None:
        runs = table.labels(run_col)
        keep &= np.array([r is not None for r in runs], dtype=bool)
    return t, x, runs, keep, chosen, tcol, u


def split_runs(t, x, runs, keep, names, where: str, label: str, u=None) -> tuple[list[Trajectory], int]:
    """The checked runs of one table (one run labelled ``label`` when ``runs`` is None) and the
    number of rows dropped for a missing value; ``u`` are the input columns, if any."""
    u = np.zeros((len(t), 0)) if u is None else u
    n_drop = int((~keep).sum())
    if n_drop == len(keep):
        raise DataError(
            f"Every row of {where} has a missing value; fill in the data or choose columns with `--states`."
        )
    t, x, u = t[keep], x[keep], u[keep]
    if runs is None:
        groups = [(label, np.arange(len(t)))]
    else:
        runs = runs[keep]
        order = dict.fromkeys(runs)  # first-appearance order of run labels
        groups = [(str(r), np.flatnonzero(runs == r)) for r in order]
    found = []
    for name, idx in groups:
        check_label(name, f"A run in {where}")
        traj = Trajectory(t[idx], x[idx], label=name, u=u[idx])
        check_trajectory(traj, names, where if runs is None else f"trajectory '{shown(name)}' of {where}")
        found.append(traj)
    return found, n_drop


def load_csv(
    paths: str | Path | Iterable[str | Path],
    time: str | None = None,
    states: str | Sequence[str] | None = None,
    inputs: str | Sequence[str] | None = None,
    hold: str = "linear",
) -> Dataset:
    """Read one or more trajectory CSV files into a :class:`Dataset`.

    Parameters
    ----------
    paths : path or list of paths
        One CSV, or several (each file is one or more runs).
    time : str, optional
        Name of the time column; by default ``t`` or ``time`` in any case.
    states : str or list of str, optional
        State columns to use (comma-separated string or list); by default every other
        numeric column.
    inputs : str or list of str, optional
        Input columns (control or forcing signals): measured, not modelled; they are not
        states, get no equation and are never differentiated.
    hold : {"linear", "zoh"}
        How inputs are read between samples when a model is simulated.

    Returns
    -------
    Dataset
        Finite values, strictly increasing time in every run of at least 10 points, no
        constant state column, unique names, magnitudes the fit can compute with.

    Raises
    ------
    DataError
        With one sentence naming the file, column or row, for every input the program
        cannot use.

    Warns
    -----
    MissingValuesWarning
        When rows with missing values were dropped (the message counts them).
    InputFormatWarning
        When the file was read as UTF-16 or Latin-1, or separated by semicolons or tabs.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = check_paths(list(paths))
    wanted = split_names(states, "`--states`")
    wanted_inputs = split_names(inputs, "`--inputs`")
    from discover.core.signals import check_hold

    check_hold(hold)
    if time is not None:
        time = normal(time)
        if not time:
            raise DataError("`--time` is empty; give the name of the time column or leave the option out.")
    trajectories: list[Trajectory] = []
    names = None
    time_name = None
    dropped = 0
    for path in paths:
        where = f"'{shown(path, 500)}'"
        t, x, runs, keep, chosen, tcol, u = _read_one(path, time, wanted, wanted_inputs)
        if names is None:
            names, time_name = chosen, tcol
        elif chosen != names:
            raise DataError(
                f"File {where} has state columns {', '.join(shown(c, 40) for c in chosen)} but the first file has "
                f"{', '.join(shown(c, 40) for c in names)}; give files with the same columns or choose them with "
                "`--states`."
            )
        found, n_drop = split_runs(t, x, runs, keep, names, where, path.stem if len(paths) > 1 else "0", u)
        dropped += n_drop
        trajectories += found
    if dropped:
        warnings.warn(
            f"Dropped {dropped} row{'s' if dropped != 1 else ''} with missing values.",
            MissingValuesWarning,
            stacklevel=2,
        )
    ds = Dataset(
        tuple(trajectories), tuple(names), time_name=time_name, source=tuple(str(p) for p in paths), dropped_rows=dropped,
        inputs=tuple(wanted_inputs or ()), hold=hold,
    )
    where = "the data" if len(paths) > 1 else f"'{shown(paths[0], 500)}'"
    check_not_constant(ds.stacked()[1], names, where)
    check_scale(ds.trajectories, names, where, ds.inputs)
    return ds
