"""Plug-ins registered by name (distillers, surrogates): one small mapping with a clear miss.

A family declares its plug-ins by name and module (``REGISTRY.declare("node",
"discover.surrogates.neural_ode")``); the module is imported, and registers its class with
:meth:`Registry.register`, only when that class is first asked for. Checking a name, or
listing the names, therefore loads nothing: a SINDy-only run never imports torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from discover.errors import ConfigError, did_you_mean


class Registry(Mapping):
    """``name -> class`` for one plug-in family; ``kind`` names the family in messages."""

    def __init__(self, kind: str):
        self.kind = kind
        self._classes: dict[str, type] = {}
        self._modules: dict[str, str] = {}

    def register(self, cls):
        """Class decorator: make ``cls`` available by its ``name`` attribute."""
        self._classes[cls.name] = cls
        return cls

    def declare(self, name: str, module: str) -> None:
        """Make ``name`` known now; import ``module`` (which registers it) on first use."""
        self._modules.setdefault(name, module)

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
