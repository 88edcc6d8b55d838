"""What makes a batch resumable: a finished data set is recognised and never recomputed.

Each run folder a batch writes records, in its ``run.json`` (``provenance.batch``), the hash of
its input files and the hash of the settings it ran with. A later batch skips a data set whose
run folder holds the same two hashes; changing a file or a setting computes it again. A data
set that failed has no run folder, so it is tried again. Standard library only (the client
checks this before it starts any worker).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from discover.core.rundir import is_run_folder

#: Settings that change what a data set's run computes (the others, such as the number of
#: workers or the timeout, do not).
RESULT_SETTINGS = ("methods", "time", "states", "seed", "device", "tables", "inputs", "input_hold", "space",
                   "periodic", "budget")
#: Those a batch always records (the others count only when set, so older batches keep their hash).
ALWAYS = RESULT_SETTINGS[:6]


def input_hash(paths) -> str:
    """SHA-256 over the bytes of every input file, in order (names do not count, content does).

    Raises
    ------
    OSError
        A file cannot be read (the data set's task reports it).
    """
    h = hashlib.sha256()
    for p in paths:
        f = hashlib.sha256()
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                f.update(block)
        h.update(f.digest())
    return h.hexdigest()


def settings_hash(settings: dict) -> str:
    """SHA-256 of the settings that change a run's result, written as canonical JSON."""
    chosen = {k: settings.get(k) for k in RESULT_SETTINGS if k in ALWAYS or settings.get(k) is not None}
    text = json.dumps(chosen, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def record(run_dir: str | Path) -> dict | None:
    """``provenance.batch`` of the run folder ``run_dir`` (None when it has none or is no run folder)."""
    run_dir = Path(run_dir)
    if not is_run_folder(run_dir):
        return None
    try:
        doc = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    rec = (doc.get("provenance") or {}).get("batch")
    return rec if isinstance(rec, dict) else None


def is_finished(run_dir: str | Path, inputs: str, settings: str) -> bool:
    """True when ``run_dir`` holds a complete run of these inputs with these settings."""
    rec = record(run_dir)
    return (rec is not None and rec.get("input_hash") == inputs and rec.get("settings_hash") == settings
            and (Path(run_dir) / "equations.json").is_file())
