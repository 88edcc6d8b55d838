"""Temporary folders a killed run left beside its destination: marked when made, removed on the next write.

:func:`discover.core.rundir.replace_folder` builds a run folder in a hidden sibling
``.NAME.discover-tmp-xxxxxxxx``. A process killed outright (SIGKILL, a crash, a killed batch
worker) cannot remove it; the marker written inside (:data:`TEMP_MARKER`: process id, host,
time, and whether a user's files were being carried into it) lets the next write to the same
place tell such a folder from one another run is still writing, and from anything else with a
similar name, which is never touched. Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from pathlib import Path

#: A file inside each temporary folder: who made it, so that a later run can tell one left by a
#: killed process (removed then) from one another run is still writing (left alone).
TEMP_MARKER = ".discover-temporary"
#: A temporary folder whose marker is older than this (seconds) is stale whoever made it.
STALE_AFTER = 7 * 24 * 3600


def mark(tmp: Path, carrying: bool = False) -> None:
    """Write the marker; ``carrying`` once files of the user's are about to be moved into ``tmp``."""
    marker = {"pid": os.getpid(), "host": socket.gethostname(), "created": time.time(), "carrying": carrying}
    (tmp / TEMP_MARKER).write_text(json.dumps(marker), encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or a value that is not a pid: not known to be gone
    return True


def _stale(tmp: Path) -> dict | None:
    """The marker of a temporary folder discover made whose process is gone; None for any other folder."""
    marker = tmp / TEMP_MARKER
    try:
        if tmp.is_symlink() or not tmp.is_dir() or marker.is_symlink() or not marker.is_file() \
                or marker.stat().st_size > 4096:
            return None
        doc = json.loads(marker.read_text(encoding="utf-8"))
        pid, host, created = int(doc["pid"]), str(doc["host"]), float(doc["created"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if time.time() - created > STALE_AFTER or (host == socket.gethostname() and pid != os.getpid() and not _alive(pid)):
        return doc
    return None


def stale_temporaries(target: str | Path) -> list[tuple[Path, dict]]:
    """The temporary folders ``.NAME.discover-tmp-*`` beside ``target`` that a killed run left, with their markers.

    Only a folder with discover's marker, made by a process that is gone (or more than
    :data:`STALE_AFTER` ago), is listed; :func:`discover.core.rundir.clean_stale` removes them.
    """
    target = Path(target)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.discover-tmp-[0-9a-f]{{8}}")
    try:
        entries = [Path(e.path) for e in os.scandir(target.parent) if pattern.fullmatch(e.name)]
    except OSError:
        return []
    return [(tmp, marker) for tmp in sorted(entries) if (marker := _stale(tmp)) is not None]
