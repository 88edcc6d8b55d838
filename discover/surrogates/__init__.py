"""Surrogates: trained models of the data whose vector field distillers read."""

from discover.surrogates.base import REGISTRY, BaseSurrogate, get_surrogate, register, resolve_device
from discover.surrogates.neural_ode import NeuralODE, NodeConfig

__all__ = ["REGISTRY", "BaseSurrogate", "NeuralODE", "NodeConfig", "get_surrogate", "register", "resolve_device"]
