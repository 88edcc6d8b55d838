"""Reading trajectory CSVs (the input contract of DESIGN.md).

A header row; a time column called ``t`` or ``time`` (any case) or named with ``time=``;
state columns are every other numeric column or those named with ``states=``; several
runs either by a ``trajectory`` (``traj``, ``run``, ``experiment``) column or by several
files. Rows with missing values are dropped with a :class:`MissingValuesWarning`.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from discover.data.checks import check_not_constant, check_trajectory
from discover.data.dataset import Dataset, Trajectory
from discover.errors import DataError, did_you_mean

TIME_NAMES = ("t", "time")
RUN_NAMES = ("trajectory", "traj", "run", "experiment")


class MissingValuesWarning(UserWarning):
    """Rows with missing values were dropped from the input."""


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (recorded in ``run.json``)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _split_names(states) -> list[str] | None:
    if states is None:
        return None
    if isinstance(states, str):
        states = states.split(",")
    names = [s.strip() for s in states if s.strip()]
    return names or None


def _read_table(path: Path):
    import pandas as pd

    if not path.exists():
        raise DataError(f"File '{path}' does not exist; check the path.")
    if path.is_dir():
        raise DataError(f"'{path}' is a folder, not a CSV file; give the path of the CSV inside it.")
    try:
        df = pd.read_csv(path, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"File '{path}' is empty; give a CSV with a header row and one row per sample.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise DataError(f"File '{path}' is not a readable CSV ({first}); save it as comma-separated text.") from None
    except OSError as exc:
        raise DataError(f"File '{path}' cannot be read ({exc.strerror or exc}); check its permissions.") from None
    if df.shape[1] == 0 or len(df.columns) == 0:
        raise DataError(f"File '{path}' has no columns; give a CSV with a header row.")
    # A header made only of numbers means the first data row was taken as the header.
    def _is_number(s) -> bool:
        try:
            float(str(s))
            return True
        except ValueError:
            return False

    if all(_is_number(c) for c in df.columns):
        raise DataError(
            f"File '{path}' has no header row (its first row is numbers); add a header such as 't,x,y'."
        )
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _find_time(columns: Sequence[str], time: str | None, path: Path) -> str:
    if time is not None:
        if time in columns:
            return time
        raise DataError(
            f"File '{path}' has no time column '{time}'{did_you_mean(time, columns)}; "
            f"its columns are {', '.join(columns)}."
        )
    for c in columns:
        if c.lower() in TIME_NAMES:
            return c
    raise DataError(
        f"File '{path}' has no time column (looked for 't' or 'time'); name it with `--time COLUMN` "
        f"(columns: {', '.join(columns)})."
    )


def _to_numeric(df, column: str, path: Path):
    import pandas as pd

    raw = df[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"Column '{column}' in '{path}' is not numeric (row {row + 2} holds '{raw.iloc[row]}'); "
            "fix the value or leave the column out with `--states`."
        )
    if values.isna().all():
        raise DataError(f"Column '{column}' in '{path}' is entirely empty; remove it or leave it out with `--states`.")
    return values.to_numpy(dtype=float)


def _read_one(path: Path, time: str | None, states: list[str] | None):
    df = _read_table(path)
    columns = list(df.columns)
    tcol = _find_time(columns, time, path)
    run_col = next((c for c in columns if c.lower() in RUN_NAMES and c != tcol), None)
    candidates = [c for c in columns if c not in (tcol, run_col)]
    if states is not None:
        for s in states:
            if s not in columns:
                raise DataError(
                    f"Unknown state '{s}' in `--states`{did_you_mean(s, candidates)}; "
                    f"the columns of '{path}' are {', '.join(columns)}."
                )
            if s in (tcol, run_col):
                raise DataError(f"'{s}' is the {'time' if s == tcol else 'trajectory'} column and cannot be a state.")
        chosen = list(states)
    else:
        chosen = candidates
    if not chosen:
        raise DataError(f"File '{path}' has no state columns besides time '{tcol}'; add one column per state variable.")
    t = _to_numeric(df, tcol, path)
    x = np.column_stack([_to_numeric(df, c, path) for c in chosen])
    runs = df[run_col].astype(str).to_numpy() if run_col is not None else None
    keep = np.isfinite(t) & np.all(np.isfinite(x), axis=1)
    if runs is not None:
        keep &= df[run_col].notna().to_numpy()
    return t, x, runs, keep, chosen, tcol


def load_csv(
    paths: str | Path | Iterable[str | Path],
    time: str | None = None,
    states: str | Sequence[str] | None = None,
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

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        With one sentence naming the file, column or row, for every input the program
        cannot use.

    Warns
    -----
    MissingValuesWarning
        When rows with missing values were dropped (the message counts them).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise DataError("No CSV file was given; pass the path of at least one file.")
    wanted = _split_names(states)
    trajectories: list[Trajectory] = []
    names = None
    time_name = None
    dropped = 0
    for path in paths:
        t, x, runs, keep, chosen, tcol = _read_one(path, time, wanted)
        if names is None:
            names, time_name = chosen, tcol
        elif chosen != names:
            raise DataError(
                f"File '{path}' has state columns {', '.join(chosen)} but the first file has "
                f"{', '.join(names)}; give files with the same columns or choose them with `--states`."
            )
        n_drop = int((~keep).sum())
        if n_drop == len(keep):
            raise DataError(f"Every row of '{path}' has a missing value; fill in the data or choose columns with `--states`.")
        dropped += n_drop
        t, x = t[keep], x[keep]
        if runs is None:
            groups = [(path.stem if len(paths) > 1 else "0", np.arange(len(t)))]
        else:
            runs = runs[keep]
            order = dict.fromkeys(runs)  # first-appearance order of run labels
            groups = [(str(r), np.flatnonzero(runs == r)) for r in order]
        for label, idx in groups:
            traj = Trajectory(t[idx], x[idx], label=label)
            where = f"'{path}'" if runs is None else f"trajectory '{label}' of '{path}'"
            check_trajectory(traj, names, where)
            trajectories.append(traj)
    if dropped:
        warnings.warn(
            f"Dropped {dropped} row{'s' if dropped != 1 else ''} with missing values.",
            MissingValuesWarning,
            stacklevel=2,
        )
    ds = Dataset(
        tuple(trajectories), tuple(names), time_name=time_name, source=tuple(str(p) for p in paths), dropped_rows=dropped
    )
    check_not_constant(ds.stacked()[1], names, "the data" if len(paths) > 1 else f"'{paths[0]}'")
    return ds
