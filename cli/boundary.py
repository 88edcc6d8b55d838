"""The command line's error boundary: every failure ends in one sentence and an exit status.

* :class:`~discover.core.errors.DiscoverError` (bad input, a bad option): the sentence, exit 2.
* A run that finished with no candidate surviving selection: exit 3 (``discover run``).
* ``KeyboardInterrupt``: one line, exit 130.
* Anything else is a bug: one sentence "internal error in <step>: <message>; details in
  <log file>", the traceback written to a log file in the user's cache folder
  (``$XDG_CACHE_HOME/discover/logs`` or ``~/.cache/discover/logs``), exit 1. With the
  global ``--debug`` option (or ``DISCOVER_DEBUG=1``) the traceback is printed instead.

The step is the progress task that was open when the error passed through it (``sindy:
distilling``), and the function of discover where it was raised.
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape as _rich_escape

from discover.core.errors import DiscoverError, shown, visible

EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_NO_MODEL = 3
EXIT_INTERRUPTED = 130
KEEP_LOGS = 50
_state = {"debug": False}



def escape(text) -> str:
    """Text (a label, a message, a path) as rich prints it literally: markup escaped, and control or
    format characters written visibly (:func:`discover.core.errors.visible`), so no label drives
    the terminal (an escape sequence, a bell, a line break, a right-to-left override)."""
    return _rich_escape(visible(text))

def set_debug(on: bool) -> None:
    """Print tracebacks of internal errors (the global ``--debug`` option)."""
    _state["debug"] = bool(on)


@contextmanager
def step(name: str):
    """Name what runs inside; an exception leaving it remembers the innermost name."""
    try:
        yield
    except BaseException as exc:
        if not hasattr(exc, "_discover_step"):
            try:
                exc._discover_step = name
            except AttributeError:
                pass
        raise


def log_dir() -> Path:
    """Where tracebacks of internal errors are written."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "discover" / "logs"


def _write_log(exc: BaseException, where: str) -> tuple[Path | None, str]:
    """Write the traceback; return the file, or None and why it could not be written."""
    from discover import __version__

    stamp = datetime.now()
    text = (
        f"discover {__version__}: internal error in {where}\n"
        f"time: {stamp.isoformat(timespec='seconds')}\n"
        f"command: {' '.join(sys.argv)}\n"
        f"python: {sys.version.split()[0]} on {sys.platform}\n\n"
        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    reason = ""
    import tempfile

    for folder in (log_dir(), Path(tempfile.gettempdir()) / "discover-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"discover-{stamp:%Y%m%d-%H%M%S}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
        except OSError as err:
            reason = reason or (err.strerror or str(err))
            continue
        for old in sorted(folder.glob("discover-*.log"))[:-KEEP_LOGS]:
            try:
                old.unlink()
            except OSError:
                pass
        return path, ""
    return None, reason


def _origin(exc: BaseException) -> str:
    """``module.function`` of the innermost frame of discover's own code in the traceback."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.split(".")[0] in ("discover", "cli"):
            found = f"{module}.{tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    return found or "discover"


def describe(exc: BaseException) -> str:
    """Where an internal error happened, for its one sentence."""
    origin = _origin(exc)
    named = getattr(exc, "_discover_step", None)
    return f"step '{shown(named)}' ({origin})" if named else origin


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {shown(line, 200)}" if line else type(exc).__name__


@contextmanager
def user_errors(err: Console, quiet: bool = False):
    """Turn every way a command can fail into one sentence and an exit status; show warnings
    (unless ``quiet``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)

        def show_warnings():
            for w in ([] if quiet else caught):
                if w.category.__module__.startswith("discover"):
                    err.print(f"[yellow]Warning:[/yellow] {escape(str(w.message))}", highlight=False, soft_wrap=True)
            caught.clear()

        try:
            yield
        except DiscoverError as exc:
            show_warnings()
            if _state["debug"]:
                traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
            err.print(f"[bold red]Error:[/bold red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=EXIT_INPUT) from None
        except KeyboardInterrupt:
            show_warnings()
            err.print("[bold red]Interrupted[/bold red] (Ctrl-C); stopped.", highlight=False, soft_wrap=True)
            raise typer.Exit(code=EXIT_INTERRUPTED) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("typer", "click"):
                show_warnings()
                raise  # typer's own exits and usage errors
            show_warnings()
            where = describe(exc)
            if _state["debug"]:
                traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
                tail = "the traceback is above"
            else:
                log, reason = _write_log(exc, where)
                tail = (f"details in {log}" if log else
                        f"the traceback could not be saved ({reason}); rerun with --debug to see it")
            sentence = f"internal error in {where}: {_first_line(exc)}; {tail}."
            err.print(f"[bold red]Error:[/bold red] {escape(sentence)}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=EXIT_INTERNAL) from None
        else:
            show_warnings()
