"""Surrogates: trained models of the data whose vector field distillers read.

Each surrogate's module (and so torch) is imported when it is first used (see
:mod:`discover.registry`): a run without a neural method never loads torch.
"""

import importlib

from discover.surrogates.base import REGISTRY, BaseSurrogate, get_surrogate, register, resolve_device

REGISTRY.declare("node", "discover.surrogates.neural_ode")
REGISTRY.declare("pinn", "discover.surrogates.pinn")

_LAZY = {
    "KnownPart": "discover.surrogates.known",
    "parse_known": "discover.surrogates.known",
    "NeuralODE": "discover.surrogates.neural_ode",
    "NodeConfig": "discover.surrogates.neural_ode",
    "HiddenTermPINN": "discover.surrogates.pinn",
    "PinnConfig": "discover.surrogates.pinn",
}

__all__ = ["REGISTRY", "BaseSurrogate", "HiddenTermPINN", "KnownPart", "NeuralODE", "NodeConfig", "PinnConfig",
           "get_surrogate", "parse_known", "register", "resolve_device"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'discover.surrogates' has no attribute '{name}'")
