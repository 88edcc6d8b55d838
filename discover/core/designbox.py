"""The design box: the states a next experiment may start from, as ``{variable: (low, high)}``.

A user writes it as text, ``'x: 0..10'`` (``--design-box``, repeatable, or several variables
separated by commas: ``'x: 0..10, y: -1..1'``). Labels are data: the text is split on its
separators and each bound read with ``float``; nothing is evaluated. A variable may be named
with spaces or brackets (``S [mM]: 0..5``): the label is everything before the last colon.
Without a box, :func:`default_box` gives twice the observed range, clipped to the data's signs.
"""

from __future__ import annotations

import math

from discover.core.errors import ConfigError, shown


def _bound(text: str, item: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        raise ConfigError(f"`--design-box` '{shown(item)}' has the bound '{shown(text)}', which is not a finite "
                          "number; write each variable as NAME: LOW..HIGH, e.g. 'x: 0..10'.")
    return value


def parse_design_box(spec) -> dict[str, tuple[float, float]]:
    """``'x: 0..10, y: -1..1'`` (or a list of such texts, or a dict name -> (low, high)) as a dict.

    Raises
    ------
    ConfigError
        An item is not ``NAME: LOW..HIGH`` with finite numbers and LOW < HIGH, or a variable is named twice.
    """
    if spec is None:
        return {}
    if isinstance(spec, dict):
        items = [(str(k), v) for k, v in spec.items()]
        out = {}
        for k, v in items:
            try:
                lo, hi = (float(b) for b in v)
            except (TypeError, ValueError):
                raise ConfigError(f"The design box of '{shown(k)}' must be a pair (low, high) of numbers, "
                                  f"not {shown(repr(v))}.") from None
            out[k] = _checked(k, lo, hi, f"{k}: {v}")
        return out
    texts = [spec] if isinstance(spec, str) else list(spec)
    out: dict[str, tuple[float, float]] = {}
    for text in texts:
        if not isinstance(text, str):
            raise ConfigError(f"`--design-box` must be text such as 'x: 0..10', not {shown(repr(text))}.")
        for item in (i for i in text.split(",") if i.strip()):
            if ":" not in item:
                raise ConfigError(f"`--design-box` '{shown(item.strip())}' has no colon; write each variable as "
                                  "NAME: LOW..HIGH, e.g. 'x: 0..10'.")
            name, _, rng = item.rpartition(":")
            name = name.strip()
            parts = rng.split("..")
            if not name or len(parts) != 2 or not all(p.strip() for p in parts):
                raise ConfigError(f"`--design-box` '{shown(item.strip())}' is not NAME: LOW..HIGH; write it as "
                                  "e.g. 'x: 0..10' or 'y: -1.5..2e3'.")
            if name in out:
                raise ConfigError(f"`--design-box` names '{shown(name)}' twice; give each variable one range.")
            out[name] = _checked(name, _bound(parts[0].strip(), item.strip()), _bound(parts[1].strip(), item.strip()), item.strip())
    return out


def _checked(name: str, lo: float, hi: float, item: str) -> tuple[float, float]:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ConfigError(f"`--design-box` '{shown(item)}' has a bound that is not a finite number; "
                          "write it as e.g. 'x: 0..10'.")
    if not lo < hi:
        raise ConfigError(f"`--design-box` '{shown(item)}' has its low bound {lo:g} not below its high bound "
                          f"{hi:g}; write LOW..HIGH with LOW < HIGH.")
    return (lo, hi)


def check_names(box: dict, names) -> None:
    """Refuse a box that names a variable the data do not have."""
    from discover.core.errors import did_you_mean

    for k in box:
        if k not in names:
            raise ConfigError(f"`--design-box` names '{shown(k)}', which is not a state of the data"
                              f"{did_you_mean(k, list(names))}; the states are {', '.join(shown(n) for n in names)}.")


def default_box(low, high) -> tuple[float, float]:
    """Twice the observed range [``low``, ``high``] of one variable, clipped to the data's signs.

    The range is doubled away from zero: a variable seen only at positive values gets
    [0, 2·high], one seen only at negative values [2·low, 0], one seen on both sides
    [2·low, 2·high] (so a run that settled near a fixed point at 5 is questioned from 0 to 10,
    not only around 5). A variable seen at one value only gets a box around it.
    """
    lo, hi = float(low), float(high)
    if lo >= 0:
        box = (0.0, 2 * hi)
    elif hi <= 0:
        box = (2 * lo, 0.0)
    else:
        box = (2 * lo, 2 * hi)
    if not box[0] < box[1]:
        half = max(abs(lo), 1.0)
        box = (lo - half, lo + half)
    return box


def resolve(given: dict, names, low, high) -> dict[str, tuple[float, float]]:
    """Every variable's box: the given one, else :func:`default_box` of its observed range."""
    return {n: tuple(given[n]) if n in given else default_box(lo, hi) for n, lo, hi in zip(names, low, high)}
