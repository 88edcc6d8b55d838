"""Surrogates: trained models of the data whose vector field distillers read.

The registry lives here, light: each surrogate's module (and torch) is loaded when it is
first used, so checking a method's name loads nothing (see :mod:`discover.core.registry`).
"""

from discover.core.budget import WorkCost
from discover.core.registry import Registry, lazy_attributes

REGISTRY = Registry("surrogate")
register = REGISTRY.register
get_surrogate = REGISTRY.get_class

# Their costs for the time budget (discover.pipeline.budget): up to 300 epochs over the training windows,
# 2e-5 s per epoch, sample and variable, over 10 (node) and 5 (pinn) samples per window (measured on the
# 2-core machine, as the distillers' costs in discover.distillers). Every surrogate trains a network.
REGISTRY.declare("node", "discover.surrogates.neural_ode", summary="= node+sindy; node+sr too",
                 cost=WorkCost(5.0, 2e-5 * 300 / 10, "samples x variables"), network=True)
REGISTRY.declare("pinn", "discover.surrogates.pinn", report="discover.surrogates.pinn_report", tables=("known", "params"),
                 summary="= pinn+sindy and pinn+sr; with --known", cost=WorkCost(10.0, 2e-5 * 300 / 5, "samples x variables"),
                 network=True)

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
