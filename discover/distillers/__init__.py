"""Distillers: from samples of a vector field to symbolic candidate systems."""

from discover.distillers.base import REGISTRY, BaseDistiller, Samples, get_distiller, register
from discover.distillers.prose import Prose, ProseConfig
from discover.distillers.sindy import SINDy, SindyConfig
from discover.distillers.symbolic_regression import SRConfig, SymbolicRegression

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
