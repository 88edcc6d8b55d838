"""Surrogates: trained models of the data whose vector field distillers read."""

from discover.surrogates.base import REGISTRY, BaseSurrogate, get_surrogate, register, resolve_device

__all__ = ["REGISTRY", "BaseSurrogate", "get_surrogate", "register", "resolve_device"]
