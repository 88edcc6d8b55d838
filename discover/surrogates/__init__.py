"""Surrogates: trained models of the data whose vector field distillers read."""

from discover.device import resolve_device
from discover.surrogates.base import REGISTRY, BaseSurrogate, get_surrogate, register
from discover.surrogates.known import KnownPart, parse_known
from discover.surrogates.neural_ode import NeuralODE, NodeConfig
from discover.surrogates.pinn import HiddenTermPINN, PinnConfig

__all__ = ["REGISTRY", "BaseSurrogate", "HiddenTermPINN", "KnownPart", "NeuralODE", "NodeConfig", "PinnConfig",
           "get_surrogate", "parse_known", "register", "resolve_device"]
