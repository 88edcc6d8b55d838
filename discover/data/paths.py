"""The first check of input files: each path names a file that exists (imports nothing heavy)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from discover.core.errors import DataError, shown


def check_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Refuse, before anything is imported or read, a path that is not a file.

    Raises
    ------
    DataError
        No path, a path that does not exist, or a folder.
    """
    out = [Path(p) for p in paths]
    if not out:
        raise DataError("No CSV file was given; pass the path of at least one file.")
    for p in out:
        if not p.exists():
            raise DataError(f"File '{shown(p, 500)}' does not exist; check the path.")
        if p.is_dir():
            raise DataError(f"'{shown(p, 500)}' is a folder, not a CSV file; give the path of the CSV inside it.")
    return out
