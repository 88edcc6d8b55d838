"""Exceptions raised by discover.

Every error a user can cause (bad data, a bad option, a method that is not installed)
is a :class:`DiscoverError`. The CLI prints its message as one sentence and exits with
status 2; the Python API lets it propagate. Messages name the file, row or argument and
say what to do.
"""

from __future__ import annotations

import difflib
import unicodedata


class DiscoverError(Exception):
    """Base class of every error discover raises on purpose."""


class DataError(DiscoverError, ValueError):
    """The input data cannot be used as given (file, header, column, row)."""


class ConfigError(DiscoverError, ValueError):
    """A setting or option has a value discover does not accept."""


class OutDirError(ConfigError):
    """The run folder given with `--out` cannot be written there (a file, foreign files, no permission)."""


class UnavailableError(DiscoverError, RuntimeError):
    """A method needs a package or program that is not installed here."""


class NotFittedError(DiscoverError, AttributeError):
    """A fitted attribute was read before `fit` was called."""


def did_you_mean(name: str, choices) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _invisible(ch: str) -> bool:
    # control characters (escape sequences, BEL, line breaks), format characters (a right-to-left
    # override) and line/paragraph separators; a zero-width joiner is part of an emoji
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\u200d"


def visible(text) -> str:
    r"""``text`` with every control or format character written as its escape (``\x1b``, ``\n``,
    ``\u202e``): a label can then neither drive a terminal, break a line or a table, nor turn
    the text after it around, in any medium (every printer of :mod:`discover.core.printing`
    and the command line's output go through it).

    Examples
    --------
    >>> visible("x" + chr(27) + "[31m")
    'x\\x1b[31m'
    """
    text = str(text)
    if not any(_invisible(ch) for ch in text):
        return text
    return "".join(repr(ch)[1:-1] if _invisible(ch) else ch for ch in text)


def shown(text, limit: int = 60) -> str:
    """``text`` as it may appear inside a one-line message: control characters escaped, long text cut.

    Column names, trajectory labels, cell values and file names come from files the user
    did not necessarily write; a line break inside one must not break the one-sentence
    contract of an error message.
    """
    out = visible(text)
    return out if len(out) <= limit else out[: limit - 1] + "…"
