"""The first check of input files: each path names a regular file that exists and is not
larger than discover reads (imports nothing heavy; reads nothing).

A device (``/dev/zero``), a FIFO or a socket is refused at once: reading one may never end or
may block for ever. A link to a regular file is followed (data are often linked into a project).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from discover.core.errors import DataError, shown

#: Largest data file read (bytes): a CSV is held in memory about three times over while parsed.
MAX_FILE_BYTES = 4 * 2**30


def check_file(path: Path, what: str = "data file", error=DataError, limit: int = MAX_FILE_BYTES) -> int:
    """Refuse ``path`` unless it is a regular file of at most ``limit`` bytes; return its size.

    Raises
    ------
    DataError (or ``error``)
        The path does not exist, is a folder, is not a regular file, or is too large.
    """
    where = f"'{shown(path, 500)}'"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"File {where} does not exist; check the path.") from None
    except OSError as exc:
        raise error(f"File {where} cannot be read ({exc.strerror or exc}); check the path and its permissions.") from None
    if stat.S_ISDIR(st.st_mode):
        raise error(f"{where} is a folder, not a {what}; give the path of the file inside it.")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode)
                or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        raise error(f"{where} is {kind}, not a {what}; save the data to a regular file and give its path.")
    if st.st_size > limit:
        raise error(f"File {where} holds {st.st_size / 2**30:.1f} GiB, more than discover reads "
                    f"({limit / 2**30:g} GiB); subsample it or split it into several files.")
    return st.st_size


def check_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Refuse, before anything is imported or read, a path that is not a regular file of a size discover reads.

    Raises
    ------
    DataError
        No path, a path that does not exist, a folder, a device, FIFO or socket, or a file
        larger than :data:`MAX_FILE_BYTES`.
    """
    out = [Path(p) for p in paths]
    if not out:
        raise DataError("No CSV file was given; pass the path of at least one file.")
    for p in out:
        check_file(p, "CSV file")
    return out
