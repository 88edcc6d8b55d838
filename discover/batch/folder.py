"""The batch folder: what ``discover batch --out DIR`` may write into, checked before any work.

A batch folder holds ``batch.json`` (which marks it as discover's), ``runs/NAME/`` (one run
folder per data set), ``summary.csv``, ``summary.html`` and ``logs/`` (tracebacks of internal
errors). ``--out`` is accepted when it is absent, empty or a batch folder; a folder discover
did not write is refused, or with ``force`` moved aside whole to ``DIR.old-<date-time>``
(never deleted); a run folder of ``discover run`` is refused. Standard library only.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from discover.core.errors import OutDirError
from discover.core.rundir import check_out, is_run_folder

BATCH_FILE = "batch.json"
SCHEMA = "discover.batch/1"


def is_batch_folder(path: str | Path) -> bool:
    """True when ``path`` holds a ``batch.json`` that discover wrote."""
    f = Path(path) / BATCH_FILE
    try:
        doc = json.loads(f.read_text(encoding="utf-8")) if f.is_file() and f.stat().st_size < 2**24 else None
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and str(doc.get("schema", "")).startswith("discover.batch/")


def check_batch_out(out: str | Path, force: bool = False) -> str:
    """What is at ``out`` now: ``"batch"``, ``"new"``, ``"empty"`` or ``"foreign"`` (only with ``force``).

    Raises
    ------
    OutDirError
        ``out`` is a file, a run folder of ``discover run``, a folder that discover did not write
        (without ``force``), the current or home folder, or not writable.
    """
    p = Path(out)
    if p.is_dir() and is_batch_folder(p):
        return "batch"
    if is_run_folder(p):
        raise OutDirError(f"`--out` '{out}' is a run folder of `discover run`, not a batch folder; "
                          "give a new folder for the batch with `--out`.")
    return check_out(p, force=force).kind


def open_batch_folder(out: str | Path, kind: str, record: dict) -> Path:
    """Create the batch folder (moving a foreign one aside first) and write its ``batch.json``."""
    p = Path(out)
    if kind == "foreign":
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside, i = p.with_name(f"{p.name}.old-{stamp}"), 1
        while os.path.lexists(aside):
            i += 1
            aside = p.with_name(f"{p.name}.old-{stamp}-{i}")
        os.rename(p, aside)  # the user's files, untouched
        import warnings

        from discover.core.rundir import RunFolderWarning

        warnings.warn(f"'{out}' held files that discover did not write; they were moved, untouched, to '{aside}'.",
                      RunFolderWarning, stacklevel=3)
    (p / "runs").mkdir(parents=True, exist_ok=True)
    write_atomic(p / BATCH_FILE, json.dumps({"schema": SCHEMA, **record}, indent=2, default=str) + "\n")
    return p


def write_atomic(path: Path, text: str) -> None:
    """Write ``path`` through a temporary sibling and a rename (never a half-written file)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
