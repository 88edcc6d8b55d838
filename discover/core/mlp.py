"""The one multilayer perceptron builder every network here uses (tanh hidden layers).

Neural ODE fields, the PINN's hidden-term network and the delay models' dense baseline are
all ``Linear -> tanh -> ... -> Linear``; torch has no one-call builder for that, so it is here.
"""

from __future__ import annotations


def tanh_mlp(dim_in: int, dim_out: int, width: int, depth: int):
    """``depth`` tanh hidden layers of ``width`` units, then a linear read-out (a ``torch.nn.Sequential``)."""
    from torch import nn

    layers, d = [], dim_in
    for _ in range(depth):
        layers += [nn.Linear(d, width), nn.Tanh()]
        d = width
    layers.append(nn.Linear(d, dim_out))
    return nn.Sequential(*layers)
