"""Silencing what compiled solvers print straight to the process's file descriptors.

scipy's LSODA (ODEPACK, Fortran) writes its warnings ("lsoda--  warning..internal t ...") to
file descriptor 1, past Python's ``sys.stdout``, and f2py writes "capi_return is NULL" to
descriptor 2 when a right-hand side stops the solve: they would reach a terminal under
``-q`` and break the JSON document of ``--json``. The solver's failure is reported by its
status (and so in the candidate's record); its chatter is dropped.

The Fortran runtime must write unbuffered for this to catch its lines as they come:
``discover/__init__.py`` sets ``GFORTRAN_UNBUFFERED_PRECONNECTED`` before scipy is loaded.
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_state: dict = {"depth": 0, "saved": {}}
_FDS = (1, 2)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass


@contextmanager
def output_silenced():
    """Point file descriptors 1 and 2 at the null device while the block runs (nested and threaded
    uses share one redirection, undone when the last one ends)."""
    with _lock:
        if _state["depth"] == 0:
            _flush()
            saved = {}
            for fd in _FDS:
                try:
                    saved[fd] = os.dup(fd)
                except OSError:  # not open: nothing can be printed there anyway
                    continue
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, fd)
                os.close(null)
            _state["saved"] = saved
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _flush()
                for fd, copy in _state["saved"].items():
                    os.dup2(copy, fd)
                    os.close(copy)
                _state["saved"] = {}
