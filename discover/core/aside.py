"""What ``--force`` may move aside: never a system folder, never something the user does not own.

``--force`` moves an existing output (a folder that is not a run folder, a file that would be
overwritten) aside to ``NAME.old-<date-time>``, untouched. Run as root from ``/``, ``--out /etc
--force`` would have moved ``/etc``; :func:`check_movable` refuses, with one sentence:

- the root folder, any top-level folder (``/usr``, ``/home``, ``/data``, ...) and anything inside
  the system's own trees (``/etc``, ``/usr``, ``/bin``, ``/lib``, ``/boot``, ``/var`` but its
  temporary folder, ...);
- the home folder itself and every folder above it;
- anything not owned by the user running discover (another user's folder, a system file),
  root included.

Standard library only: the command line checks this before importing anything heavy.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from discover.core.errors import OutDirError

#: Trees of the operating system: nothing inside them is ever moved aside.
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin",
                "/snap", "/sys", "/usr", "/var")
#: Places inside those trees where users keep their own files.
USER_PLACES = ("/var/tmp",)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _system(real: Path) -> str | None:
    """Why ``real`` (a resolved absolute path) is the system's, or None."""
    if real == Path(real.anchor):
        return "the root folder"
    if real.parent == Path(real.anchor):
        return "a top-level folder of the system"
    if any(_inside(real, Path(u)) for u in USER_PLACES):
        return None
    for tree in SYSTEM_TREES:
        if _inside(real, Path(tree)):
            return f"inside the system folder {tree}"
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError):
        return None
    if _inside(home, real):
        return "your home folder or one above it"
    return None


def check_movable(path: str | Path, shown: str, option: str = "`--out`") -> None:
    """Refuse to move ``path`` aside when it is the system's or not the user's (see the module)."""
    p = Path(os.path.abspath(Path(path).expanduser()))
    real = p.resolve() if not p.is_symlink() else p.parent.resolve() / p.name
    why = _system(real)
    if why is None:
        try:
            owner = os.lstat(p).st_uid
        except OSError:
            return
        if hasattr(os, "geteuid") and owner != os.geteuid():
            why = "owned by another user"
    if why is not None:
        raise OutDirError(f"{option} '{shown}' is {why}; `--force` never moves such a place aside; give a new "
                          f"path with {option}.")


def aside_name(target: Path) -> Path:
    """A free sibling ``NAME.old-YYYYmmdd-HHMMSS`` (``-2``, ``-3``... when taken)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    p, i = target.with_name(f"{target.name}.old-{stamp}"), 1
    while os.path.lexists(p):
        i += 1
        p = target.with_name(f"{target.name}.old-{stamp}-{i}")
    return p
