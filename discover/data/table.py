"""A CSV file as a checked table: named columns of numbers (or run labels), one sentence per problem.

The bytes are decoded and the separator found by :mod:`discover.data.text`; pandas' C parser
then reads the header row as text and the body as numbers, so a clean file of a million
rows loads in about a second. Only a column that does not parse as numbers is looked at
cell by cell, to name the first bad cell in the error.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from discover.core.errors import DataError, shown
from discover.core.labels import check_label
from discover.data.paths import check_file
from discover.data.text import HEAD_BYTES, WHITESPACE, check_head, decode, sniff

# What a spreadsheet or instrument writes for "no value" (pandas' defaults).
MISSING = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})
RUN_NAMES = ("trajectory", "traj", "run", "experiment")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class InputFormatWarning(UserWarning):
    """The file was read in an encoding or with a separator other than UTF-8 and commas."""


def normal(name) -> str:
    """A column name as discover uses it: NFC Unicode, no surrounding spaces or byte-order mark."""
    return unicodedata.normalize("NFC", str(name)).replace("\ufeff", "").strip()


def is_number(text: str) -> bool:
    """Whether a header cell is a number (then the header row is probably data)."""
    try:
        float(text.replace(",", "."))
        return text.lower().lstrip("+-") not in ("nan", "inf", "infinity")
    except ValueError:
        return False


@dataclass
class Table:
    """The named columns of one file.

    Attributes
    ----------
    names : list of str
        Column names, unique, in file order (unnamed empty columns left out).
    where : str
        The file as messages name it.
    """

    names: list[str]
    where: str
    _frame: object
    _position: dict
    first_row: int = 2  # how messages number the first data row (a file's line; a DataFrame's position 0)
    blank_lines: tuple = ()  # the file's lines (numbered as messages number them) that the parser skipped as blank

    def line(self, row: int) -> int:
        """How messages number the data row ``row`` (0-based): the file's line, past blank lines within the data."""
        at = row + self.first_row
        for blank in self.blank_lines:  # in file order: each blank line at or before the row pushes it down one
            if blank <= at:
                at += 1
        return at

    def numbers(self, name: str) -> np.ndarray:
        """The column as floats (NaN where a cell is missing); text or infinity is a DataError."""
        import pandas as pd

        col = self._frame.iloc[:, self._position[name]]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            values = col.to_numpy(dtype=float, na_value=np.nan)
            shown_cell = None
        else:
            text = col.astype("string").str.strip()
            missing = text.isna() | text.isin(MISSING)
            values = pd.to_numeric(text.mask(missing), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            bad = np.isnan(values) & ~missing.to_numpy(dtype=bool)
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise DataError(
                    f"Column '{shown(name)}' in {self.where} is not numeric (row {self.line(row)} holds "
                    f"'{shown(text.iloc[row], 40)}'); fix the value or leave the column out with `--states`."
                )
            shown_cell = text
        if np.isnan(values).all():
            raise DataError(
                f"Column '{shown(name)}' in {self.where} is entirely empty; remove it or leave it out with `--states`."
            )
        infinite = np.isinf(values)
        if infinite.any():
            row = int(np.flatnonzero(infinite)[0])
            cell = f" ('{shown(shown_cell.iloc[row], 40)}')" if shown_cell is not None else ""
            raise DataError(
                f"Column '{shown(name)}' in {self.where} holds infinity or a number too large for a float at row "
                f"{self.line(row)}{cell}; fix the value, rescale the column, or leave the cell empty to drop the row."
            )
        return values

    def labels(self, name: str) -> np.ndarray:
        """The column as text labels (None where a cell is missing)."""
        col = self._frame.iloc[:, self._position[name]].astype("string").str.strip()
        out = col.astype(object).to_numpy(copy=True)
        out[(col.isna() | col.isin(MISSING)).to_numpy(dtype=bool)] = None
        return out


def read_table(path: Path, labels=RUN_NAMES) -> Table:
    """Decode, sniff and parse ``path``; check its header row.

    Columns whose name is in ``labels`` (any case) are read as text (run labels).

    Raises
    ------
    DataError
        An unreadable or empty file, a row with more fields than the header, no header
        row, a name missing, repeated (after stripping) or holding a control character.
    """
    import pandas as pd

    where = f"'{shown(path, 500)}'"
    check_file(path, "CSV file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            rest = fh.read(1)
            check_head(head, where, whole=not rest)
            raw = head + rest + fh.read() if rest else head
    except OSError as exc:
        raise DataError(f"File {where} cannot be read ({exc.strerror or exc}); check its permissions.") from None
    text, note = decode(raw, where)
    del raw  # a large file is held once as text and once as the parser's UTF-8 bytes, not also as read
    before = text
    text, dialect = sniff(text, where)
    text = re.sub(r"\A(?:[ \t]*(?:\r\n|\r|\n))+", "", text)  # blank lines before the header
    # lines before the header (Excel's sep= line, blank lines): messages number rows as the file's lines
    skipped = len(_LINE_BREAK.findall(before[: len(before) - len(text)]))
    del before
    if not text.strip():
        raise DataError(f"File {where} is empty; give a CSV with a header row and one row per sample.")
    for message in (note, dialect.note):
        if message:
            warnings.warn(message, InputFormatWarning, stacklevel=4)
    options = {"sep": dialect.sep, "header": None, "skipinitialspace": True, "skip_blank_lines": True,
               "encoding": "utf-8"}
    # pandas' C parser reads UTF-8 bytes: given them (the text was decoded strictly, so it encodes back
    # exactly), it does not buffer the text itself (a million-row CSV: 229 MiB at its peak, not 416)
    data = text.encode("utf-8")
    try:
        head = pd.read_csv(io.BytesIO(data), nrows=1, dtype=str, keep_default_na=False, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataError(_parser_problem(str(exc), where, dialect.sep, text, skipped)) from None
    raw_names = ["" if pd.isna(v) else str(v) for v in head.iloc[0]]
    names = [normal(c) for c in raw_names]
    for j, name in enumerate(names):
        check_label(name, f"Column {j + 1} of {where}")
    if any(names) and all(is_number(h) for h in names if h):
        raise DataError(f"File {where} has no header row (its first row is numbers); add a header such as 't,x,y'.")
    as_text = {j: str for j, n in enumerate(names) if n.lower() in labels}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            body = pd.read_csv(io.BytesIO(data), skiprows=1, names=range(len(names)), index_col=False, dtype=as_text,
                               na_values=sorted(MISSING), keep_default_na=False, decimal=dialect.decimal, **options)
    except pd.errors.EmptyDataError:
        body = pd.DataFrame(columns=range(len(names)))
    except (pd.errors.ParserError, ValueError, MemoryError) as exc:
        raise DataError(_parser_problem(str(exc), where, dialect.sep, text, skipped)) from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        raise DataError(_parser_problem("", where, dialect.sep, text, skipped))
    position: dict[str, int] = {}
    for j, name in enumerate(names):
        if not name:
            if body.iloc[:, j].isna().all():
                continue  # a trailing separator on every line: an empty column with no name
            raise DataError(f"Column {j + 1} of {where} has no name in the header row; name it or delete the column.")
        if name in position:
            i = position[name]
            how = "" if raw_names[i] == raw_names[j] else " once surrounding spaces are removed"
            raise DataError(
                f"File {where} has two columns named '{shown(name)}' (columns {i + 1} and {j + 1}{how}); "
                "rename one of them."
            )
        position[name] = j
    if not position:
        raise DataError(f"File {where} has no named columns; give a CSV with a header row such as 't,x,y'.")
    if len(body) == 0:
        raise DataError(f"File {where} has a header row but no data rows; add one row per sample.")
    return Table(list(position), where, body, position, first_row=2 + skipped,
                 blank_lines=_blank_lines(text, first=1 + skipped))


_BLANK_WITHIN = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)")


def _blank_lines(text: str, first: int) -> tuple:
    """The lines of ``text`` (its first line numbered ``first``) that hold nothing but spaces, as the
    parser skips them; () at once when no line within the text is blank (the usual file, read in one search)."""
    if not _BLANK_WITHIN.search(text):
        return ()
    return tuple(first + i for i, line in enumerate(_LINE_BREAK.split(text)) if not line.strip(" \t"))


def _parser_problem(message: str, where: str, sep: str, text: str, skipped: int = 0) -> str:
    """One sentence for what pandas' parser complained about (rows are found again with the csv module)."""
    if "EOF inside string" in message:
        return f"File {where} has a quote (\") that is never closed; close it or remove it."
    long = _first_long_row(text, sep)
    if long is not None:
        row, saw, n = long
        what = "whitespace" if sep == WHITESPACE else repr(sep)
        return (f"Row {row + skipped} of {where} has {saw} fields but the header row has {n}; remove the extra {what} "
                "separator or quote the text that contains it.")
    first = message.strip().splitlines()[-1] if message.strip() else "unreadable"
    return f"File {where} is not a readable CSV ({shown(first, 120)}); save it as comma-separated text."


def _first_long_row(text: str, sep: str) -> tuple[int, int, int] | None:
    """(row, fields, header fields) of the first row with more fields than the header, or None."""
    try:
        if sep == WHITESPACE:
            rows = (ln.split() for ln in text.splitlines() if ln.strip())
        else:
            rows = (r for r in csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True) if r)
        n = None
        for i, r in enumerate(rows):
            if n is None:
                n = len(r)
            elif len(r) > n:
                return i + 1, len(r), n
    except csv.Error:
        return None
    return None
