"""Dynamics from time-delay measurements: when not every state is measured.

- :mod:`~discover.delay.embedding`: Hankel matrix of delayed measurements, its SVD, the rank
  (Gavish-Donoho optimal hard threshold) and the delay count and spacing;
- :mod:`~discover.delay.havok`: HAVOK, a linear model in eigen-time-delay coordinates forced
  by the last one (Brunton et al., 2017);
- :mod:`~discover.delay.stnn`: the structured network on the Hankel operator (StNN) and a
  plain MLP of similar size, trained to advance the delay vector;
- :mod:`~discover.delay.compare`: forecasts of all of them on the same held-out data.
"""

from discover.delay.embedding import Embedding, embed
from discover.delay.havok import Havok

__all__ = ["Embedding", "Havok", "embed"]
