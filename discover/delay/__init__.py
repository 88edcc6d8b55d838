"""Dynamics from time-delay measurements: when not every state is measured.

- :mod:`~discover.delay.embedding`: Hankel matrix of delayed measurements, its SVD, the rank
  (Gavish-Donoho optimal hard threshold) and the delay count and spacing;
- :mod:`~discover.delay.havok`: HAVOK, a linear model in eigen-time-delay coordinates forced
  by the last one (Brunton et al., 2017), registered as the ``havok`` delay model;
- :mod:`~discover.delay.hankel`: the structured network on the Hankel operator (StNN,
  :mod:`~discover.delay.stnn`) and a plain MLP of similar size, the ``hankel`` delay model;
- :mod:`~discover.delay.compare`: forecasts of all of them on the same held-out data.
"""

from discover.delay.base import REGISTRY, BaseDelayModel, DelayResult, DelaySettings, get_delay_model, register
from discover.delay.embedding import Embedding, embed
from discover.delay.hankel import Hankel
from discover.delay.havok import Havok, HavokModel

__all__ = ["REGISTRY", "BaseDelayModel", "DelayResult", "DelaySettings", "Embedding", "Hankel", "Havok",
           "HavokModel", "embed", "get_delay_model", "register"]
