"""The networks of the PDE hidden-term PINN and their training (torch, imported by the caller lazily).

u_theta(t, x) maps scaled time and position to the standardised fields; on a periodic domain
the position enters through Fourier features (cos k theta, sin k theta), so u_theta is periodic
by construction. N_phi(u, u_x, u_xx, ...) maps standardised derivatives to the hidden part of
u_t in units of u_t's typical size. Derivatives are taken by autograd through u_theta.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from discover.core.budget import expired
from discover.core.mlp import tanh_mlp


class FieldNet(nn.Module):
    """(tau, xi) in [-1, 1]^2 -> standardised fields; Fourier features in xi when periodic."""

    def __init__(self, n_fields: int, width: int, depth: int, periodic: bool, harmonics: int = 3):
        super().__init__()
        self.periodic, self.harmonics = periodic, harmonics
        dim_in = 1 + (2 * harmonics if periodic else 1)
        self.net = tanh_mlp(dim_in, n_fields, width, depth)

    def forward(self, tau: torch.Tensor, xi: torch.Tensor) -> torch.Tensor:  # (n, 1), (n, 1) -> (n, n_fields)
        if self.periodic:
            theta = math.pi * (xi + 1.0)  # xi = -1 and xi = 1 are the same point
            k = torch.arange(1, self.harmonics + 1, dtype=xi.dtype, device=xi.device)
            feats = [tau, torch.cos(theta * k), torch.sin(theta * k)]
        else:
            feats = [tau, xi]
        return self.net(torch.cat(feats, dim=1))


def space_derivatives(s: torch.Tensor, xi: torch.Tensor, order: int) -> list:
    """[s, ds/dxi, d2s/dxi2, ...] up to ``order``, each (n, n_fields), by repeated autograd
    (each keeps its graph: the next order and the loss differentiate through it)."""
    out = [s]
    for _ in range(order):
        prev = out[-1]
        out.append(torch.stack([torch.autograd.grad(prev[:, i].sum(), xi, create_graph=True)[0][:, 0]
                                for i in range(prev.shape[1])], dim=1))
    return out


def time_derivative(s: torch.Tensor, tau: torch.Tensor, create_graph: bool = True) -> torch.Tensor:
    return torch.stack([torch.autograd.grad(s[:, i].sum(), tau, create_graph=create_graph)[0][:, 0]
                        for i in range(s.shape[1])], dim=1)


class Scales:
    """Maps between standardised network quantities and physical ones.

    u = mean + scale * s;  u_t = scale * ct * ds/dtau;  d^k u/dx^k = scale * cx^k * d^k s/dxi^k.
    """

    def __init__(self, mean, scale, ct: float, cx: float):
        self.mean, self.scale, self.ct, self.cx = mean, scale, ct, cx

    def physical(self, ders: list) -> list:
        """Physical fields and spatial derivatives from standardised ones (same list layout)."""
        return [self.mean + self.scale * ders[0]] + [self.scale * self.cx**k * d for k, d in enumerate(ders) if k]

    def rate(self, ds_dtau):
        return self.scale * self.ct * ds_dtau


def train(u_net, n_net, p, losses, cfg, rng: np.random.Generator, sample, task) -> dict:
    """Pretrain u_theta on the data, then Adam on everything, then L-BFGS on a fixed grid.

    ``losses(points, with_residual)`` returns {"data": ..., "residual": ...}; ``sample(n)``
    draws collocation points; ``task`` is a progress task. When the current share of the time budget
    is spent (:func:`discover.core.budget.expired`, asked between steps) the steps stop and what is
    learned is kept; L-BFGS is then not started.
    """

    # Pretraining: the residual of a random network is meaningless, so u_theta first learns
    # the data alone (a few hundred steps) and the residual joins once it is a fair sketch.
    opt = torch.optim.Adam(u_net.parameters(), lr=cfg.lr)
    for step in range(cfg.pretrain_steps):
        if expired():
            break
        loss = losses(None, False)["data"]
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 49:
            task.advance(50)
    params = list(u_net.parameters()) + list(n_net.parameters()) + ([p] if p.numel() else [])
    opt = torch.optim.Adam(params, lr=cfg.lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.1 ** (1.0 / max(cfg.adam_steps, 1)))
    w = cfg.residual_weight
    for step in range(cfg.adam_steps):
        if expired():
            break
        parts = losses(sample(cfg.collocation), True)
        loss = parts["data"] + w * parts["residual"]
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 49:
            task.advance(50)
    if cfg.lbfgs_steps and not expired():
        grid = sample(cfg.collocation, fixed=True)
        lb = torch.optim.LBFGS(params, lr=1.0, max_iter=cfg.lbfgs_steps, history_size=50, tolerance_grad=1e-9,
                               tolerance_change=1e-12, line_search_fn="strong_wolfe")

        def closure():
            lb.zero_grad()
            parts = losses(grid, True)
            total = parts["data"] + w * parts["residual"]
            total.backward()
            return total

        before = [q.detach().clone() for q in params]
        lb.step(closure)
        if not all(torch.isfinite(q).all() for q in params):  # L-BFGS diverged: keep Adam's result
            with torch.no_grad():
                for q, b in zip(params, before):
                    q.copy_(b)
    # what the every-50-steps advances left over, so the bar ends full
    task.advance(cfg.pretrain_steps % 50 + cfg.adam_steps % 50 + cfg.lbfgs_steps)
    final = losses(sample(cfg.collocation, fixed=True), True)
    return {k: float(v.detach()) for k, v in final.items()}
