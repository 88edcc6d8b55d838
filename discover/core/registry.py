"""Plug-ins registered by name, and their settings read from plain tables.

Every plug-in family (surrogates, distillers, delay models) keeps one :class:`Registry`.
A plug-in declares ``name`` (how ``--methods`` and the config's ``[name]`` table call it)
and ``Settings`` (a frozen dataclass); :func:`settings_from` turns a config table or a
keyword argument into that dataclass with one-sentence errors, so no code anywhere has to
know a plug-in by name. A numeric setting declares its allowed values on its field
(:func:`setting`: ``bounds=(low, high)``; ``choices=`` for text drawn from a fixed set), and
:func:`check_settings` refuses anything outside them, in one place for every plug-in: a value
that would crash the process, exhaust memory or never end is a one-sentence ConfigError.

A family declares its plug-ins by name and module (``REGISTRY.declare("node",
"discover.surrogates.neural_ode")``); the module is imported, and registers its class with
:meth:`Registry.register`, only when that class is first asked for. Checking a name, or
listing the names, therefore loads nothing: a SINDy-only run never imports torch.

A declaration may also name the plug-in's report module (``report=``: the module beside it whose
``section(result)`` returns what it adds to the report, :mod:`discover.core.section`), so that a
report is drawn again without importing the plug-in, the config tables and command-line
options it reads besides its own ``[name]`` table (``tables=``: :meth:`Registry.owner`), its cost
for the time budget (``cost=``: :meth:`Registry.cost`) and whether it runs a neural network
(``network=True``: :meth:`Registry.uses_network`, so that ``--device`` is judged by no name).
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from collections.abc import Iterator, Mapping
from numbers import Real
from typing import Any

from discover.core.errors import ConfigError, DiscoverError, did_you_mean, shown


class Registry(Mapping):
    """``name -> class`` for one plug-in family; ``kind`` names the family in messages."""

    def __init__(self, kind: str):
        self.kind = kind
        self._classes: dict[str, type] = {}
        self._modules: dict[str, str] = {}
        self._reports: dict[str, str] = {}
        self._tables: dict[str, tuple[str, ...]] = {}
        self._summaries: dict[str, str] = {}
        self._costs: dict[str, object] = {}
        self._network: set[str] = set()

    def register(self, cls):
        """Class decorator: make ``cls`` available by its ``name`` attribute."""
        if not getattr(cls, "name", ""):
            raise TypeError(f"{cls.__name__} needs a non-empty `name` to be registered as a {self.kind}.")
        report = getattr(cls, "report", "")
        if cls.name in self._reports and self._reports[cls.name] != report:
            raise TypeError(f"{cls.__name__} declares its report module as {report!r}, its registry as "
                            f"{self._reports[cls.name]!r}.")
        self._classes[cls.name] = cls
        if report:
            self._reports[cls.name] = report
        return cls

    def declare(self, name: str, module: str, report: str = "", tables: tuple[str, ...] = (), summary: str = "",
                cost=None, network: bool = False) -> None:
        """Make ``name`` known now; import ``module`` (which registers it) on first use. ``report``: the
        module beside it that holds its ``section(result)``; ``tables``: the config tables (and the options
        of the same names) it reads besides ``[name]``; ``summary``: a few words for the command line's help;
        ``cost``: its :class:`~discover.core.budget.WorkCost` for the time budget (the class's ``cost``);
        ``network``: it trains or runs a neural network, so ``--device`` matters (the class's ``uses_network``)."""
        self._modules.setdefault(name, module)
        if network:
            self._network.add(name)
        if cost is not None:
            self._costs.setdefault(name, cost)
        if summary:
            self._summaries.setdefault(name, summary)
        if report:
            self._reports.setdefault(name, report)
        if tables:
            self._tables.setdefault(name, tuple(tables))

    def section(self, name: str, result):
        """What the plug-in ``name`` adds to the report of ``result`` (a :class:`~discover.core.section.Section`
        or None), from its report module; a plug-in with none adds nothing (nothing is imported for it)."""
        if name in self._reports:
            return importlib.import_module(self._reports[name]).section(result)
        if name in self._classes:
            return self._classes[name].section(result)
        return None

    def cost(self, name: str):
        """The :class:`~discover.core.budget.WorkCost` declared for ``name``, or its registered class's
        ``cost`` attribute; None when neither says (nothing is imported to answer)."""
        if name in self._costs:
            return self._costs[name]
        return getattr(self._classes.get(name), "cost", None)

    def uses_network(self, name: str) -> bool:
        """Whether ``name`` trains or runs a neural network: declared so, or its registered class's
        ``uses_network`` (nothing is imported to answer)."""
        return name in self._network or bool(getattr(self._classes.get(name), "uses_network", False))

    def network_names(self) -> list[str]:
        """The names of this family that train or run a network."""
        return [name for name in self if self.uses_network(name)]

    def summary(self, name: str) -> str:
        """The few words declared with ``name`` ("" if none)."""
        return self._summaries.get(name, "")

    def owner(self, table: str) -> str | None:
        """The plug-in that reads the config table (or option) ``table`` besides its own, or None."""
        return next((name for name, tables in self._tables.items() if table in tables), None)

    def unregister(self, name: str) -> None:
        """Forget ``name`` (a plug-in registered for a while, as tests do)."""
        for table in (self._classes, self._modules, self._reports, self._tables, self._summaries, self._costs):
            table.pop(name, None)
        self._network.discard(name)

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


def setting(default: Any, *, bounds: tuple[Real, Real] | None = None, choices=None, whole: bool | None = None,
            nonempty: bool = False):
    """A settings dataclass field with the values it accepts, checked by :func:`check_settings`.

    Parameters
    ----------
    default : the default value (a number, None, text, or a tuple of them).
    bounds : (low, high), optional
        Inclusive limits of a number, or of every item of a tuple of numbers. NaN and
        infinities are always refused.
    choices : iterable of str, optional
        The allowed text values (of the field, or of every item of a tuple).
    whole : bool, optional
        Whether the number(s) must be whole; by default when ``default`` (or its first item) is an int.
    nonempty : bool
        A tuple must hold at least one item.
    """
    if whole is None:
        first = default[0] if isinstance(default, tuple) and default else default
        whole = isinstance(first, int) and not isinstance(first, bool)
    meta: dict[str, Any] = {"whole": whole, "nonempty": nonempty}
    if bounds is not None:
        meta["bounds"] = bounds
    if choices is not None:
        meta["choices"] = tuple(choices)
    return dataclasses.field(default=default, metadata=meta)


def _number_text(x) -> str:
    return f"{x:_}".replace("_", ",") if isinstance(x, int) else f"{x:g}"


def _check_one(item, meta: dict, where: str) -> None:
    if "choices" in meta:
        choices = meta["choices"]
        if not isinstance(item, str) or item not in choices:
            raise ConfigError(f"{where} must be one of {', '.join(choices)}, not {shown(repr(item))}"
                              f"{did_you_mean(item, choices) if isinstance(item, str) else ''}.")
    if "bounds" in meta:
        low, high = meta["bounds"]
        kind = "a whole number" if meta["whole"] else "a number"
        if (isinstance(item, bool) or not isinstance(item, Real) or (meta["whole"] and not isinstance(item, int))
                or not math.isfinite(item) or not low <= item <= high):
            raise ConfigError(f"{where} must be {kind} from {_number_text(low)} to {_number_text(high)}, "
                              f"not {shown(repr(item))}.")


def check_settings(settings, table: str):
    """Refuse any field of the settings dataclass ``settings`` outside what its :func:`setting` declares.

    Returns ``settings``; raises a :class:`ConfigError` naming the ``[table]`` and the allowed values.
    """
    for f in dataclasses.fields(settings):
        meta = f.metadata
        if "bounds" not in meta and "choices" not in meta:
            continue
        value = getattr(settings, f.name)
        if value is None:
            continue
        if isinstance(value, (tuple, list)):
            if meta.get("nonempty") and not value:
                raise ConfigError(f"Setting '{f.name}' in the [{table}] table is empty; give at least one value.")
            for item in value:
                _check_one(item, meta, f"Every item of '{f.name}' in the [{table}] table")
        else:
            _check_one(value, meta, f"Setting '{f.name}' in the [{table}] table")
    return settings


def declared(cls) -> dict[str, dict]:
    """``field name -> its declared allowed values`` of the settings dataclass ``cls`` (for tests and docs)."""
    return {f.name: dict(f.metadata) for f in dataclasses.fields(cls) if "bounds" in f.metadata or "choices" in f.metadata}


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
    a keyword argument) whose keys are fields of ``cls``. An unknown key, a value of the
    wrong type or outside the field's declared values (:func:`setting`) is a
    :class:`ConfigError` naming the ``[table]``.
    """
    if value is None:
        return cls()
    if isinstance(value, cls):
        return check_settings(value, table)
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
        return check_settings(cls(**out), table)
    except DiscoverError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"Settings in the [{table}] table are not usable: {exc}.") from None
