"""Checks of run settings that need no data and load nothing heavy.

The CLI and :func:`discover.api.run` call these (through
:func:`discover.pipeline.plan.check_run_settings`) before the CSV is read and before the
pipeline (and torch) is imported, so that a bad option is refused at once; the estimator
calls them again in ``fit`` for Python users. Each failure is a
:class:`~discover.core.errors.ConfigError` with one sentence. This module sits with
:mod:`discover.core.errors` at the bottom of the layers.
"""

from __future__ import annotations

import math
import unicodedata
from numbers import Real

from discover.core.errors import ConfigError, shown

DEVICES = ("auto", "cpu", "cuda")
SEED_LIMIT = 2**32  # numpy's and torch's seeds are unsigned 32-bit here


class OptionWarning(UserWarning):
    """An option was accepted but has no effect on this run."""


def check_seed(seed, option: str = "`--seed`") -> int:
    """``seed`` as an int in [0, 2**32); anything else (a negative number, text, a bool) is refused."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"{option} must be a whole number from 0 to {SEED_LIMIT - 1}, not {shown(repr(seed))}.")
    if not 0 <= seed < SEED_LIMIT:
        raise ConfigError(f"{option} must be a whole number from 0 to {SEED_LIMIT - 1}, not {seed}.")
    return seed


def check_number(value, option: str, low, high, whole: bool = False):
    """``value`` when it is a finite number (a whole one with ``whole``) from ``low`` to ``high``;
    anything else (NaN, an infinity, a bool, text, out of range) is refused with one sentence."""
    kind = "a whole number" if whole else "a number"
    if (isinstance(value, bool) or not isinstance(value, Real) or (whole and not float(value).is_integer())
            or not math.isfinite(value) or not low <= value <= high):
        def text(x):
            return f"{x:_}".replace("_", ",") if isinstance(x, int) else f"{x:g}"

        raise ConfigError(f"{option} must be {kind} from {text(low)} to {text(high)}, not {shown(repr(value))}.")
    return value


def check_device(device) -> str:
    """``device`` must be auto, cpu or cuda (whether a GPU is there is checked when a network runs)."""
    if not isinstance(device, str) or device not in DEVICES:
        raise ConfigError(f"`--device` must be auto, cpu or cuda, not {shown(repr(device))}.")
    return device


def check_text(value, option: str) -> str | None:
    """A single name (``--time``, ``--sr-engine``): text that is not empty, or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{option} must be text, not {shown(repr(value))}.")
    if not value.strip():
        raise ConfigError(f"{option} is empty; give a value or leave the option out.")
    return value


def comma_items(value, refusal: str) -> list[str]:
    """The items of ``"a,b"`` or ``["a", "b"]`` (not yet stripped); ``refusal`` when ``value`` is neither."""
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(refusal)


def split_names(value, option: str = "`--states`") -> list[str] | None:
    """Column names from ``"a,b"`` or ``["a", "b"]`` (stripped, NFC Unicode), or None when not given.

    Given but empty (``""``, ``","``, ``[]``) or naming a column twice is an error: an
    empty list must not silently mean "every column".
    """
    if value is None:
        return None
    items = comma_items(value, f"{option} must be comma-separated column names, not {shown(repr(value))}.")
    names = [unicodedata.normalize("NFC", s).strip() for s in items]
    names = [s for s in names if s]
    if not names:
        raise ConfigError(f"{option} is empty; name at least one column (e.g. x,y) or leave the option out.")
    for i, s in enumerate(names):
        if s in names[:i]:
            raise ConfigError(f"{option} names '{shown(s)}' twice; give each column once.")
    return names
