"""Plug-ins registered by name, and their settings read from plain tables.

Every plug-in family (surrogates, distillers, delay models) keeps one :class:`Registry`.
A plug-in declares ``name`` (how ``--methods`` and the config's ``[name]`` table call it)
and ``Settings`` (a frozen dataclass); :func:`settings_from` turns a config table or a
keyword argument into that dataclass with one-sentence errors, so no code anywhere has to
know a plug-in by name.

A family declares its plug-ins by name and module (``REGISTRY.declare("node",
"discover.surrogates.neural_ode")``); the module is imported, and registers its class with
:meth:`Registry.register`, only when that class is first asked for. Checking a name, or
listing the names, therefore loads nothing: a SINDy-only run never imports torch.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator, Mapping
from typing import Any

from discover.core.errors import ConfigError, DiscoverError, did_you_mean, shown


class Registry(Mapping):
    """``name -> class`` for one plug-in family; ``kind`` names the family in messages."""

    def __init__(self, kind: str):
        self.kind = kind
        self._classes: dict[str, type] = {}
        self._modules: dict[str, str] = {}

    def register(self, cls):
        """Class decorator: make ``cls`` available by its ``name`` attribute."""
        if not getattr(cls, "name", ""):
            raise TypeError(f"{cls.__name__} needs a non-empty `name` to be registered as a {self.kind}.")
        self._classes[cls.name] = cls
        return cls

    def declare(self, name: str, module: str) -> None:
        """Make ``name`` known now; import ``module`` (which registers it) on first use."""
        self._modules.setdefault(name, module)

    def unregister(self, name: str) -> None:
        """Forget ``name`` (a plug-in registered for a while, as tests do)."""
        self._classes.pop(name, None)
        self._modules.pop(name, None)

    def __contains__(self, name) -> bool:
        return name in self._classes or name in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._modules, *self._classes]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._modules, *self._classes]))

    def __getitem__(self, name: str):
        if name not in self._classes and name in self._modules:
            importlib.import_module(self._modules[name])
        return self._classes[name]

    def get_class(self, name: str):
        if name not in self:
            raise ConfigError(
                f"Unknown {self.kind} '{name}'{did_you_mean(name, self)}; available: {', '.join(self) or 'none'}."
            )
        return self[name]


def lazy_attributes(package: str, where: dict[str, str]):
    """A package's ``__getattr__`` (PEP 562) that imports ``where[name]`` when ``name`` is first
    read, so a family's public names cost nothing until used."""

    def __getattr__(name: str):
        if name in where:
            return getattr(importlib.import_module(where[name]), name)
        raise AttributeError(f"module '{package}' has no attribute '{name}'")

    return __getattr__


@dataclasses.dataclass(frozen=True)
class NoSettings:
    """Settings of a plug-in that has none."""


def _kind(default: Any) -> str | None:
    """What a value must be to replace ``default`` (None: anything)."""
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, str):
        return "text"
    if isinstance(default, tuple):
        return "a list"
    return None


def _fits(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
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
            raise ConfigError(f"Unknown setting '{shown(str(key))}' in the [{table}] table{did_you_mean(key, fields)}; "
                              f"allowed: {', '.join(sorted(fields)) or 'none'}.")
        f = fields[key]
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        if default is not None and not _fits(default, item):
            raise ConfigError(f"Setting '{key}' in the [{table}] table must be {_kind(default)}, "
                              f"not {shown(repr(item))}.")
        out[key] = tuple(item) if isinstance(default, tuple) and isinstance(item, list) else item
    try:
        return cls(**out)
    except DiscoverError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"Settings in the [{table}] table are not usable: {exc}.") from None
