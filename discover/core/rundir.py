"""Where a run folder may go, and how it is put there without losing anything.

``check_out`` is called before any fitting: it accepts an absent folder (created at write time),
an empty folder, or a run folder discover wrote (recognised by its ``run.json``), and refuses
anything else with one sentence (:class:`~discover.core.errors.OutDirError`). ``replace_folder``
builds the new folder beside the destination and swaps it in with renames:

- a run folder is replaced whole; files a user added to it (anything discover does not write,
  see :func:`foreign_entries`) are moved into the new folder, and only discover's own files
  of the old one are deleted;
- with ``force=True`` a folder that is not a run folder is moved aside, untouched, to a
  sibling ``NAME.old-YYYYmmdd-HHMMSS`` (a :class:`RunFolderWarning` says where), unless it is
  a system folder or not the user's (:func:`discover.core.aside.check_movable`);
- SIGINT and SIGTERM during the write remove the temporary folder and leave the earlier
  folder as it was (SIGTERM then ends the process as it would have); a temporary folder left by
  a process that was killed outright (SIGKILL, a crash) carries a marker naming that process,
  and the next write to the same place removes it (:func:`clean_stale`).

New folders follow the umask. This module uses the standard library only, so the command line
can check ``--out`` before importing anything heavy.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
import signal
import threading
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from discover.core.aside import aside_name as _aside_name
from discover.core.aside import check_movable
from discover.core.errors import OutDirError
from discover.core.stale import TEMP_MARKER, mark, stale_temporaries

#: Files at the top of a run folder that discover writes (and may delete when it replaces the folder);
#: the plug-ins' own files and figures are listed under ``written`` in the folder's run.json.
RUN_FILES = ("report.md", "report.html", "equations.json", "run.json", "data.npz", "suggestion.json")
#: Figures the report itself draws into ``figures/`` (``NAME.png``).
FIGURES = ("trajectories", "forecasts", "derivatives", "confidence", "pareto", "sr_fronts", "spacetime", "inputs",
           "equivalent")
RUN_SCHEMA = "discover.run/"
_MAX_RUN_JSON = 64 * 2**20


class RunFolderWarning(UserWarning):
    """Something was kept or moved aside while a run folder was written; the message says where."""


@dataclass(frozen=True)
class OutCheck:
    """What :func:`check_out` found at a destination.

    Attributes
    ----------
    path : Path
        The folder to write (a link to a folder is followed).
    kind : str
        ``"new"`` (absent), ``"empty"``, ``"run"`` (a run folder of discover) or ``"foreign"``
        (a folder that is not a run folder, accepted only with ``force=True``).
    """

    path: Path
    kind: str


def is_run_folder(path: str | Path) -> bool:
    """True when ``path`` is a folder whose ``run.json`` was written by discover."""
    run = Path(path) / "run.json"
    try:
        if not run.is_file() or run.stat().st_size > _MAX_RUN_JSON:
            return False
        doc = json.loads(run.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(doc, dict) and isinstance(doc.get("schema"), str) and doc["schema"].startswith(RUN_SCHEMA)
            and isinstance(doc.get("settings"), dict))


def model_files(folder: str | Path) -> set[str]:
    """``models/LABEL.pt`` files the run in ``folder`` saved (labels from its run.json)."""
    try:
        labels = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8")).get("surrogates") or {}
    except (OSError, ValueError, AttributeError):
        return set()
    return {f"{k}.pt" for k in labels if isinstance(k, str) and k and k == Path(k).name and k not in (".", "..")}


def written_files(folder: str | Path) -> set[str]:
    """The plug-ins' files and the figures the run in ``folder`` wrote, as its run.json lists them
    (``written``: paths relative to the folder, at the top or in ``figures/``)."""
    try:
        listed = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8")).get("written") or []
    except (OSError, ValueError, AttributeError):
        return set()
    return {p for p in listed if isinstance(p, str) and _plain_path(p)} if isinstance(listed, list) else set()


def _plain_path(p: str) -> bool:
    """A name at the top of the folder, or ``figures/NAME``: nothing else is ever discover's to delete."""
    parts = p.split("/")
    return (len(parts) == 1 or (len(parts) == 2 and parts[0] == "figures")) and all(
        x and x not in (".", "..") and "\\" not in x for x in parts)


def _owned_names(folder: Path, owned=()) -> dict[str, set[str]]:
    """Discover's own names in ``folder``: ``""`` the top, ``figures`` and ``models`` their files."""
    extra = written_files(folder) | {p for p in owned if _plain_path(p)}
    return {"": set(RUN_FILES) | {p for p in extra if "/" not in p},
            "figures": {f"{k}.png" for k in FIGURES} | {p.split("/")[1] for p in extra if p.startswith("figures/")},
            "models": model_files(folder)}


