"""Which data sets a batch holds: files, folders, glob patterns, or a manifest CSV.

A data set is one discovery: one CSV file, or several files that hold runs of the same
experiment. :func:`find_datasets` turns what the user gave into a list of :class:`DataSet`:

- a folder: its ``manifest.csv`` when it has one, else every ``*.csv`` in it, one data set each;
- a glob pattern (``data/*.csv``): every file it matches, one data set each;
- a CSV file with a ``file`` column: a manifest. Each row names a file (relative to the
  manifest's folder); an optional ``name`` column groups rows into one data set (default: the
  file's name without ``.csv``); every other column is metadata of the data set (temperature,
  dose, a parameter), the same on every row of a group;
- any other file: one data set.

Only paths are resolved here: a file that is missing or unreadable is a failure of its own
data set (recorded with its reason by the task), not of the batch.
"""

from __future__ import annotations

import csv
import glob
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from discover.core.errors import DataError, shown

MANIFEST = "manifest.csv"
_FOLDER_CHARS = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class DataSet:
    """One discovery of a batch.

    Attributes
    ----------
    name : str
        The data set's label (shown in the summary; never code or markup).
    folder : str
        Its run folder's name under ``OUT/runs/`` (``name`` made safe for a file system).
    paths : tuple of str
        Absolute paths of its CSV files, read on the worker.
    metadata : dict
        Columns of the manifest (``{"alpha": 0.8}``); empty without a manifest.
    """

    name: str
    folder: str
    paths: tuple[str, ...]
    metadata: dict = field(default_factory=dict, hash=False, compare=False)


def folder_name(name: str) -> str:
    """A file-system-safe folder name for the label ``name`` (letters, digits, ``_ . -``)."""
    s = _FOLDER_CHARS.sub("_", str(name)).strip("._") or "data"
    return s[:100]


def _is_pattern(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # not readable here: the task says why, for this data set alone


def _is_manifest(path: Path) -> bool:
    return path.suffix.lower() == ".csv" and any(c.strip().lower() == "file" for c in _header(path))


def _number(text: str):
    """A manifest cell as a number when it reads as one, else the text (metadata may be either)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and re.fullmatch(r"[+-]?\d+", text.strip()) else value


def read_manifest(path: str | Path) -> list[DataSet]:
    """The data sets a manifest CSV lists (see the module's docstring).

    Raises
    ------
    DataError
        The manifest cannot be read, has no ``file`` column, a row with no file, or metadata
        that differ between the rows of one data set.
    """
    path = Path(path)
    where = f"Manifest '{shown(path, 300)}'"
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{where} cannot be read ({shown(getattr(exc, 'strerror', None) or exc, 120)}); "
                        "give a UTF-8 CSV file with a `file` column.") from None
    if not rows:
        raise DataError(f"{where} is empty; give a header with a `file` column and one row per file.")
    header = [h.strip() for h in rows[0]]
    lower = [h.lower() for h in header]
    if "file" not in lower:
        raise DataError(f"{where} has no `file` column; add one that names each data file.")
    if len(set(lower)) != len(lower):
        dup = next(h for h in header if lower.count(h.lower()) > 1)
        raise DataError(f"{where} has the column '{shown(dup)}' twice; give each column once.")
    i_file = lower.index("file")
    i_name = lower.index("name") if "name" in lower else None
    meta_cols = [(i, h) for i, h in enumerate(header) if i not in (i_file, i_name)]
    groups: dict[str, dict] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))
        file = row[i_file].strip()
        if not file:
            raise DataError(f"{where}, line {line}: the `file` cell is empty; name a data file there.")
        target = Path(file) if Path(file).is_absolute() else path.parent / file
        name = (row[i_name].strip() if i_name is not None else "") or Path(file).stem
        meta = {h: _number(row[i].strip()) if row[i].strip() else math.nan for i, h in meta_cols}
        group = groups.setdefault(name, {"paths": [], "meta": meta, "line": line})
        for h, v in meta.items():
            old = group["meta"][h]
            if not (old == v or (_nan(old) and _nan(v))):
                raise DataError(f"{where}, line {line}: data set '{shown(name)}' has {shown(h)} = {shown(v)} but "
                                f"{shown(old)} on line {group['line']}; give one value per data set.")
        group["paths"].append(str(target.absolute()))
    if not groups:
        raise DataError(f"{where} lists no file; add one row per data file.")
    return _named([(name, g["paths"], g["meta"]) for name, g in groups.items()])


def _nan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _named(items: list[tuple[str, list[str], dict]]) -> list[DataSet]:
    """Data sets with folder names made unique (``x``, ``x_2``, ...)."""
    out, used = [], set()
    for name, paths, meta in items:
        base = cand = folder_name(name)
        k = 2
        while cand.lower() in used:
            cand = f"{base}_{k}"
            k += 1
        used.add(cand.lower())
        out.append(DataSet(str(name), cand, tuple(paths), dict(meta)))
    return out


def find_datasets(paths) -> list[DataSet]:
    """The data sets named by ``paths`` (a path, a glob pattern, or a list of them).

    Raises
    ------
    DataError
        Nothing given, a path that does not exist and matches nothing, a folder with no CSV,
        two data sets with the same name, or a manifest that cannot be read.
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise DataError("No data were given; pass a folder, a glob pattern such as 'data/*.csv', CSV files or a manifest.")
    found: list[tuple[str, list[str], dict]] = []
    manifests: list[DataSet] = []
    for item in items:
        p = Path(item).expanduser()
        if p.is_dir():
            if (p / MANIFEST).is_file():
                manifests += read_manifest(p / MANIFEST)
                continue
            files = sorted(f for f in p.iterdir() if f.suffix.lower() == ".csv" and f.is_file())
            if not files:
                raise DataError(f"Folder '{shown(p, 300)}' holds no .csv file; give the folder of your data files.")
        elif p.is_file():
            if _is_manifest(p):
                manifests += read_manifest(p)
                continue
            files = [p]
        elif _is_pattern(str(item)):
            files = sorted(Path(f) for f in glob.glob(str(p), recursive=True) if Path(f).is_file())
            if not files:
                raise DataError(f"The pattern '{shown(item, 300)}' matches no file; check it (quote it so the shell "
                                "does not expand it).")
        else:
            raise DataError(f"'{shown(item, 300)}' does not exist; give a folder, a glob pattern, CSV files or a manifest.")
        found += [(f.stem, [str(f.absolute())], {}) for f in files]
    out = manifests + _named(found)
    names = [d.name for d in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise DataError(f"Two data sets are named '{shown(dup)}'; give files distinct names, or name the data sets "
                        "in a manifest (`name` column).")
    if manifests and found:
        return _named([(d.name, list(d.paths), d.metadata) for d in out])
    return out
