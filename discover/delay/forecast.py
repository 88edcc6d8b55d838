"""Training delay-vector forecasters (StNN and the MLP baseline) and rolling them out.

A model reads z(t) = [x(t), x(t - tau), ..., x(t - (q-1) tau)] (standardised, k values per
delay) and predicts x(t + tau). Training unrolls a few steps (the prediction is shifted into
the delay vector, as in a forecast), which keeps long rollouts stable; 10% of the windows are
held out for early stopping.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from discover.core.progress import NullProgress
from discover.delay.stnn import DelayMLP, StNN, mlp_width_for, parameters


@dataclass(frozen=True)
class ForecasterConfig:
    layers: int = 3
    epochs: int = 60
    batch: int = 256
    lr: float = 3e-3
    unroll: int = 4
    patience: int = 10
    max_windows: int = 6000


def delay_vector(x: np.ndarray, i: int, q: int, s: int) -> np.ndarray:
    """[x_i, x_{i-s}, ..., x_{i-(q-1)s}] flattened (k values per delay, newest first)."""
    return x[i - np.arange(q) * s].reshape(-1)


class DelayForecaster:
    """Fit and roll out a StNN (``kind="stnn"``) or a dense MLP (``kind="mlp"``, sized to ``budget``)."""

    def __init__(self, kind: str, delays: int, spacing: int, config: ForecasterConfig | None = None,
                 budget: int | None = None, device: str = "cpu"):
        self.kind, self.q, self.s = kind, delays, spacing
        self.config = config or ForecasterConfig()
        self.budget, self.device = budget, device

    def fit(self, runs: list[np.ndarray], seed: int = 0, progress=None) -> "DelayForecaster":
        cfg, q, s = self.config, self.q, self.s
        allx = np.concatenate(runs)
        self.mean_, self.scale_ = allx.mean(axis=0), np.where(allx.std(axis=0) > 0, allx.std(axis=0), 1.0)
        k = allx.shape[1]
        m = q * k
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        if self.kind == "stnn":
            self.model_ = StNN(m, k, cfg.layers)
        else:
            self.model_ = DelayMLP(m, k, mlp_width_for(self.budget or 1000, m, k))
        self.model_.to(self.device)
        Z, Y = [], []
        for x in runs:
            xs = (x - self.mean_) / self.scale_
            for i in range((q - 1) * s, len(xs) - cfg.unroll * s):
                Z.append(delay_vector(xs, i, q, s))
                Y.append(np.stack([xs[i + (r + 1) * s] for r in range(cfg.unroll)]))
        if not Z:
            from discover.core.errors import ConfigError

            raise ConfigError(f"The runs are too short for {q} delays spaced {s} samples apart; "
                              f"give longer records or fewer delays.")
        Z, Y = np.array(Z), np.array(Y)
        if len(Z) > cfg.max_windows:
            keep = np.sort(rng.choice(len(Z), cfg.max_windows, replace=False))
            Z, Y = Z[keep], Y[keep]
        order = rng.permutation(len(Z))
        n_val = max(1, len(Z) // 10)
        val, tr = order[:n_val], order[n_val:]
        dev = self.device
        Zt, Yt = (torch.as_tensor(a, dtype=torch.float32, device=dev) for a in (Z, Y))
        opt = torch.optim.Adam(self.model_.parameters(), lr=cfg.lr)
        best, best_state, wait = np.inf, None, 0
        t0 = time.perf_counter()
        with (progress or NullProgress()).task(f"{self.kind}: training", total=cfg.epochs) as task:
            for epoch in range(cfg.epochs):
                perm = tr[rng.permutation(len(tr))]
                for b in range(0, len(perm), cfg.batch):
                    idx = torch.as_tensor(perm[b: b + cfg.batch], device=dev)
                    loss = self._unrolled_loss(Zt[idx], Yt[idx], k)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                with torch.no_grad():
                    v = float(self._unrolled_loss(Zt[val], Yt[val], k))
                task.advance()
                if v < best * (1 - 1e-4):
                    best, wait = v, 0
                    best_state = {a: b_.detach().clone() for a, b_ in self.model_.state_dict().items()}
                else:
                    wait += 1
                    if wait >= cfg.patience:
                        break
        if best_state is not None:
            self.model_.load_state_dict(best_state)
        self.epochs_, self.validation_loss_ = epoch + 1, best
        self.seconds_ = time.perf_counter() - t0
        self.parameters_ = parameters(self.model_)
        self.operations_ = self.model_.operations()
        return self

    def _unrolled_loss(self, z, y, k):
        loss = 0.0
        for r in range(y.shape[1]):
            pred = self.model_(z)
            loss = loss + ((pred - y[:, r]) ** 2).mean()
            z = torch.cat([pred, z[:, :-k]], dim=1)
        return loss / y.shape[1]

    def forecast(self, x: np.ndarray, i: int, steps: int) -> np.ndarray:
        """Predict x at i + s, i + 2s, ..., i + steps*s from the record ``x`` up to index i."""
        xs = (np.asarray(x, dtype=float) - self.mean_) / self.scale_
        k = xs.shape[1]
        z = torch.as_tensor(delay_vector(xs, i, self.q, self.s), dtype=torch.float32, device=self.device)[None]
        out = []
        with torch.no_grad():
            for _ in range(steps):
                pred = self.model_(z)
                out.append(pred[0].cpu().double().numpy())
                z = torch.cat([pred, z[:, :-k]], dim=1)
        return np.array(out) * self.scale_ + self.mean_