def foreign_entries(folder: str | Path, owned=()) -> list[str]:
    """Entries of a run folder that discover did not write, as paths relative to it (sorted).

    A folder is listed whole when nothing in it is discover's; inside ``figures/`` and
    ``models/`` each file discover does not write is listed on its own. Discover's files are its
    own (:data:`RUN_FILES`, :data:`FIGURES`), those its run.json lists as ``written``, and ``owned``
    (paths relative to the folder: what the run about to replace it writes).
    """
    folder = Path(folder)
    sub = _owned_names(folder, owned)
    top = sub.pop("")
    out = []
    for entry in os.scandir(folder):
        if entry.name in top and not entry.is_dir(follow_symlinks=False):
            continue
        if entry.name in sub and entry.is_dir(follow_symlinks=False):
            out += [f"{entry.name}/{e.name}" for e in os.scandir(entry.path)
                    if e.name not in sub[entry.name] or e.is_dir(follow_symlinks=False)]
            continue
        out.append(entry.name)
    return sorted(out)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _writable(folder: Path) -> bool:
    """``os.access``, then a trial folder (made and removed) for places that say yes but refuse (ACLs, /proc)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    probe = _new_sibling(folder / "probe", "probe")
    try:
        os.mkdir(probe)
        os.rmdir(probe)
    except OSError:
        return False
    return True


def check_out(path: str | Path, force: bool = False) -> OutCheck:
    """Check that a run folder can be written at ``path``, before any fitting.

    Parameters
    ----------
    path : str or Path
        The ``--out`` folder.
    force : bool, default False
        Accept a folder that is not a run folder of discover: its content will be moved aside.

    Returns
    -------
    OutCheck
        The folder and what is there now.

    Raises
    ------
    OutDirError
        ``path`` is a file or lies under one, is a non-empty folder discover did not write
        (without ``force``), is the current or home folder or one above them (when not a run
        folder), is a mount point, or cannot be written; the message names the folder and what to do.
    """
    shown = str(path)
    try:
        return _check(shown, Path(os.path.abspath(Path(path).expanduser())), force)
    except PermissionError as exc:
        raise OutDirError(f"Cannot use '{shown}' for the run folder: '{exc.filename}' cannot be read (no permission); "
                          "give a folder you can write with `--out`.") from None


def _check(shown: str, p: Path, force: bool) -> OutCheck:
    if p.is_symlink():
        if not p.exists():
            raise OutDirError(f"`--out` '{shown}' is a link to '{os.readlink(p)}', which does not exist; "
                              "give a folder path with `--out`.")
        p = p.resolve()
    if p.exists() and not p.is_dir():
        raise OutDirError(f"`--out` '{shown}' is a file, not a folder; give a folder path with `--out`.")
    if not p.exists():
        above = next(a for a in p.parents if a.exists())
        if not above.is_dir():
            raise OutDirError(f"`--out` '{shown}' cannot be created because '{above}' is a file; "
                              "give a folder path with `--out`.")
        if not _writable(above):
            raise _unwritable(shown, above)
        return OutCheck(p, "new")
    real = p.resolve()
    if os.path.ismount(real):
        raise OutDirError(f"`--out` '{shown}' is a mount point, which discover cannot replace; "
                          "give a folder inside it with `--out`.")
    kind = "run" if is_run_folder(p) else ("empty" if not any(os.scandir(p)) else "foreign")
    if kind != "run":
        for place, what in _protected():
            if _inside(place, real):
                raise OutDirError(f"`--out` '{shown}' is {what} or holds it, and is not a discover run folder; "
                                  "give a new folder such as `--out runs/NAME`.")
    if kind == "foreign" and force:
        check_movable(p, shown)
    if kind == "foreign" and not force:
        names = sorted(e.name for e in os.scandir(p))
        example = ", ".join(f"'{n}'" for n in names[:3]) + (", ..." if len(names) > 3 else "")
        raise OutDirError(f"`--out` '{shown}' already holds files that discover did not write ({example}); "
                          "give a new folder with `--out`, or add `--force` (force=True in Python) to move "
                          f"its content aside to '{p.name}.old-<date-time>' first.")
    for folder in (p.parent, p) if kind == "run" else (p.parent,):
        if not _writable(folder):
            raise _unwritable(shown, folder)
    return OutCheck(p, kind)


def _protected() -> list[tuple[Path, str]]:
    """Folders never replaced or moved aside unless they are run folders: the current and home folders."""
    out = [(Path.cwd().resolve(), "the current folder")]
    try:
        out.append((Path.home().resolve(), "your home folder"))
    except (RuntimeError, KeyError):  # no home folder known
        pass
    return out


def _unwritable(shown: str, folder: Path) -> OutDirError:
    return OutDirError(f"Cannot write the run folder '{shown}': '{folder}' is not writable (a read-only place "
                       "or no permission); give a folder you can write with `--out`.")


class _Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM while a run folder is written."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Signals:
    """Turn SIGINT and SIGTERM into :class:`_Interrupted` while a folder is written (main thread only),
    and hold them back during the renames; after cleaning up, a SIGTERM ends the process as it would have."""

    def __init__(self):
        self.previous: dict[int, object] = {}
        self.holding = False
        self.pending: int | None = None

    def _handler(self, signum, frame):
        if self.holding:
            self.pending = signum
        else:
            raise _Interrupted(signum)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig, default in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
                if signal.getsignal(sig) is default:  # a handler someone else installed is left alone
                    self.previous[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, kind, exc, tb):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        if isinstance(exc, _Interrupted) and exc.signum == signal.SIGTERM and signal.SIGTERM in self.previous:
            os.kill(os.getpid(), signal.SIGTERM)  # the default action, now that nothing is half-written
        return False

    @contextmanager
    def hold(self):
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
            if self.pending is not None:
                signum, self.pending = self.pending, None
                raise _Interrupted(signum)


def _new_sibling(target: Path, tag: str) -> Path:
    """A free hidden name beside ``target`` (``.NAME.discover-TAG-xxxxxxxx``)."""
    while True:
        p = target.with_name(f".{target.name}.discover-{tag}-{secrets.token_hex(4)}")
        if not os.path.lexists(p):
            return p


def _make_temp(target: Path) -> Path:
    while True:  # os.mkdir follows the umask (tempfile.mkdtemp would make it 0700)
        tmp = _new_sibling(target, "tmp")
        try:
            os.mkdir(tmp)
        except FileExistsError:
            continue
        mark(tmp)
        return tmp


def clean_stale(target: str | Path) -> list[Path]:
    """Remove the temporary folders ``.NAME.discover-tmp-*`` beside ``target`` that a killed run left.

    Only a folder with discover's marker, made by a process that is gone (or more than
    :data:`discover.core.stale.STALE_AFTER` ago), is touched. One the process was still building holds nothing but
    discover's files and is removed; one into which a user's files were being carried (the
    process was killed while swapping folders) loses only discover's own files, and the rest is
    moved, untouched, to ``NAME.old-<date-time>`` with a :class:`RunFolderWarning`. Returns the
    folders removed.
    """
    target = Path(target)
    removed = []
    for tmp, marker in stale_temporaries(target):
        try:
            if marker.get("carrying") is False:  # nothing but what discover wrote has entered it
                shutil.rmtree(tmp)
                removed.append(tmp)
                continue
            os.unlink(tmp / TEMP_MARKER)
            if _clear_owned(tmp):
                removed.append(tmp)
                continue
            aside = _aside_name(target)
            os.rename(tmp, aside)
        except OSError:
            continue
        warnings.warn(f"A run into '{target}' that was killed left files discover did not write in a temporary "
                      f"folder; they were moved, untouched, to '{aside}'.", RunFolderWarning, stacklevel=3)
    return removed


def _move_in(src: Path, dest: Path, names: list[str], moved: list[str]) -> None:
    """Move the entries ``names`` (relative paths) of ``src`` into ``dest``, noting each in ``moved``."""
    for rel in names:
        if os.path.lexists(dest / rel):  # e.g. a user's folder named like one of discover's files: left behind
            continue
        (dest / rel).parent.mkdir(exist_ok=True)
        os.rename(src / rel, dest / rel)
        moved.append(rel)


def _clear_owned(old: Path, owned=()) -> bool:
    """Delete discover's own files in the replaced folder ``old``, then the folder if nothing else is left."""
    sub = _owned_names(old, owned)
    top = sub.pop("")
    for name, owned in sub.items():
        d = old / name
        if d.is_dir() and not d.is_symlink():
            for e in os.scandir(d):
                if e.name in owned and not e.is_dir(follow_symlinks=False):
                    os.unlink(e.path)
            if not any(os.scandir(d)):
                d.rmdir()
    for name in sorted(top, key=lambda n: n == "run.json"):  # run.json, which lists the others, last
        if os.path.lexists(old / name) and not (old / name).is_dir():
            os.unlink(old / name)
    if any(os.scandir(old)):
        return False
    old.rmdir()
    return True


