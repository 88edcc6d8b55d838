"""Hidden-term PINN: known physics plus a network for the part of the model nobody knows.

After Podina, Eastman and Kohandel, "A PINN Approach to Symbolic Differential Operator
Discovery with Sparse Data" and "Universal Physics-Informed Neural Networks" (ICML 2023):

- a network ``u_theta(t)`` per run represents the state (an ensemble of small tanh MLPs
  evaluated together, one per trajectory);
- a second network ``G_phi(u)`` represents the hidden terms, so that
  ``du/dt = F_known(u; p) + G_phi(u)``; parameters ``p`` of the known part that the user did
  not fix are learned with the networks. With measured inputs w(t) (``--inputs``) both parts
  read them too, ``F_known(u, w; p) + G_phi(u, w)``, w interpolated between its samples (linearly
  or held, as the data's ``hold`` says) at every collocation time;
- the loss is the data misfit at the measurement times, the residual
  ``du_theta/dt - F_known - G_phi`` at collocation points spread over each run, and the misfit of
  the initial state, with weights balanced by their gradients (Wang, Teng and Perdikaris,
  "Understanding and mitigating gradient pathologies in PINNs", 2021);
- Adam with resampled collocation points, then L-BFGS on a fixed grid.

States are standardised and time mapped to [-1, 1], so every network works at order one.
The residual is what regularises ``u_theta`` between sparse noisy samples: tens of points are
enough. ``G_phi`` is then sampled along the fitted trajectories and distilled (SINDy, symbolic
regression); :mod:`discover.surrogates.assemble` joins each distilled hidden term to the known
part and refits all constants together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from discover.core.budget import expired
from discover.core.errors import ConfigError
from discover.core.expressions import identifiers, safe_lambdify, to_text
from discover.core.progress import NullProgress
from discover.core.registry import setting, settings_from
from discover.data.dataset import Dataset
from discover.data.prepared import Prepared
from discover.data.samples import Samples
from discover.surrogates.base import BaseSurrogate, register
from discover.surrogates.known import parse_known
from discover.surrogates.networks import RunNets, balance_weights, cpu_threads, mlp

_NEEDS_INPUTS = "This hidden-term PINN reads measured inputs; give them (`{}`)."


@dataclass(frozen=True)
class PinnConfig:
    """Settings of the hidden-term PINN.

    Attributes
    ----------
    width, depth : the state networks u_theta(t) (one per run).
    hidden_width, hidden_depth : the hidden-term network G_phi(u).
    collocation : residual points per run (resampled every Adam step).
    adam_steps, lr : Adam, with the rate decaying tenfold over the steps.
    lbfgs_steps : L-BFGS iterations afterwards (0 turns it off).
    balance_every : steps between updates of the loss weights.
    samples : points per run at which G_phi is read for distillation.
    threads : torch CPU threads while training (0 leaves torch's setting alone).
    known : dict of str to str, optional
        The known part of each equation, ``{"x": "a*x"}`` (``--known``); other symbols are parameters.
    params : dict of str to float, optional
        Fixed values of parameters of the known part (``--param``); the others are learned.
    """

    width: int = setting(48, bounds=(1, 2048))
    depth: int = setting(3, bounds=(1, 32))
    hidden_width: int = setting(32, bounds=(1, 2048))
    hidden_depth: int = setting(2, bounds=(1, 32))
    collocation: int = setting(256, bounds=(1, 100_000))
    adam_steps: int = setting(2000, bounds=(0, 1_000_000))
    lr: float = setting(5e-3, bounds=(1e-12, 10.0))
    lbfgs_steps: int = setting(300, bounds=(0, 100_000))
    balance_every: int = setting(50, bounds=(1, 1_000_000))
    balance: bool = True
    samples: int = setting(400, bounds=(10, 1_000_000))
    threads: int = setting(1, bounds=(0, 1024))
    known: dict | None = None
    params: dict | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("known", "params")}


@register
class HiddenTermPINN(BaseSurrogate):
    """du/dt = F_known(u; p) + G(u), trained on sparse noisy runs; G is distilled to symbols.

    Parameters
    ----------
    settings : PinnConfig or dict, optional
        Its ``known`` and ``params`` state what the user knows (``--known``/``--param``);
        none makes G the whole field.
    random_state : int
    device : str
    progress : Progress, optional

    Attributes
    ----------
    known_ : KnownPart
        The parsed known part.
    parameters_ : dict of str to float
        The learned parameters of the known part.
    losses_ : dict of str to float
        Final data, residual and initial-state losses (standardised units).
    curves_ : list of dict
        Per run: dense times ``t``, fitted states ``u``, ``dudt``, hidden term ``G`` and known part ``F``.
    """

    name = "pinn"
    Settings = PinnConfig
    default_distillers = ("sindy", "sr")
    report = "discover.surrogates.pinn_report"  # its section: known part, hidden term, named constants
    refit_on_data = False  # post_process refits every constant on the measurements itself
    supports_inputs = True

    @classmethod
    def check_settings(cls, settings, data) -> None:
        cfg = settings_from(PinnConfig, settings, cls.name)
        parse_known(cfg.known, data.names, cfg.params, data.time_name, data.inputs)

    # ------------------------------------------------------------------ training
    def _fit(self, prepared: Prepared, seed: int) -> None:
        with cpu_threads(self.settings_.threads, self.device_):
            self._train(prepared, seed)

    def _train(self, prepared: Prepared, seed: int) -> None:
        cfg = self.settings_
        data = prepared.train
        known = parse_known(cfg.known, data.names, cfg.params, data.time_name, data.inputs)
        self.known_ = known
        self._set_inputs(data)
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        dev = torch.device(self.device_)
        trajs = data.trajectories
        n, K = data.n_states, len(trajs)
        allx = np.concatenate([tr.x for tr in trajs])
        self.mean_ = allx.mean(axis=0)
        self.scale_ = np.where(allx.std(axis=0) > 0, allx.std(axis=0), 1.0)
        self.t0_ = np.array([tr.t[0] for tr in trajs])
        self.span_ = max(tr.duration for tr in trajs)
        self.t1_ = np.array([tr.t[-1] for tr in trajs])
        c = 2.0 / self.span_  # d tau / dt
        self.rate_ = self.scale_ * c  # physical dx/dt per unit of d s / d tau

        # Data, padded to the longest run; the mask marks real samples.
        m = max(len(tr) for tr in trajs)
        tau = np.zeros((K, m, 1))
        xs = np.zeros((K, m, n))
        mask = np.zeros((K, m))
        for k, tr in enumerate(trajs):
            tau[k, : len(tr), 0] = self._tau(tr.t, k)
            xs[k, : len(tr)] = (tr.x - self.mean_) / self.scale_
            mask[k, : len(tr)] = 1.0
        f32 = dict(dtype=torch.float32, device=dev)
        tau_d, x_d, mask_d = (torch.as_tensor(a, **f32) for a in (tau, xs, mask))
        tau_end = torch.as_tensor([self._tau(self.t1_[k], k) for k in range(K)], **f32).view(K, 1, 1)
        mean, scale, rate = (torch.as_tensor(a, **f32) for a in (self.mean_, self.scale_, self.rate_))

        self.u_net = RunNets(K, n, cfg.width, cfg.depth).to(dev)
        n_in = len(self.inputs_)
        self.g_net = mlp(n + n_in, n, cfg.hidden_width, cfg.hidden_depth).to(dev)
        p0 = self._initial_parameters(prepared)
        self.p = nn.Parameter(torch.as_tensor(p0, **f32))
        f_known = known.torch()
        u_mean, u_scale = (torch.as_tensor(a, **f32) for a in (self.u_mean_, self.u_scale_))

        def inputs_at(tau_np):
            """Scaled inputs at collocation times tau (K, C) of each run, (K*C, n_inputs); None without inputs."""
            if not n_in:
                return None
            w = np.stack([self._inputs_at(k, self._time(tau_np[k], k)) for k in range(K)])
            return (torch.as_tensor(w, **f32).reshape(-1, n_in) - u_mean) / u_scale

        def residual(tc, wc):
            tc = tc.requires_grad_(True)
            s = self.u_net(tc)
            ds = torch.stack([torch.autograd.grad(s[..., i].sum(), tc, create_graph=True)[0][..., 0]
                              for i in range(n)], dim=-1)
            flat = s.reshape(-1, n)
            x = flat * scale + mean
            if wc is None:
                rhs = f_known(x, self.p) / rate + self.g_net(flat)
            else:
                rhs = f_known(x, self.p, wc * u_scale + u_mean) / rate + self.g_net(torch.cat([flat, wc], dim=1))
            return ds.reshape(-1, n) - rhs

        def losses(tc, wc):
            s = self.u_net(tau_d)
            data_l = (((s - x_d) ** 2).sum(-1) * mask_d).sum() / (mask_d.sum() * n)
            ic_l = ((s[:, 0] - x_d[:, 0]) ** 2).mean()
            res_l = (residual(tc, wc) ** 2).mean()
            return {"data": data_l, "residual": res_l, "initial": ic_l}

        weights = {"data": 1.0, "residual": 1.0, "initial": 1.0}
        params = list(self.u_net.parameters()) + list(self.g_net.parameters()) + [self.p]
        opt = torch.optim.Adam(params, lr=cfg.lr)
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.1 ** (1.0 / max(cfg.adam_steps, 1)))
        total = cfg.adam_steps + cfg.lbfgs_steps
        with (self.progress or NullProgress()).task("pinn: training", total=total) as task:
            for step in range(cfg.adam_steps):
                # Collocation points: stratified random times within each run's own span.
                u = (np.arange(cfg.collocation) + rng.random((K, cfg.collocation))) / cfg.collocation
                tc = -1.0 + torch.as_tensor(u[..., None], **f32) * (tau_end + 1.0)
                parts = losses(tc, inputs_at(tc[..., 0].cpu().numpy()))
                if cfg.balance and step % cfg.balance_every == 0:
                    weights = balance_weights(parts, weights, [p for p in self.u_net.parameters()])
                loss = sum(weights[k] * v for k, v in parts.items())
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                if step % 20 == 0:
                    task.advance(20)
                    if expired():  # the stage's share of the time budget is spent: keep what is learned
                        break
            grid = -1.0 + torch.linspace(0, 1, cfg.collocation, **f32).view(1, -1, 1) * (tau_end + 1.0)
            w_grid = inputs_at(grid[..., 0].cpu().numpy())
            if cfg.lbfgs_steps:
                lb = torch.optim.LBFGS(params, lr=1.0, max_iter=cfg.lbfgs_steps, history_size=50,
                                       tolerance_grad=1e-9, tolerance_change=1e-12, line_search_fn="strong_wolfe")

                def closure():
                    lb.zero_grad()
                    parts = losses(grid.clone(), w_grid)
                    total_l = sum(weights[k] * v for k, v in parts.items())
                    total_l.backward()
                    return total_l

                before = [p.detach().clone() for p in params]
                lb.step(closure)
                if not all(torch.isfinite(p).all() for p in params):  # L-BFGS diverged: keep Adam's result
                    with torch.no_grad():
                        for p, b in zip(params, before):
                            p.copy_(b)
            task.advance(total)
        final = losses(grid.clone(), w_grid)
        self.losses_ = {k: float(v.detach()) for k, v in final.items()}
        self.weights_ = {k: float(v) for k, v in weights.items()}
        self.parameters_ = {name: float(v) for name, v in zip(known.learned, self.p.detach().cpu().numpy())}
        self.epochs_ = total
        self.validation_loss_ = self.losses_["data"]
        self.curves_ = self._curves(data)

    def _tau(self, t, k):
        return 2.0 * (np.asarray(t, dtype=float) - self.t0_[k]) / self.span_ - 1.0

    def _time(self, tau, k):
        return self.t0_[k] + (np.asarray(tau, dtype=float) + 1.0) * self.span_ / 2.0

    def _set_inputs(self, data: Dataset) -> None:
        """Measured inputs: names, how they are read between samples, each run's signal, and their scale."""
        from discover.core.signals import InputSignal

        self.inputs_, self.hold_ = tuple(data.inputs), data.hold
        self.signals_ = [InputSignal(tr.t, tr.u, data.hold) for tr in data.trajectories] if self.inputs_ else []
        w = data.stacked_inputs() if self.inputs_ else np.zeros((1, 0))
        self.u_mean_ = w.mean(axis=0)
        self.u_scale_ = np.where(w.std(axis=0) > 0, w.std(axis=0), 1.0)

    def _inputs_at(self, k: int, t) -> np.ndarray:
        """Run ``k``'s measured inputs at times ``t``, (len(t), n_inputs)."""
        return self.signals_[k](np.atleast_1d(np.asarray(t, dtype=float)))

    def _initial_parameters(self, prepared: Prepared) -> np.ndarray:
        """Learned parameters start where the known part alone best fits smoothed derivatives."""
        known = self.known_
        if not known.learned:
            return np.zeros(0)
        from scipy.optimize import least_squares

        samples = prepared.samples()
        X, Y, W = samples.states, samples.derivatives, samples.inputs
        f = known.numpy()
        cols = [i for i, v in enumerate(known.names) if v in known.exprs]
        scale = Y[:, cols].std(axis=0) + 1e-12

        def r(p):
            return ((f(X, p, W)[:, cols] - Y[:, cols]) / scale).ravel()

        try:
            with np.errstate(all="ignore"):
                sol = least_squares(r, np.ones(len(known.learned)), max_nfev=200)
            if np.all(np.isfinite(sol.x)):
                return sol.x
        except (ValueError, FloatingPointError):
            pass
        return np.ones(len(known.learned))

    # ------------------------------------------------------------------ reading the model
    def _g(self, X: np.ndarray, W: np.ndarray | None = None) -> np.ndarray:
        dev = next(self.g_net.parameters()).device
        z = (np.atleast_2d(X) - self.mean_) / self.scale_
        if self.inputs_:
            if W is None:
                raise ConfigError(_NEEDS_INPUTS.format("inputs="))
            z = np.hstack([z, (np.atleast_2d(W) - self.u_mean_) / self.u_scale_])
        s = torch.as_tensor(z, dtype=torch.float32, device=dev)
        with torch.no_grad():
            return self.g_net(s).cpu().double().numpy() * self.rate_

    def hidden_term(self, states: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        """G(u) in physical units at ``states`` (n_samples, n_states) (and measured ``inputs``,
        (n_samples, n_inputs), when the model reads them)."""
        self._check()
        return self._g(np.asarray(states, dtype=float), None if inputs is None else np.asarray(inputs, dtype=float))

    def known_term(self, states: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        if self.inputs_ and inputs is None:
            raise ConfigError(_NEEDS_INPUTS.format("inputs="))
        p = np.array([self.parameters_[k] for k in self.known_.learned])
        return self.known_.numpy()(np.atleast_2d(states), p, inputs)

    def _vector_field(self, states: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        return self.known_term(states, inputs) + self._g(states, inputs)

    def _predict(self, times: np.ndarray, initial_state: np.ndarray) -> np.ndarray:
        return self.forecast(times, initial_state)[0]

    def forecast(self, times: np.ndarray, initial_state: np.ndarray, u: np.ndarray | None = None
                 ) -> tuple[np.ndarray, int]:
        """States at ``times`` from ``initial_state`` (adaptive RK45) and the number of field evaluations;
        with measured inputs, ``u`` (len(times), n_inputs) are read between the samples as in training."""
        from scipy.integrate import solve_ivp

        from discover.core.signals import InputSignal

        times = np.asarray(times, dtype=float)
        if self.inputs_:
            if u is None:
                raise ConfigError(_NEEDS_INPUTS.format("u="))
            signal = InputSignal(times, u, self.hold_)

            def rhs(t, y):
                return self._vector_field(y[None], signal(t)[None])[0]
        else:
            def rhs(_t, y):
                return self._vector_field(y[None])[0]
        sol = solve_ivp(rhs, (times[0], times[-1]), initial_state, t_eval=times, rtol=1e-6, atol=1e-9)
        if sol.status != 0 or sol.y.shape[1] != len(times):
            return np.full((len(times), len(initial_state)), np.nan), int(sol.nfev)
        return sol.y.T, int(sol.nfev)

    def _curves(self, data: Dataset) -> list[dict]:
        """Dense fitted states and their pieces, per run (read by distillation and the report)."""
        dev = next(self.g_net.parameters()).device
        K, n = len(data.trajectories), data.n_states
        out = []
        for k, tr in enumerate(data.trajectories):
            t = np.linspace(tr.t[0], tr.t[-1], self.settings_.samples)
            tau = torch.as_tensor(self._tau(t, k), dtype=torch.float32, device=dev).view(1, -1, 1)
            tau = tau.repeat(K, 1, 1).requires_grad_(True)
            s = self.u_net(tau)
            ds = torch.stack([torch.autograd.grad(s[k, :, i].sum(), tau, retain_graph=True)[0][k, :, 0] for i in range(n)], dim=-1)
            u = s[k].detach().cpu().double().numpy() * self.scale_ + self.mean_
            dudt = ds.detach().cpu().double().numpy() * self.rate_
            w = self._inputs_at(k, t) if self.inputs_ else None
            curve = {"t": t, "u": u, "dudt": dudt, "G": self._g(u, w), "F": self.known_term(u, w)}
            out.append(curve if w is None else {**curve, "w": w})
        return out

    def distillation_samples(self, prepared: Prepared) -> Samples:
        """What distillers read: the hidden term along the fitted trajectories (not at the raw data).

        Known terms that are one learned parameter times a function of the states are read
        together with G (a + G can trade such a term freely; see :mod:`discover.surrogates.assemble`),
        so the target is the whole field minus the rest of the known part.
        """
        U = np.concatenate([c["u"] for c in self.curves_])
        G = np.concatenate([c["G"] for c in self.curves_])
        W = np.concatenate([c["w"] for c in self.curves_]) if self.inputs_ else np.zeros((len(U), 0))
        linear = self.known_.linear_terms()
        if linear:
            import sympy as sp

            states, inputs = self.known_.state_symbols, self.known_.input_symbols
            for i, v in enumerate(self.known_.names):
                for p, phi in linear.get(v, []):
                    value = self.parameters_[p]
                    coef = sp.expand(self.known_.expr(v)).coeff(phi).subs(sp.Symbol(p, real=True), value)
                    fn = safe_lambdify([states, inputs], phi, modules="numpy")
                    G[:, i] += float(coef) * np.broadcast_to(np.asarray(fn(list(U.T), list(W.T)), dtype=float),
                                                             U.shape[:1])
        if self.inputs_:  # the inputs stay variables of the distillers' libraries
            return Samples(U, G, prepared.names, inputs=W, input_names=self.inputs_)
        return Samples(U, G, prepared.names)

    def library_terms(self) -> tuple:
        """Non-polynomial shapes of the known part (sympy expressions on plain symbols), offered
        to SINDy's library."""
        import sympy as sp

        out = []
        for terms in self.known_.linear_terms().values():
            for _, phi in terms:
                plain = phi.xreplace({s: sp.Symbol(s.name) for s in phi.free_symbols})
                if not plain.is_polynomial():
                    out.append(plain)
        return tuple(dict.fromkeys(out))

    def post_process(self, candidates: list, prepared: Prepared) -> list:
        """Known part + each distilled hidden term, with all constants refitted together."""
        from discover.surrogates.assemble import assemble_all

        return assemble_all(self, candidates, prepared.train)

    def save(self, path) -> None:
        """Networks, known part, parameters and normalisation in one torch file (:meth:`load`)."""
        self._check()
        k = self.known_
        torch.save({"format": "discover.pinn/1", "config": self.settings_.to_dict(), "names": list(k.names),
                    "known": {v: to_text(e, identifiers(k.names + k.inputs)) for v, e in k.exprs.items()},
                    "inputs": list(self.inputs_), "hold": self.hold_, "u_mean": self.u_mean_.tolist(),
                    "u_scale": self.u_scale_.tolist(),
                    "fixed": dict(k.fixed),
                    "parameters": self.parameters_, "losses": self.losses_, "weights_": self.weights_,
                    "runs": len(self.t0_), "mean": self.mean_.tolist(), "scale": self.scale_.tolist(),
                    "t0": self.t0_.tolist(), "t1": self.t1_.tolist(), "span": self.span_,
                    "u_net": {a: b.cpu() for a, b in self.u_net.state_dict().items()},
                    "g_net": {a: b.cpu() for a, b in self.g_net.state_dict().items()}}, path)

    @classmethod
    def load(cls, path, device: str = "cpu") -> "HiddenTermPINN":
        state = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(state, dict) or state.get("format") != "discover.pinn/1":
            raise ConfigError(f"'{path}' is not a hidden-term PINN saved by discover.")
        self = cls(PinnConfig(**state["config"], known=state["known"], params=state["fixed"]), device=device)
        self.settings_, self.device_ = self.settings, device
        self.inputs_, self.hold_ = tuple(state.get("inputs", ())), state.get("hold", "linear")
        self.known_ = parse_known(state["known"], state["names"], state["fixed"], inputs=self.inputs_)
        self.u_mean_ = np.array(state.get("u_mean", []), dtype=float)
        self.u_scale_ = np.array(state.get("u_scale", []), dtype=float)
        self.signals_ = []  # the training runs' signals are not saved: give inputs to every call
        cfg, n = self.settings_, len(state["names"])
        self.mean_, self.scale_ = np.array(state["mean"]), np.array(state["scale"])
        self.t0_, self.t1_, self.span_ = np.array(state["t0"]), np.array(state["t1"]), state["span"]
        self.rate_ = self.scale_ * 2.0 / self.span_
        self.parameters_, self.losses_, self.weights_ = state["parameters"], state["losses"], state["weights_"]
        self.u_net = RunNets(state["runs"], n, cfg.width, cfg.depth)
        self.u_net.load_state_dict(state["u_net"])
        self.g_net = mlp(n + len(self.inputs_), n, cfg.hidden_width, cfg.hidden_depth)
        self.g_net.load_state_dict(state["g_net"])
        self.u_net.to(device).eval()
        self.g_net.to(device).eval()
        self.fitted_ = True
        return self

    def states(self, t, run: int = 0) -> np.ndarray:
        """The fitted state u_theta of run ``run`` at times ``t``."""
        self._check()
        dev = next(self.g_net.parameters()).device
        K = len(self.t0_)
        tau = torch.as_tensor(self._tau(t, run), dtype=torch.float32, device=dev).view(1, -1, 1).repeat(K, 1, 1)
        with torch.no_grad():
            s = self.u_net(tau)[run].cpu().double().numpy()
        return s * self.scale_ + self.mean_

    def facts(self) -> dict:
        return {"parameters": self.parameters_, "losses": self.losses_, "loss_weights": self.weights_,
                "known": self.known_.describe(), "fixed": dict(self.known_.fixed), "epochs": self.epochs_,
                "validation_loss": self.validation_loss_, "curves": self.curves_}
