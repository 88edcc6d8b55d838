"""Neural ODE surrogate: an MLP vector field fitted to the trajectories themselves.

Fitting ``dx/dt = f_theta(x)`` to the measured states (not to differentiated data) makes the
network a smooth, denoised model of the dynamics; a distiller then reads ``f_theta`` at the
data's states, where finite differences of noisy data would bury the structure (Chen et al.,
"Neural Ordinary Differential Equations", 2018; for distillation, the "universal differential
equations" of Rackauckas et al., 2020).

Training, as for chaotic or noisy data it must be:

- states are standardised and time is rescaled so that the field is of order one;
- every run is cut into short overlapping windows (multiple shooting): each window starts
  from its own *trainable* state, initialised from the smoothed data, so noise in one sample
  does not derail a rollout, and a long rollout never has to follow a chaotic orbit;
- all windows of all runs are integrated together (uneven times and runs of different
  lengths are fine: every window carries its own times), by fixed-step RK4 or adaptive
  Dormand-Prince (:mod:`discover.surrogates.solvers`);
- 15% of the windows are held out; training stops when their loss stops improving;
- optionally (``regularise``) the solver's local error estimate at randomly sampled states
  is penalised, which favours dynamics an adaptive solver integrates in few steps
  (Pal et al., "Opening the Blackbox", 2021, and its local variant, 2022).

With measured inputs (``--inputs``) the network reads them beside the states,
``dx/dt = f_theta(x, u(t))``, and every rollout reads each window's inputs linearly between its
samples (fixed-step RK4).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from discover.core.budget import expired
from discover.core.errors import ConfigError
from discover.core.mlp import tanh_mlp
from discover.core.progress import NullProgress
from discover.core.registry import setting
from discover.data.dataset import Dataset
from discover.data.prepared import Prepared
from discover.surrogates.base import BaseSurrogate, register
from discover.surrogates.solvers import Counter, dopri5, local_error, rk4, rk4_driven


@dataclass(frozen=True)
class NodeConfig:
    """Settings of the neural ODE surrogate.

    Attributes
    ----------
    width, depth : hidden units per layer and hidden layers of the MLP (tanh).
    window : samples per shooting window.
    solver : ``"rk4"`` (fixed step, ``substeps`` per observation interval) or ``"dopri5"``.
    epochs, batch, lr : Adam on mini-batches of windows; ``patience`` epochs without
        improvement of the held-out windows' loss stop training.
    regularise : weight of the local solver-error penalty (0 turns it off).
    pretrain : full-batch steps fitting the field to smoothed derivatives before shooting.
    """

    width: int = setting(64, bounds=(1, 2048))
    depth: int = setting(3, bounds=(1, 32))
    window: int = setting(12, bounds=(2, 10_000))
    solver: str = setting("rk4", choices=("rk4", "dopri5"))
    substeps: int = setting(1, bounds=(1, 1000))
    epochs: int = setting(300, bounds=(1, 1_000_000))
    batch: int = setting(64, bounds=(1, 1_000_000))
    lr: float = setting(5e-3, bounds=(1e-12, 10.0))
    patience: int = setting(50, bounds=(1, 1_000_000))
    regularise: float = setting(0.0, bounds=(0.0, 1e6))
    max_windows: int = setting(4000, bounds=(1, 10_000_000))
    pretrain: int = setting(500, bounds=(0, 1_000_000))

    def to_dict(self) -> dict:
        return asdict(self)


class VectorField(nn.Module):
    def __init__(self, dim: int, width: int, depth: int, n_inputs: int = 0):
        super().__init__()
        self.net = tanh_mlp(dim + n_inputs, dim, width, depth)

    def forward(self, x, u=None):
        return self.net(x if u is None else torch.cat([x, u], dim=-1))


@register
class NeuralODE(BaseSurrogate):
    """MLP vector field trained by multiple shooting on all trajectories at once."""

    name = "node"
    Settings = NodeConfig
    supports_inputs = True

    # ------------------------------------------------------------------ training
    def _fit(self, prepared: Prepared, seed: int) -> None:
        cfg = self.settings_  # its values were checked against their declared ranges and choices
        data = prepared.train
        self.n_inputs_ = len(prepared.inputs)
        if self.n_inputs_ and (cfg.solver != "rk4" or cfg.regularise > 0):
            raise ConfigError("The neural ODE with measured inputs trains with `solver = \"rk4\"` and no "
                              "`regularise`; change its [node] settings.")
        smoothed = [s.x for s in prepared.train_smoothed]
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        dev = torch.device(self.device_)
        X = np.concatenate(smoothed)
        self.mean_ = X.mean(axis=0)
        self.scale_ = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        dX = np.concatenate(prepared.derivatives) / self.scale_
        # time unit: how long the standardised state takes to move by one
        self.tau_ = float(1.0 / max(np.sqrt(np.mean(dX**2)), 1e-12))
        U_all = data.stacked_inputs()
        self.u_mean_ = U_all.mean(axis=0) if self.n_inputs_ else np.zeros(0)
        self.u_scale_ = np.where(U_all.std(axis=0) > 0, U_all.std(axis=0), 1.0) if self.n_inputs_ else np.ones(0)
        times, states, init, inputs = self._windows(data, smoothed, rng)
        n = len(times)
        n_val = max(1, int(round(0.15 * n))) if n >= 7 else 0
        perm = rng.permutation(n)
        val, tr = perm[:n_val], perm[n_val:]
        T = torch.as_tensor(times, dtype=torch.float32, device=dev)
        Y = torch.as_tensor(states, dtype=torch.float32, device=dev)
        Uw = torch.as_tensor(inputs, dtype=torch.float32, device=dev) if self.n_inputs_ else None
        self.field_ = VectorField(data.n_states, cfg.width, cfg.depth, self.n_inputs_).to(dev)
        starts = nn.Parameter(torch.as_tensor(init, dtype=torch.float32, device=dev))
        opt = torch.optim.Adam([{"params": self.field_.parameters()}, {"params": [starts]}], lr=cfg.lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, cfg.epochs, eta_min=cfg.lr * 0.02)
        # Penalise the error of one step across a whole window: at the sampling interval the
        # estimate is far below any tolerance and the penalty would do nothing.
        h_reg = torch.as_tensor(np.median(times[:, -1]), dtype=torch.float32, device=dev)
        self._pretrain(np.concatenate([(x - self.mean_) / self.scale_ for x in smoothed]),
                       dX * self.tau_, dev, (U_all - self.u_mean_) / self.u_scale_ if self.n_inputs_ else None)
        best, best_state, wait = math.inf, None, 0
        self.history_ = []
        with (self.progress or NullProgress()).task("neural ODE: training", total=cfg.epochs) as task:
            for epoch in range(cfg.epochs):
                order = tr[rng.permutation(len(tr))]
                for i in range(0, len(order), cfg.batch):
                    idx = torch.as_tensor(order[i: i + cfg.batch], device=dev)
                    pred = self._rollout(starts[idx], T[idx], Uw[idx] if Uw is not None else None)
                    loss = ((pred - Y[idx]) ** 2).mean()
                    if cfg.regularise > 0:
                        pts = pred.reshape(-1, pred.shape[-1])
                        pick = torch.randint(len(pts), (min(256, len(pts)),), device=dev)
                        err = local_error(self.field_, pts[pick], h_reg.expand(len(pick)))
                        loss = loss + cfg.regularise * err.mean()
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(self.field_.parameters(), 10.0)
                    opt.step()
                sched.step()
                val_loss = self._loss(starts, T, Y, val if n_val else tr, Uw)
                self.history_.append(val_loss)
                if val_loss < best * (1 - 1e-4):
                    best, wait = val_loss, 0
                    best_state = {k: v.detach().clone() for k, v in self.field_.state_dict().items()}
                else:
                    wait += 1
                task.advance()
                if wait >= cfg.patience or expired():  # patience, or the stage's share of the time budget, spent
                    break
        if best_state is not None:
            self.field_.load_state_dict(best_state)
        self.epochs_ = len(self.history_)
        self.validation_loss_ = best
        self.field_.eval()

    def _pretrain(self, Z, dZ, dev, V=None) -> None:
        """Start from the field that matches the smoothed derivatives (collocation, no solver:
        milliseconds per step); shooting then corrects the smoother's bias. ``V``: scaled inputs."""
        Zt = torch.as_tensor(Z, dtype=torch.float32, device=dev)
        dZt = torch.as_tensor(dZ, dtype=torch.float32, device=dev)
        Vt = torch.as_tensor(V, dtype=torch.float32, device=dev) if V is not None else None
        opt = torch.optim.Adam(self.field_.parameters(), lr=self.settings_.lr)
        for _ in range(self.settings_.pretrain):
            loss = ((self.field_(Zt, Vt) - dZt) ** 2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    def _windows(self, data: Dataset, smoothed, rng):
        """Overlapping windows (stride half a window) of every run, in scaled units."""
        K = max(2, min(self.settings_.window, min(len(tr.t) for tr in data.trajectories)))
        times, states, init, inputs = [], [], [], []
        for tr, xs in zip(data.trajectories, smoothed):
            z = (tr.x - self.mean_) / self.scale_
            zs = (xs - self.mean_) / self.scale_
            v = (tr.u - self.u_mean_) / self.u_scale_
            t = (tr.t - tr.t[0]) / self.tau_
            for s in range(0, len(t) - K + 1, max(1, K // 2)):
                times.append(t[s: s + K] - t[s])
                states.append(z[s: s + K])
                init.append(zs[s])
                inputs.append(v[s: s + K])
        if len(times) > self.settings_.max_windows:
            keep = np.sort(rng.choice(len(times), self.settings_.max_windows, replace=False))
            times, states, init = [times[i] for i in keep], [states[i] for i in keep], [init[i] for i in keep]
            inputs = [inputs[i] for i in keep]
        return np.array(times), np.array(states), np.array(init), np.array(inputs)

    def _rollout(self, x0, times, U=None):
        if U is not None:
            return rk4_driven(self.field_, x0, times, U, self.settings_.substeps)
        if self.settings_.solver == "dopri5":
            return dopri5(self.field_, x0, times, rtol=1e-4, atol=1e-6)
        return rk4(self.field_, x0, times, self.settings_.substeps)

    @torch.no_grad()
    def _loss(self, starts, T, Y, idx, U=None) -> float:
        idx = torch.as_tensor(idx, device=T.device)
        return float(((self._rollout(starts[idx], T[idx], U[idx] if U is not None else None) - Y[idx]) ** 2).mean())

    # ------------------------------------------------------------------ use
    @torch.no_grad()
    def _vector_field(self, states: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        z = torch.as_tensor((states - self.mean_) / self.scale_, dtype=torch.float32, device=self._dev)
        v = None
        if getattr(self, "n_inputs_", 0):
            if inputs is None:
                raise ConfigError("This neural ODE reads measured inputs; give them (`inputs=`).")
            v = torch.as_tensor((inputs - self.u_mean_) / self.u_scale_, dtype=torch.float32, device=self._dev)
        return self.field_(z, v).cpu().numpy().astype(float) * self.scale_ / self.tau_

    @property
    def _dev(self):
        return next(self.field_.parameters()).device

    @torch.no_grad()
    def _predict(self, times: np.ndarray, initial_state: np.ndarray) -> np.ndarray:
        return self.forecast(times, initial_state)[0]

    @torch.no_grad()
    def forecast(self, times: np.ndarray, initial_state: np.ndarray, u: np.ndarray | None = None,
                 rtol: float = 1e-5) -> tuple[np.ndarray, int]:
        """States at ``times`` from ``initial_state`` by adaptive Dormand-Prince, and the number
        of vector-field evaluations (NFE) the solver needs to cross the same span when it
        chooses its own steps (stepping to every output time would count the outputs instead).

        With measured inputs ``u`` (len(times), n_inputs), fixed-step RK4 (four steps per sample
        interval) reads them linearly between the samples; the NFE is then that of those steps."""
        z0 = torch.as_tensor((initial_state - self.mean_) / self.scale_, dtype=torch.float32, device=self._dev)
        t = torch.as_tensor((times - times[0]) / self.tau_, dtype=torch.float32, device=self._dev)
        if getattr(self, "n_inputs_", 0):
            if u is None:
                raise ConfigError("This neural ODE reads measured inputs; give them (`u=`).")
            v = torch.as_tensor((np.asarray(u) - self.u_mean_) / self.u_scale_, dtype=torch.float32, device=self._dev)
            z = rk4_driven(self.field_, z0[None], t[None], v[None], 4)[0]
            return z.cpu().numpy().astype(float) * self.scale_ + self.mean_, 16 * (len(times) - 1)
        f = Counter(self.field_)
        try:
            z = dopri5(self.field_, z0[None], t[None], rtol=rtol, atol=rtol * 1e-2, max_steps=50_000)[0]
            dopri5(f, z0[None], t[None, [0, -1]], rtol=rtol, atol=rtol * 1e-2, max_steps=50_000)
        except RuntimeError:
            return np.full((len(times), len(initial_state)), np.nan), f.n
        return z.cpu().numpy().astype(float) * self.scale_ + self.mean_, f.n

    def facts(self) -> dict:
        return {"epochs": self.epochs_, "validation_loss": self.validation_loss_,
                "network_parameters": int(sum(p.numel() for p in self.field_.parameters()))}

    # ------------------------------------------------------------------ persistence
    def save(self, path) -> None:
        """Weights, settings and normalisation in one torch file; :meth:`load` reads it back."""
        self._check()
        torch.save({"format": "discover.node/1", "config": self.settings_.to_dict(),
                    "dim": int(len(self.mean_)), "mean": self.mean_.tolist(), "scale": self.scale_.tolist(),
                    "tau": self.tau_, "epochs": self.epochs_, "validation_loss": self.validation_loss_,
                    "n_inputs": int(getattr(self, "n_inputs_", 0)),
                    "u_mean": np.asarray(getattr(self, "u_mean_", [])).tolist(),
                    "u_scale": np.asarray(getattr(self, "u_scale_", [])).tolist(),
                    "weights": {k: v.cpu() for k, v in self.field_.state_dict().items()}}, path)

    @classmethod
    def load(cls, path, device: str = "cpu") -> "NeuralODE":
        state = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(state, dict) or state.get("format") != "discover.node/1":
            raise ConfigError(f"'{path}' is not a neural ODE saved by discover.")
        self = cls(NodeConfig(**state["config"]), device=device)
        self.settings_ = self.settings
        self.device_ = device
        self.mean_, self.scale_ = np.array(state["mean"]), np.array(state["scale"])
        self.tau_, self.epochs_, self.validation_loss_ = state["tau"], state["epochs"], state["validation_loss"]
        self.n_inputs_ = int(state.get("n_inputs", 0))
        self.u_mean_, self.u_scale_ = np.array(state.get("u_mean", [])), np.array(state.get("u_scale", []))
        self.field_ = VectorField(state["dim"], self.settings_.width, self.settings_.depth, self.n_inputs_)
        self.field_.load_state_dict(state["weights"])
        self.field_.to(device).eval()
        self.fitted_ = True
        return self