def _swap(check: OutCheck, tmp: Path, carried: list[str], owned=()) -> None:
    out = check.path
    if check.kind in ("new", "empty", "foreign"):
        os.unlink(tmp / TEMP_MARKER)  # the finished folder carries no marker
    if check.kind in ("new", "empty"):
        try:
            os.rename(tmp, out)  # replaces an empty folder; fails on one that filled up meanwhile
        except OSError:
            raise OutDirError(f"`--out` '{out}' was filled or changed while discover ran; "
                              "give a new folder with `--out`.") from None
        return
    if check.kind == "foreign":
        aside = _aside_name(out)
        os.rename(out, aside)
        try:
            os.rename(tmp, out)
        except BaseException:
            os.rename(aside, out)
            raise
        warnings.warn(f"'{out}' held files that discover did not write; they were moved, untouched, to '{aside}'.",
                      RunFolderWarning, stacklevel=4)
        return
    try:
        mark(tmp, carrying=True)
        _move_in(out, tmp, foreign_entries(out, owned), carried)  # the user's files go into the new folder
        old = _new_sibling(out, "old")
        os.rename(out, old)
        try:
            os.unlink(tmp / TEMP_MARKER)
            os.rename(tmp, out)
        except BaseException:
            os.rename(old, out)
            raise
    except BaseException:
        back: list[str] = []
        try:
            _move_in(tmp, out, list(carried), back)
        finally:
            carried[:] = [c for c in carried if c not in back]
        raise
    del carried[:]
    try:
        gone = _clear_owned(old, owned)
    except OSError:
        gone = False
    if not gone:
        aside = _aside_name(out)
        os.rename(old, aside)
        warnings.warn(f"Some files of the earlier '{out}' could not be carried into the new run folder; "
                      f"they are kept in '{aside}'.", RunFolderWarning, stacklevel=4)


