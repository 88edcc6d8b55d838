"""Reading trajectory CSVs (the input contract of DESIGN.md).

A header row; a time column called ``t`` or ``time`` (any case) or named with ``time=``;
state columns are every other numeric column or those named with ``states=``; several
runs either by a ``trajectory`` (``traj``, ``run``, ``experiment``) column or by several
files. Rows with missing values are dropped with a :class:`MissingValuesWarning`.
Files that are UTF-16 or Latin-1, or separated by semicolons or tabs, are read with an
:class:`InputFormatWarning` (see :mod:`discover.data.text`). Every other problem is a
:class:`~discover.errors.DataError` with one sentence naming the file, row or column.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from discover.data.checks import check_not_constant, check_scale, check_trajectory
from discover.data.dataset import Dataset, Trajectory
from discover.data.text import WHITESPACE, decode, sniff
from discover.errors import DataError, did_you_mean, shown
from discover.options import split_names

TIME_NAMES = ("t", "time")
RUN_NAMES = ("trajectory", "traj", "run", "experiment")
# What a spreadsheet or instrument writes for "no value" (pandas' defaults).
MISSING = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})


class MissingValuesWarning(UserWarning):
    """Rows with missing values were dropped from the input."""


class InputFormatWarning(UserWarning):
    """The file was read in an encoding or with a separator other than UTF-8 and commas."""


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (recorded in ``run.json``)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Refuse, before anything is imported or read, a path that is not a readable file."""
    out = [Path(p) for p in paths]
    if not out:
        raise DataError("No CSV file was given; pass the path of at least one file.")
    for p in out:
        if not p.exists():
            raise DataError(f"File '{shown(p, 500)}' does not exist; check the path.")
        if p.is_dir():
            raise DataError(f"'{shown(p, 500)}' is a folder, not a CSV file; give the path of the CSV inside it.")
    return out


def _normal(name) -> str:
    """A column name as discover uses it: NFC Unicode, no surrounding spaces or byte-order mark."""
    return unicodedata.normalize("NFC", str(name)).replace("\ufeff", "").strip()


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return text.lower().lstrip("+-") not in ("nan", "inf", "infinity")
    except ValueError:
        return False


def _read_table(path: Path) -> tuple[list[str], dict[str, np.ndarray], str]:
    """Header names, the cells of each named column (stripped text) and the decimal mark."""
    import pandas as pd

    where = f"'{shown(path, 500)}'"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"File {where} cannot be read ({exc.strerror or exc}); check its permissions.") from None
    text, note = decode(raw, where)
    if not text.strip():
        raise DataError(f"File {where} is empty; give a CSV with a header row and one row per sample.")
    text, dialect = sniff(text, where)
    for message in (note, dialect.note):
        if message:
            warnings.warn(message, InputFormatWarning, stacklevel=4)
    try:
        df = pd.read_csv(io.StringIO(text), sep=dialect.sep, header=None, dtype=str, keep_default_na=False,
                         skipinitialspace=True, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"File {where} is empty; give a CSV with a header row and one row per sample.") from None
    except (pd.errors.ParserError, ValueError, MemoryError) as exc:
        raise DataError(_parser_problem(str(exc), where, dialect.sep)) from None
    cells = df.fillna("").to_numpy(dtype=object)
    header = [_normal(c) for c in cells[0]]
    body = np.array([[str(v).strip() for v in row] for row in cells[1:]], dtype=object).reshape(-1, len(header))
    if all(_is_number(h) for h in header if h) and any(header):
        raise DataError(f"File {where} has no header row (its first row is numbers); add a header such as 't,x,y'.")
    columns: dict[str, np.ndarray] = {}
    first_seen: dict[str, int] = {}
    for j, name in enumerate(header):
        col = body[:, j]
        if not name:
            if all(v in MISSING for v in col):
                continue  # a trailing separator on every line: an empty column with no name
            raise DataError(f"Column {j + 1} of {where} has no name in the header row; name it or delete the column.")
        if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in name):
            raise DataError(
                f"Column {j + 1} of {where} has a name with a line break or control character ('{shown(name)}'); "
                "rename it."
            )
        if name in first_seen:
            raw_names = str(cells[0][first_seen[name]]), str(cells[0][j])
            how = "" if raw_names[0] == raw_names[1] else " once surrounding spaces are removed"
            raise DataError(
                f"File {where} has two columns named '{shown(name)}' (columns {first_seen[name] + 1} and {j + 1}"
                f"{how}); rename one of them."
            )
        first_seen[name] = j
        columns[name] = col
    if not columns:
        raise DataError(f"File {where} has no named columns; give a CSV with a header row such as 't,x,y'.")
    if body.shape[0] == 0:
        raise DataError(f"File {where} has a header row but no data rows; add one row per sample.")
    return list(columns), columns, dialect.decimal


