"""Plug-ins registered by name, and their settings read from plain tables.

Every plug-in family (surrogates, distillers, delay models) keeps one :class:`Registry`.
A plug-in declares ``name`` (how ``--methods`` and the config's ``[name]`` table call it)
and ``Settings`` (a frozen dataclass). :func:`settings_from` turns a config table or a
keyword argument into that dataclass with one-sentence errors, so no code anywhere has to
know a plug-in by name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from discover.errors import ConfigError, DiscoverError, did_you_mean


class Registry(dict):
    """``name -> class`` for one plug-in family; ``kind`` names the family in messages."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def register(self, cls):
        """Class decorator: make ``cls`` available by its ``name`` attribute."""
        if not getattr(cls, "name", ""):
            raise TypeError(f"{cls.__name__} needs a non-empty `name` to be registered as a {self.kind}.")
        self[cls.name] = cls
        return cls

    def get_class(self, name: str):
        if name not in self:
            raise ConfigError(
                f"Unknown {self.kind} '{name}'{did_you_mean(name, self)}; available: {', '.join(self) or 'none'}."
            )
        return self[name]


@dataclasses.dataclass(frozen=True)
class NoSettings:
    """Settings of a plug-in that has none."""


def _type_ok(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, tuple):
        return isinstance(value, (list, tuple))
    return True


def settings_from(cls: type, value: Any, table: str):
    """An instance of the settings dataclass ``cls`` from ``value``.

    ``value`` may be None (defaults), an instance of ``cls``, or a mapping (a TOML table or
    a keyword argument) whose keys are fields of ``cls``. An unknown key or a value of the
    wrong type is a :class:`ConfigError` naming the ``[table]``.
    """
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise ConfigError(f"Settings for `{table}` must be a table of keys and values, not {value!r}.")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    out = {}
    for key, item in value.items():
        if key not in fields:
            raise ConfigError(f"Unknown setting '{key}' in the [{table}] table{did_you_mean(key, fields)}; "
                              f"allowed: {', '.join(sorted(fields)) or 'none'}.")
        f = fields[key]
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        if default is not None and not _type_ok(default, item):
            raise ConfigError(f"Setting '{key}' in the [{table}] table must be like {default!r}, not {item!r}.")
        out[key] = tuple(item) if isinstance(default, tuple) and isinstance(item, list) else item
    try:
        return cls(**out)
    except DiscoverError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"Settings in the [{table}] table are not usable: {exc}.") from None