def _discard(tmp: Path | None, carried: list[str], out: Path) -> None:
    """Remove the temporary folder of a write that failed, unless it still holds a user's files."""
    if tmp is None or not tmp.exists():
        return
    if not carried:
        shutil.rmtree(tmp, ignore_errors=True)
        return
    aside = _aside_name(out)
    os.rename(tmp, aside)
    warnings.warn(f"Writing '{out}' failed after files that discover did not write were moved out of it; "
                  f"they are in '{aside}' ({', '.join(carried[:3])}).", RunFolderWarning, stacklevel=4)


#: Errors of the place written to (not of discover) that end a write with one sentence.
_PLACE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EXDEV, errno.EBUSY,
                 errno.ENOTEMPTY, errno.EEXIST}


def replace_folder(path: str | Path, build: Callable[[Path], None], force: bool = False, owned=()) -> Path:
    """Build a run folder with ``build(tmp)`` beside ``path`` and move it into place.

    Parameters
    ----------
    path : str or Path
        The destination, checked again with :func:`check_out`.
    build : callable
        Writes the complete folder into the (empty, temporary) folder it is given. It may read
        the current folder at ``path``, which is still in place while it runs.
    force : bool, default False
        Move a folder that is not a run folder aside (to ``NAME.old-<date-time>``) instead of refusing it.
    owned : iterable of str
        Paths (relative to the folder: a top-level name or ``figures/NAME``) that the new folder's
        plug-ins write: the same names in the earlier folder are discover's too, even where its
        run.json does not list them (folders written before it listed them).

    Returns
    -------
    Path
        The run folder written.

    Raises
    ------
    OutDirError
        The destination is refused (see :func:`check_out`), or the place cannot take the folder
        (full, read-only, no permission); the earlier folder is then left as it was.
    """
    check = check_out(path, force=force)
    clean_stale(check.path)
    tmp, carried = None, []
    try:
        check.path.parent.mkdir(parents=True, exist_ok=True)
        with _Signals() as signals:
            try:
                with signals.hold():
                    tmp = _make_temp(check.path)
                build(tmp)
                with signals.hold():
                    _swap(check, tmp, carried, tuple(owned))
            except BaseException:
                with signals.hold():
                    _discard(tmp, carried, check.path)
                raise
    except OSError as exc:
        if exc.errno not in _PLACE_ERRORS:
            raise
        where = f" on '{exc.filename}'" if exc.filename else ""
        raise OutDirError(f"Cannot write the run folder '{path}' ({exc.strerror}{where}); the earlier content is "
                          "unchanged; free some space or give a folder you can write with `--out`.") from None
    return check.path
