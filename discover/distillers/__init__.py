"""Distillers: from samples of a vector field to symbolic candidate systems.

The registry lives here, light: each distiller's module (and the base class with its heavy
imports) is loaded when it is first used, so checking a method's name loads nothing
(see :mod:`discover.core.registry`).
"""

from discover.core.registry import Registry, lazy_attributes

REGISTRY = Registry("distiller")
register = REGISTRY.register
get_distiller = REGISTRY.get_class

REGISTRY.declare("prose", "discover.distillers.prose")
REGISTRY.declare("sindy", "discover.distillers.sindy")
REGISTRY.declare("sindy_pi", "discover.distillers.implicit")
REGISTRY.declare("sr", "discover.distillers.symbolic_regression")
REGISTRY.declare("units", "discover.distillers.units")

_LAZY = {
    "BaseDistiller": "discover.distillers.base",
    "Samples": "discover.data.samples",
    "Implicit": "discover.distillers.implicit",
    "ImplicitConfig": "discover.distillers.implicit",
    "Prose": "discover.distillers.prose",
    "ProseConfig": "discover.distillers.prose",
    "SINDy": "discover.distillers.sindy",
    "SindyConfig": "discover.distillers.sindy",
    "SRConfig": "discover.distillers.symbolic_regression",
    "SymbolicRegression": "discover.distillers.symbolic_regression",
    "Units": "discover.distillers.units",
    "UnitsConfig": "discover.distillers.units",
}

__all__ = ["REGISTRY", "BaseDistiller", "Implicit", "ImplicitConfig", "Prose", "ProseConfig", "SINDy", "SRConfig", "Samples", "SindyConfig",
           "SymbolicRegression", "Units", "UnitsConfig", "get_distiller", "register"]

__getattr__ = lazy_attributes(__name__, _LAZY)
