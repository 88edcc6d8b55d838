"""Reference systems with known equations, and data generated from them."""

from discover.systems.catalog import SYSTEMS, get_system
from discover.systems.system import System

__all__ = ["SYSTEMS", "System", "generate", "get_system", "to_frame"]


def __getattr__(name):
    # generate pulls in scipy and pandas; `discover systems` should not wait for them.
    if name in ("generate", "to_frame"):
        import importlib

        return getattr(importlib.import_module("discover.systems.synthetic"), name)
    raise AttributeError(name)
