"""Distillers: from samples of a vector field to symbolic candidate systems."""

from discover.distillers.base import REGISTRY, BaseDistiller, Samples, get_distiller, register
from discover.distillers.sindy import SINDy, SindyConfig

__all__ = ["REGISTRY", "BaseDistiller", "SINDy", "Samples", "SindyConfig", "get_distiller", "register"]