def _parser_problem(message: str, where: str, sep: str) -> str:
    """One sentence for what pandas' parser complained about."""
    import re

    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        n, line, saw = found.groups()
        what = "whitespace" if sep == WHITESPACE else repr(sep)
        return (f"Row {line} of {where} has {saw} fields but the header row has {n}; remove the extra {what} "
                "separator or quote the text that contains it.")
    if "EOF inside string" in message:
        return f"File {where} has a quote (\") that is never closed; close it or remove it."
    first = message.strip().splitlines()[-1] if message.strip() else "unreadable"
    return f"File {where} is not a readable CSV ({shown(first, 120)}); save it as comma-separated text."


def _find_time(columns: Sequence[str], time: str | None, where: str) -> str:
    names = ", ".join(shown(c, 40) for c in columns)
    if time is not None:
        if time in columns:
            return time
        raise DataError(
            f"File {where} has no time column '{shown(time)}'{did_you_mean(shown(time), columns)}; "
            f"its columns are {names}."
        )
    for c in columns:
        if c.lower() in TIME_NAMES:
            return c
    numbers = [c for c in columns if _is_number(c)]
    if numbers:
        raise DataError(
            f"File {where} has no time column and its first row holds numbers ({', '.join(shown(c, 20) for c in numbers[:3])}"
            f"{', …' if len(numbers) > 3 else ''}), so it may have no header row; add one such as 't,x,y', or name the "
            "time column with `--time COLUMN`."
        )
    raise DataError(
        f"File {where} has no time column (looked for 't' or 'time'); name it with `--time COLUMN` (columns: {names})."
    )


def _to_numeric(cells: np.ndarray, column: str, where: str, decimal: str) -> np.ndarray:
    """Floats of a column; missing cells are NaN, anything else that is not a finite number is an error."""
    import pandas as pd

    missing = np.array([v in MISSING for v in cells], dtype=bool)
    text = pd.Series(cells, dtype=object)
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(~missing, None), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & ~missing
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"Column '{shown(column)}' in {where} is not numeric (row {row + 2} holds '{shown(cells[row], 40)}'); "
            "fix the value or leave the column out with `--states`."
        )
    if missing.all():
        raise DataError(
            f"Column '{shown(column)}' in {where} is entirely empty; remove it or leave it out with `--states`."
        )
    infinite = np.isinf(values)
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise DataError(
            f"Column '{shown(column)}' in {where} holds a number too large for a float at row {row + 2} "
            f"('{shown(cells[row], 40)}'); fix the value, rescale the column, or leave the cell empty to drop the row."
        )
    return values


def _read_one(path: Path, time: str | None, states: list[str] | None):
    where = f"'{shown(path, 500)}'"
    columns, cells, decimal = _read_table(path)
    tcol = _find_time(columns, time, where)
    run_col = next((c for c in columns if c.lower() in RUN_NAMES and c != tcol), None)
    candidates = [c for c in columns if c not in (tcol, run_col)]
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
            f"File {where} has no state columns besides time '{shown(tcol)}'; add one column per state variable."
        )
    t = _to_numeric(cells[tcol], tcol, where, decimal)
    x = np.column_stack([_to_numeric(cells[c], c, where, decimal) for c in chosen])
    runs = None
    keep = ~np.isnan(t) & ~np.any(np.isnan(x), axis=1)
    if run_col is not None:
        runs = cells[run_col]
        keep &= np.array([v not in MISSING for v in runs], dtype=bool)
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
    if time is not None:
        time = _normal(time)
        if not time:
            raise DataError("`--time` is empty; give the name of the time column or leave the option out.")
    trajectories: list[Trajectory] = []
    names = None
    time_name = None
    dropped = 0
    for path in paths:
        where = f"'{shown(path, 500)}'"
        t, x, runs, keep, chosen, tcol = _read_one(path, time, wanted)
        if names is None:
            names, time_name = chosen, tcol
        elif chosen != names:
            raise DataError(
                f"File {where} has state columns {', '.join(shown(c, 40) for c in chosen)} but the first file has "
                f"{', '.join(shown(c, 40) for c in names)}; give files with the same columns or choose them with "
                "`--states`."
            )
        n_drop = int((~keep).sum())
        if n_drop == len(keep):
            raise DataError(
                f"Every row of {where} has a missing value; fill in the data or choose columns with `--states`."
            )
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
            check_trajectory(traj, names, where if runs is None else f"trajectory '{shown(label)}' of {where}")
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
    where = "the data" if len(paths) > 1 else f"'{shown(paths[0], 500)}'"
    check_not_constant(ds.stacked()[1], names, where)
    check_scale(ds.trajectories, names, where)
    return ds
