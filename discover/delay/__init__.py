"""Dynamics from time-delay measurements: when not every state is measured.

- :mod:`~discover.delay.embedding`: Hankel matrix of delayed measurements, its SVD, the rank
  (Gavish-Donoho optimal hard threshold) and the delay count and spacing;
- :mod:`~discover.delay.havok`: HAVOK, a linear model in eigen-time-delay coordinates forced
  by the last one (Brunton et al., 2017), registered as the ``havok`` delay model;
- :mod:`~discover.delay.hankel`: the structured network on the Hankel operator (StNN,
  :mod:`~discover.delay.stnn`) and a plain MLP of similar size, the ``hankel`` delay model;
- :mod:`~discover.delay.compare`: forecasts of all of them on the same held-out data;
- :mod:`~discover.delay.section`: what they add to the report (the comparison, and each model's
  own part: :mod:`~discover.delay.havok_report`).

The registry lives here, light: a delay model's module is loaded when it is first used.
"""

from discover.core.registry import Registry, lazy_attributes

REGISTRY = Registry("delay model")
register = REGISTRY.register
get_delay_model = REGISTRY.get_class

REGISTRY.declare("havok", "discover.delay.havok", report="discover.delay.section",
                 summary="a time-delay model of the measured signals")
REGISTRY.declare("hankel", "discover.delay.hankel", report="discover.delay.section",
                 summary="a time-delay network of the measured signals", network=True)

_LAZY = {
    "BaseDelayModel": "discover.delay.base",
    "DelayResult": "discover.delay.base",
    "DelaySettings": "discover.delay.base",
    "Embedding": "discover.delay.embedding",
    "embed": "discover.delay.embedding",
    "Hankel": "discover.delay.hankel",
    "Havok": "discover.delay.havok",
    "HavokModel": "discover.delay.havok",
}

__all__ = ["REGISTRY", "BaseDelayModel", "DelayResult", "DelaySettings", "Embedding", "Hankel", "Havok",
           "HavokModel", "embed", "get_delay_model", "register"]

__getattr__ = lazy_attributes(__name__, _LAZY)
