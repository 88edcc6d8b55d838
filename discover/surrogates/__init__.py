"""Surrogates: trained models of the data whose vector field distillers read.

The registry lives here, light: each surrogate's module (and torch) is loaded when it is
first used, so checking a method's name loads nothing (see :mod:`discover.core.registry`).
"""

from discover.core.registry import Registry, lazy_attributes

REGISTRY = Registry("surrogate")
register = REGISTRY.register
get_surrogate = REGISTRY.get_class

REGISTRY.declare("node", "discover.surrogates.neural_ode", summary="= node+sindy; node+sr too")
REGISTRY.declare("pinn", "discover.surrogates.pinn", report="discover.surrogates.pinn_report", tables=("known", "params"),
                 summary="= pinn+sindy and pinn+sr; with --known")

_LAZY = {
    "BaseSurrogate": "discover.surrogates.base",
    "resolve_device": "discover.core.device",
    "KnownPart": "discover.surrogates.known",
    "parse_known": "discover.surrogates.known",
    "NeuralODE": "discover.surrogates.neural_ode",
    "NodeConfig": "discover.surrogates.neural_ode",
    "HiddenTermPINN": "discover.surrogates.pinn",
    "PinnConfig": "discover.surrogates.pinn",
}

__all__ = ["REGISTRY", "BaseSurrogate", "HiddenTermPINN", "KnownPart", "NeuralODE", "NodeConfig", "PinnConfig",
           "get_surrogate", "parse_known", "register", "resolve_device"]

__getattr__ = lazy_attributes(__name__, _LAZY)
