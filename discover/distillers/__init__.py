"""Distillers: from samples of a vector field to symbolic candidate systems.

Each distiller's module is imported when it is first used (see :mod:`discover.registry`).
"""

import importlib

from discover.distillers.base import REGISTRY, BaseDistiller, Samples, get_distiller, register

REGISTRY.declare("prose", "discover.distillers.prose")
REGISTRY.declare("sindy", "discover.distillers.sindy")
REGISTRY.declare("sr", "discover.distillers.symbolic_regression")

_LAZY = {
    "Prose": "discover.distillers.prose",
    "ProseConfig": "discover.distillers.prose",
    "SINDy": "discover.distillers.sindy",
    "SindyConfig": "discover.distillers.sindy",
    "SRConfig": "discover.distillers.symbolic_regression",
    "SymbolicRegression": "discover.distillers.symbolic_regression",
}

__all__ = [
    "REGISTRY",
    "BaseDistiller",
    "Prose",
    "ProseConfig",
    "SINDy",
    "SRConfig",
    "Samples",
    "SindyConfig",
    "SymbolicRegression",
    "get_distiller",
    "register",
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'discover.distillers' has no attribute '{name}'")
