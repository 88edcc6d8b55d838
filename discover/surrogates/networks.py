"""Small networks and loss balancing for the hidden-term PINN.

:class:`RunNets` evaluates one small MLP per trajectory in a single batched pass (weights of
shape (runs, in, out) multiplied with ``torch.bmm``); :func:`balance_weights` adapts the weights
of the PINN's loss terms from their gradients (Wang, Teng and Perdikaris, 2021).
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import torch
from torch import nn

from discover.core.mlp import tanh_mlp


@contextmanager
def cpu_threads(n: int, device: str):
    """Train with ``n`` torch CPU threads (0 or a GPU: leave torch's setting alone), then restore.

    Small networks gain nothing from intra-op threads and lose badly when the cores are shared:
    the hidden-term PINN on a busy 2-core machine trained 200 Adam steps in 4.3 s with one
    thread and 225 s with two. The setting is global, so it is restored afterwards.
    """
    if not n or device != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class RunNets(nn.Module):
    """K independent MLPs t -> state, evaluated in one batched pass (one per trajectory)."""

    def __init__(self, runs: int, dim: int, width: int, depth: int):
        super().__init__()
        sizes = [1] + [width] * depth + [dim]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for a, b in zip(sizes[:-1], sizes[1:]):
            w = torch.randn(runs, a, b) * math.sqrt(2.0 / (a + b))  # Glorot
            self.weights.append(nn.Parameter(w))
            self.biases.append(nn.Parameter(torch.zeros(runs, 1, b)))

    def forward(self, tau: torch.Tensor) -> torch.Tensor:  # (K, M, 1) -> (K, M, dim)
        h = tau
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.bmm(h, w) + b
            if i < last:
                h = torch.tanh(h)
        return h


mlp = tanh_mlp


def balance_weights(parts: dict, weights: dict, params: list, alpha: float = 0.9) -> dict:
    """Gradient-norm balancing: each loss's weight moves toward max|grad residual| / mean|grad loss|."""
    grads = {}
    for k, v in parts.items():
        g = torch.autograd.grad(v, params, retain_graph=True, allow_unused=True)
        flat = torch.cat([x.reshape(-1).abs() for x in g if x is not None])
        grads[k] = flat
    ref = grads["residual"].max()
    out = dict(weights)
    for k in ("data", "initial"):
        target = float(ref / (grads[k].mean() + 1e-12))
        out[k] = alpha * weights[k] + (1 - alpha) * min(max(target, 1e-2), 1e4)
    return out
