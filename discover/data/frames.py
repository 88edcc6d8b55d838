"""Reading a pandas DataFrame as the CSV contract reads a file.

The same columns are found (a time column ``t`` or ``time`` in any case, or named with
``time=``; a ``trajectory``/``traj``/``run``/``experiment`` column for several runs; every
other column a state unless ``states=`` names them) and the same checks run, with the same
one-sentence :class:`~discover.core.errors.DataError` messages, through the reader of
:mod:`discover.data.csv`. A time column that is the frame's index (``df.set_index("t")``) is
read as a column.
"""

from __future__ import annotations

import warnings
from typing import Sequence

from discover.core.errors import DataError, shown
from discover.core.labels import check_label
from discover.core.options import split_names
from discover.data.checks import check_not_constant, check_scale
from discover.data.csv import TIME_NAMES, MissingValuesWarning, pick_columns, split_runs
from discover.data.dataset import Dataset
from discover.data.table import Table, normal

WHERE = "the DataFrame"


def frame_table(df) -> Table:
    """``df`` as a checked :class:`~discover.data.table.Table` (names normalised, unique, printable)."""
    index = df.index.name
    if index is not None and normal(index).lower() in TIME_NAMES:
        df = df.reset_index()
    names = [normal(c) for c in df.columns]
    position: dict[str, int] = {}
    for j, name in enumerate(names):
        check_label(name, f"Column {j + 1} of {WHERE}")
        if not name:
            raise DataError(f"Column {j + 1} of {WHERE} has no name; name it or drop the column.")
        if name in position:
            raise DataError(f"{WHERE[0].upper() + WHERE[1:]} has two columns named '{shown(name)}' (columns "
                            f"{position[name] + 1} and {j + 1}); rename one of them.")
        position[name] = j
    if len(df) == 0:
        raise DataError(f"{WHERE[0].upper() + WHERE[1:]} has no rows; give one row per sample.")
    return Table(names, WHERE, df, position, first_row=0)


def from_frame(df, time: str | None = None, states: str | Sequence[str] | None = None,
               inputs: str | Sequence[str] | None = None, hold: str = "linear") -> Dataset:
    """Read a pandas DataFrame into a :class:`Dataset`, as :func:`~discover.data.csv.load_csv` reads a CSV.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per sample: a time column (or index), one column per state, and optionally a
        trajectory column.
    time : str, optional
        Name of the time column; by default ``t`` or ``time`` in any case.
    states : str or list of str, optional
        State columns to use; by default every other column.
    inputs : str or list of str, optional
        Input columns (measured driving signals, not modelled).
    hold : {"linear", "zoh"}
        How inputs are read between samples when a model is simulated.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        One sentence naming the column or row, for every frame the program cannot use.

    Warns
    -----
    MissingValuesWarning
        When rows with missing values were dropped.
    """
    wanted = split_names(states, "`states`")
    wanted_inputs = split_names(inputs, "`inputs`")
    if time is not None:
        if not isinstance(time, str) or not normal(time):
            raise DataError(f"`t` must name the DataFrame's time column, not {shown(repr(time))}.")
        time = normal(time)
    table = frame_table(df)
    t, x, runs, keep, names, tcol, u = pick_columns(table, time, wanted, wanted_inputs)
    trajectories, dropped = split_runs(t, x, runs, keep, names, WHERE, "0", u)
    if dropped:
        warnings.warn(f"Dropped {dropped} row{'s' if dropped != 1 else ''} with missing values.",
                      MissingValuesWarning, stacklevel=3)
    ds = Dataset(tuple(trajectories), tuple(names), time_name=tcol, dropped_rows=dropped,
                 inputs=tuple(wanted_inputs or ()), hold=hold)
    check_not_constant(ds.stacked()[1], names, WHERE)
    check_scale(ds.trajectories, names, WHERE, ds.inputs)
    return ds
