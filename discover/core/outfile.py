"""Files a command writes (``discover generate -o FILE``, ``discover export -o FILE``, ...): the
``--out`` rules of run folders, for one file.

:func:`check_out_file` is called before any work: a new path is accepted (its folder is created
when written); an existing file is refused with one sentence, or with ``force`` moved aside,
untouched, to ``NAME.old-<date-time>`` (never a system file or one the user does not own, see
:mod:`discover.core.aside`); a folder, or a path under a file, is refused. :func:`write_out_file`
writes the new file beside the destination and renames it into place, so an interrupted
write leaves the earlier file as it was. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import warnings
from collections.abc import Callable
from pathlib import Path

from discover.core.aside import aside_name, check_movable
from discover.core.errors import OutDirError, shown


class OutputWarning(UserWarning):
    """An earlier output was moved aside; the message says where."""


def check_out_file(path: str | Path, force: bool = False, option: str = "`--output`") -> Path:
    """The absolute path of a file that may be written at ``path`` (see the module); OutDirError otherwise."""
    text = shown(path, 300)
    p = Path(os.path.abspath(Path(path).expanduser()))
    if p.is_dir():
        raise OutDirError(f"{option} '{text}' is a folder; give the path of a file to write, such as "
                          f"'{shown(p.name, 60)}/data.csv'.")
    if os.path.lexists(p):
        if not force:
            raise OutDirError(f"{option} '{text}' already exists; give a new file name, or add `--force` to move "
                              f"it aside to '{shown(p.name, 60)}.old-<date-time>' first (nothing is deleted).")
        check_movable(p, text, option)
    above = next(a for a in p.parents if a.exists())
    if not above.is_dir():
        raise OutDirError(f"{option} '{text}' cannot be created because '{shown(above, 300)}' is a file; "
                          "give a path in a folder.")
    if not os.access(above, os.W_OK | os.X_OK):
        raise OutDirError(f"Cannot write {option} '{text}': '{shown(above, 300)}' is not writable; give a file in a "
                          "folder you can write.")
    return p


def write_out_file(path: str | Path, write: Callable[[Path], None], force: bool = False,
                   option: str = "`--output`") -> Path:
    """Write a file at ``path`` with ``write(tmp)`` (which writes the complete file at ``tmp``).

    Checked again with :func:`check_out_file`; an earlier file is moved aside only with ``force``
    (an :class:`OutputWarning` says where). Returns the path written.
    """
    p = check_out_file(path, force, option)
    tmp = p.with_name(f".{p.name}.discover-tmp-{secrets.token_hex(4)}")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        if os.path.lexists(p):
            aside = aside_name(p)
            os.rename(p, aside)
            warnings.warn(f"'{shown(p, 300)}' existed; it was moved, untouched, to '{shown(aside, 300)}'.",
                          OutputWarning, stacklevel=2)
        os.rename(tmp, p)
    except OSError as exc:
        raise OutDirError(f"Cannot write {option} '{shown(path, 300)}' ({exc.strerror or exc}); give a file in a "
                          "folder you can write.") from None
    finally:
        with contextlib.suppress(OSError):
            if os.path.lexists(tmp):
                os.unlink(tmp)
    return p
