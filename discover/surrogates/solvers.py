"""Batched ODE solvers for training on many short windows at once, in PyTorch.

Each window has its own observation times (uneven sampling), so every solver here advances
all windows together with a *vector* of step sizes, one per window. torchdiffeq and torchode
need one shared time grid for a batch (torchdiffeq) or pay a per-sample controller overhead
that dominates at our network sizes (torchode); two small loops written here do the job:

- :func:`rk4` fixed-step classic Runge-Kutta with ``substeps`` steps between observations;
- :func:`dopri5` adaptive Dormand-Prince 5(4) with per-window step-size control.

:func:`local_error` is the error estimate of one Dormand-Prince step from given states, the
quantity that "Locally Regularized Neural Differential Equations" (Pal et al., 2022) penalises
at randomly sampled points to make the learned dynamics cheap for adaptive solvers.
"""

from __future__ import annotations

import torch

# Dormand-Prince 5(4) tableau.
_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
_B5 = (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0)
_B4 = (5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40)
_E = tuple(b5 - b4 for b5, b4 in zip(_B5, _B4))


class Counter:
    """Counts evaluations of a vector field (function evaluations per forecast, NFE)."""

    def __init__(self, f):
        self.f, self.n = f, 0

    def __call__(self, x):
        self.n += 1
        return self.f(x)


def _dopri_step(f, x, h):
    """One Dormand-Prince step for states x (B, D) and steps h (B,): (5th-order state, error)."""
    hh = h[:, None]
    k = [f(x)]
    for a in _A[1:]:
        k.append(f(x + hh * sum(ai * ki for ai, ki in zip(a, k) if ai != 0.0)))
    y5 = x + hh * sum(b * ki for b, ki in zip(_B5, k) if b != 0.0)
    err = hh * sum(e * ki for e, ki in zip(_E, k) if e != 0.0)
    return y5, err


def local_error(f, x, h, rtol: float = 1e-3, atol: float = 1e-4):
    """Scaled error estimate of one Dormand-Prince step of size h from each state in x (B, D)."""
    y5, err = _dopri_step(f, x, h)
    scale = atol + rtol * torch.maximum(x.abs(), y5.abs())
    return torch.sqrt(((err / scale) ** 2).mean(-1) + 1e-12)  # the epsilon keeps the gradient finite at 0


def rk4(f, x0, times, substeps: int = 2):
    """Fixed-step RK4 through each window's times (W, K) from x0 (W, D); returns (W, K, D)."""
    out, x = [x0], x0
    for j in range(1, times.shape[1]):
        h = ((times[:, j] - times[:, j - 1]) / substeps)[:, None]
        for _ in range(substeps):
            k1 = f(x)
            k2 = f(x + 0.5 * h * k1)
            k3 = f(x + 0.5 * h * k2)
            k4 = f(x + h * k3)
            x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(x)
    return torch.stack(out, dim=1)


def rk4_driven(f, x0, times, U, substeps: int = 2):
    """:func:`rk4` for a field driven by inputs, ``f(x, u)``: ``U`` (W, K, M) holds each window's inputs
    at its times, read linearly between them (so the midpoint stages see the mean of two samples)."""
    out, x = [x0], x0
    for j in range(1, times.shape[1]):
        h = ((times[:, j] - times[:, j - 1]) / substeps)[:, None]
        u0, du = U[:, j - 1], (U[:, j] - U[:, j - 1]) / substeps
        for s in range(substeps):
            a, m, b = u0 + s * du, u0 + (s + 0.5) * du, u0 + (s + 1) * du
            k1 = f(x, a)
            k2 = f(x + 0.5 * h * k1, m)
            k3 = f(x + 0.5 * h * k2, m)
            k4 = f(x + h * k3, b)
            x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(x)
    return torch.stack(out, dim=1)


def dopri5(f, x0, times, rtol: float = 1e-5, atol: float = 1e-7, max_steps: int = 10_000):
    """Adaptive Dormand-Prince 5(4) through each window's times (W, K); returns (W, K, D).

    Steps are accepted or rejected per window (the usual controller: safety 0.9, growth
    between 0.2 and 5). Raises RuntimeError when ``max_steps`` is not enough (stiff or
    exploding dynamics).
    """
    out, x = [x0], x0
    h = (times[:, 1:] - times[:, :-1]).clamp(min=1e-12).min(dim=1).values if times.shape[1] > 1 else None
    steps = 0
    for j in range(1, times.shape[1]):
        t, t_end = times[:, j - 1].clone(), times[:, j]
        while True:
            left = t_end - t
            active = left > 1e-10 * (1 + t_end.abs())
            if not bool(active.any()):
                break
            steps += 1
            if steps > max_steps:
                raise RuntimeError("the adaptive solver needed more than max_steps steps")
            step = torch.where(active, torch.minimum(h, left), torch.zeros_like(h))
            y5, err = _dopri_step(f, x, step)
            scale = atol + rtol * torch.maximum(x.abs(), y5.abs())
            norm = torch.sqrt(((err / scale) ** 2).mean(-1)).detach()
            norm = torch.nan_to_num(norm, nan=1e10, posinf=1e10)
            accept = active & (norm <= 1.0)
            x = torch.where(accept[:, None], y5, x)
            t = torch.where(accept, t + step, t)
            factor = (0.9 * norm.clamp(min=1e-10) ** -0.2).clamp(0.2, 5.0)
            h = torch.where(active, step * factor, h).clamp(min=1e-12)
        out.append(x)
    return torch.stack(out, dim=1)
