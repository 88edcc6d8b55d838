"""Hidden-term PINN for PDEs: known physics plus a network for the part of u_t nobody knows.

After Podina, Eastman and Kohandel, "A PINN approach to symbolic differential operator discovery
with sparse data" (2022) and "Universal physics-informed neural networks" (ICML 2023 workshop):

- a network u_theta(t, x) represents the measured field (periodic by construction on a
  periodic domain);
- the user states the known part of the operator, ``u_t = d*u_xx + N``, with derivative names
  parsed by the restricted parser (:mod:`discover.fields.operator`); parameters not fixed are
  learned as scalars;
- a hidden network N_phi(u, u_x, u_xx) is trained together with u_theta on the data misfit at the
  measured points plus the residual ``u_t - known - N`` at collocation points spread over the
  domain, with derivatives by autograd (Adam with resampled points, then L-BFGS on a fixed set);
- N is then read at a dense set of points and distilled into a sparse formula over a polynomial
  library of (u, u_x, u_xx) by the project's SINDy distiller (:mod:`discover.fields.hidden_distill`),
  and every constant, known and hidden, is refitted by least squares of the full residual on the
  network's derivatives at the measured points, which gives standard errors.

The residual is what regularises u_theta between sparse noisy samples: this is the regime in which
finite differences on the grid fail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discover.core.device import resolve_device
from discover.core.errors import ConfigError, NotFittedError
from discover.core.progress import NullProgress
from discover.core.registry import setting, settings_from
from discover.fields.field import Field
from discover.fields.operator import derivative_terms, parse_known_operator


@dataclass(frozen=True)
class HiddenPDEConfig:
    """Settings of the PDE hidden-term PINN.

    Attributes
    ----------
    width, depth : the field network u_theta(t, x).
    hidden_width, hidden_depth : the hidden-term network N(u, u_x, ...).
    hidden_order : int
        Highest spatial derivative N reads (2: u, u_x, u_xx).
    harmonics : int
        Fourier features of x on a periodic domain.
    collocation : int
        Residual points per Adam step (resampled) and in the fixed L-BFGS set.
    pretrain_steps, adam_steps, lbfgs_steps, lr : training (Adam's rate decays tenfold).
    residual_weight : float
        Weight of the residual loss against the data loss (both standardised).
    samples : int
        Points (a space-time grid) at which N is read for distillation.
    degrees : tuple of int
        Polynomial library degrees of the SINDy distillation.
    distillers : tuple of str
        ``"sindy"`` and optionally ``"sr"``.
    bootstrap : int
        Bootstrap refits of the SINDy distillation (term inclusion probabilities).
    sr : dict, optional
        Settings of the symbolic-regression distiller (an ``[sr]`` table) when ``"sr"`` is in ``distillers``.
    threads : int
        torch CPU threads while training (0 leaves torch's setting alone).
    """

    width: int = setting(48, bounds=(1, 2048))
    depth: int = setting(3, bounds=(1, 32))
    hidden_width: int = setting(32, bounds=(1, 2048))
    hidden_depth: int = setting(2, bounds=(1, 32))
    hidden_order: int = setting(2, bounds=(0, 4))
    harmonics: int = setting(3, bounds=(0, 64))
    collocation: int = setting(1024, bounds=(1, 1_000_000))
    pretrain_steps: int = setting(500, bounds=(0, 1_000_000))
    adam_steps: int = setting(3000, bounds=(0, 1_000_000))
    lbfgs_steps: int = setting(300, bounds=(0, 100_000))
    lr: float = setting(3e-3, bounds=(1e-12, 10.0))
    residual_weight: float = setting(1.0, bounds=(0.0, 1e6))
    samples: int = setting(2500, bounds=(10, 10_000_000))
    degrees: tuple[int, ...] = setting((2,), bounds=(1, 10), nonempty=True)
    distillers: tuple[str, ...] = setting(("sindy",), choices=("sindy", "sr"), nonempty=True)
    bootstrap: int = setting(12, bounds=(0, 1000))
    sr: dict | None = None
    threads: int = setting(1, bounds=(0, 1024))


class HiddenPDE:
    """u_t = known(u, u_x, ...; p) + N(u, u_x, u_xx), learned from one field; N distilled to a formula.

    Parameters
    ----------
    known : list of str or dict of str to str
        Known part per field, ``["u: d*u_xx"]`` or ``{"u": "d*u_xx"}``; a field not listed is all hidden.
    params : list of "name=value" or dict, optional
        Fixed parameter values; every other parameter of ``known`` is learned.
    start : list of "name=value" or dict, optional
        Start values of learned parameters (default 0).
    settings : HiddenPDEConfig or dict, optional
    random_state : int
    device : {"auto", "cpu", "cuda"}
    progress : Progress, optional
        Receives one task ("pinn: training") advanced as steps finish.

    Attributes
    ----------
    known_ : KnownOperator
    terms_ : list of Term
        The derivatives the networks provide (inputs of N and of the known part).
    hidden_ : dict of str to sympy.Expr
        Distilled hidden term per field, on plain symbols named by the terms' identifiers
        (``u``, ``u_x``, ``u_xx``), coefficients refitted.
    equations_ : dict of str to sympy.Expr
        Known part (refitted parameter values) plus hidden term: the whole right-hand side of u_t.
    parameters_ : dict of str to float
        Learned parameters of the known part, refitted with the hidden terms.
    standard_errors_ : dict of str to float
        Standard error of each learned parameter and of each hidden coefficient (keyed
        ``"field: term"``), from the refit's Jacobian; conditional on the network's derivatives.
    network_parameters_ : dict of str to float
        The learned parameters as the network ended (before the refit).
    candidates_ : list of dict
        Per field, the distilled structures tried, with their refitted residual (the front).
    symbols_ : dict of str to str
        Identifier -> label of every term (``{"u_x": "u_x"}``) for printing.
    losses_ : dict of str to float
        Final data and residual losses (standardised units).
    """

    def __init__(self, known=None, params=None, start=None, settings=None, random_state: int = 0,
                 device: str = "auto", progress=None):
        self.known = known
        self.params = params
        self.start = start
        self.settings = settings
        self.random_state = random_state
        self.device = device
        self.progress = progress

    # ------------------------------------------------------------------ fitting
    def fit(self, field: Field) -> "HiddenPDE":
        """Train the networks on ``field`` and distill the hidden term."""
        cfg = settings_from(HiddenPDEConfig, self.settings, "pde_pinn")
        self.settings_ = cfg
        self._check_field(field)
        known = parse_known_operator(self.known, field.names, field.space_names, self.params, self.start,
                                     time_name=field.time_name)
        self.known_ = known
        order = max(cfg.hidden_order, known.max_order())
        self.terms_ = derivative_terms(field.names, field.space_names, order)
        self.hidden_terms_ = [t for t in self.terms_ if t.order <= cfg.hidden_order]
        self.symbols_ = self._labels(field)
        self.device_ = resolve_device(self.device)
        threads = None
        if self.device_ == "cpu" and cfg.threads:
            import torch

            # Small networks gain nothing from intra-op threads, and lose tenfold or more when the
            # cores are shared with other work; the setting is global, so it is restored after.
            threads = torch.get_num_threads()
            torch.set_num_threads(cfg.threads)
        try:
            self._train(field)
            from discover.fields.hidden_distill import distill

            distill(self, field)
        finally:
            if threads is not None:
                torch.set_num_threads(threads)
        return self

    def _check_field(self, field: Field) -> None:
        if not isinstance(field, Field):
            raise ConfigError(f"`HiddenPDE.fit` takes a discover.fields.Field, not {type(field).__name__}.")
        if field.n_space != 1:
            raise ConfigError(f"The PDE hidden-term PINN handles one space dimension; this field has "
                              f"{field.n_space} ({', '.join(field.space_names)}).")
        n_t, n_x = field.shape
        if n_t < 3 or n_x < 4:
            raise ConfigError(f"The field has {n_t} times and {n_x} positions; the PINN needs at least 3 and 4.")
        if np.isfinite(field.values).sum() < 10:
            raise ConfigError("The field has fewer than 10 measured points; there is nothing to fit.")

    def _labels(self, field: Field) -> dict[str, str]:
        sep = dict(zip(range(len(field.names)), field.names))
        out = {}
        for t in self.terms_:
            label = sep[t.field]
            if t.order:
                label += "_" + "".join(field.space_names[d] * k for d, k in enumerate(t.orders))
            out[t.name] = label
        return out

    def _train(self, field: Field) -> None:
        import torch

        from discover.core.mlp import tanh_mlp
        from discover.fields.hidden_net import FieldNet, Scales, space_derivatives, time_derivative, train

        cfg, known = self.settings_, self.known_
        seed = int(self.random_state)
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        dev = torch.device(self.device_)
        f32 = dict(dtype=torch.float32, device=dev)
        t, x = np.asarray(field.t, float), np.asarray(field.coords[0], float)
        periodic = bool(field.periodic[0]) if field.periodic else False
        self.periodic_ = periodic
        self.t0_, self.t1_ = float(t[0]), float(t[-1])
        self.x0_ = float(x[0])
        self.length_ = float(x[-1] - x[0] + (field.spacing(0) if periodic else 0.0))
        V = np.asarray(field.values, float)
        n_f = V.shape[-1]
        finite = np.isfinite(V).all(axis=-1)
        self.mean_ = np.nanmean(V.reshape(-1, n_f), axis=0)
        std = np.nanstd(V.reshape(-1, n_f), axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        T, X = np.meshgrid(t, x, indexing="ij")
        tau_d = torch.as_tensor(self._tau(T[finite])[:, None], **f32)
        xi_d = torch.as_tensor(self._xi(X[finite])[:, None], **f32)
        s_d = torch.as_tensor((V[finite] - self.mean_) / self.scale_, **f32)
        ct, cx = 2.0 / (self.t1_ - self.t0_), 2.0 / self.length_
        sc = Scales(torch.as_tensor(self.mean_, **f32), torch.as_tensor(self.scale_, **f32), ct, cx)

        self.u_net = FieldNet(n_f, cfg.width, cfg.depth, periodic, cfg.harmonics).to(dev)
        n_in = len(self.hidden_terms_)
        self.n_net = tanh_mlp(n_in, n_f, cfg.hidden_width, cfg.hidden_depth).to(dev)
        p = torch.nn.Parameter(torch.as_tensor([known.start[k] for k in known.learned], **f32))
        self.p = p
        used = known.used_terms()
        f_known = known.torch(used) if known.exprs else None
        order = max(t.order for t in self.terms_)

        def columns(ders, terms):
            return torch.stack([ders[t.order][:, t.field] for t in terms], dim=1)

        def sample(n, fixed=False):
            g = np.random.default_rng(seed + 1) if fixed else rng
            # Stratified in time (one stratum per point), uniform in space.
            tau = -1.0 + 2.0 * (np.arange(n) + g.random(n)) / n
            xi = -1.0 + 2.0 * g.random(n)
            return tau, xi

        def pieces(tau_np, xi_np, create_graph=True):
            tau = torch.as_tensor(tau_np[:, None], **f32).requires_grad_(True)
            xi = torch.as_tensor(xi_np[:, None], **f32).requires_grad_(True)
            s = self.u_net(tau, xi)
            ders = sc.physical(space_derivatives(s, xi, order))
            ut = sc.rate(time_derivative(s, tau, create_graph))
            if not create_graph:
                ders = [d.detach() for d in ders]
            return ut, ders

        state = {}

        def losses(points, with_residual):
            s = self.u_net(tau_d, xi_d)
            out = {"data": ((s - s_d) ** 2).mean()}
            if with_residual:
                ut, ders = pieces(*points)
                D = columns(ders, self.hidden_terms_)
                N = self.n_net((D - state["dmean"]) / state["dscale"]) * state["rate"]
                rhs = N + (f_known(columns(ders, used), p) if f_known else 0.0)
                out["residual"] = (((ut - rhs) / state["rate"]) ** 2).mean()
            return out

        total = cfg.pretrain_steps + cfg.adam_steps + cfg.lbfgs_steps
        with (self.progress or NullProgress()).task("pinn: training", total=total) as task:

            def scales_after_pretraining(points, with_residual):
                if with_residual and "rate" not in state:  # first residual call: typical sizes from the pretrained u_theta
                    ut, ders = pieces(*sample(cfg.collocation, fixed=True), create_graph=False)
                    D = columns(ders, self.hidden_terms_).detach()
                    state["dmean"] = D.mean(dim=0)
                    state["dscale"] = D.std(dim=0).clamp_min(1e-8)
                    state["rate"] = ut.detach().std(dim=0).clamp_min(1e-8)
                return losses(points, with_residual)

            self.losses_ = train(self.u_net, self.n_net, p, scales_after_pretraining, cfg, rng, sample, task)
        self._state = state
        self._pieces = pieces
        self._columns = columns
        self.network_parameters_ = {k: float(v) for k, v in zip(known.learned, p.detach().cpu().numpy())}

    def _tau(self, t):
        return 2.0 * (np.asarray(t, float) - self.t0_) / (self.t1_ - self.t0_) - 1.0

    def _xi(self, x):
        return 2.0 * (np.asarray(x, float) - self.x0_) / self.length_ - 1.0

    # ------------------------------------------------------------------ reading the model
    def _check(self) -> None:
        if not hasattr(self, "u_net"):
            raise NotFittedError("This HiddenPDE is not fitted yet; call `fit` first.")

    def evaluate(self, t, x) -> dict[str, np.ndarray]:
        """The networks at points (t, x) (1-D arrays of one length), in physical units.

        Returns
        -------
        dict
            ``"u_t"`` (n, n_fields); ``"terms"`` (n, len(terms_)) the fields and derivatives in
            ``terms_`` order; ``"hidden"`` (n, n_fields) N; ``"known"`` (n, n_fields) the known part
            at the network's parameter values.
        """
        self._check()
        import torch

        out = {"u_t": [], "terms": [], "hidden": [], "known": []}
        st = self._state
        used = self.known_.used_terms()
        f_known = self.known_.torch(used) if self.known_.exprs else None
        t, x = np.asarray(t, float).ravel(), np.asarray(x, float).ravel()
        for lo in range(0, len(t), 4096):
            ut, ders = self._pieces(self._tau(t[lo:lo + 4096]), self._xi(x[lo:lo + 4096]), create_graph=False)
            with torch.no_grad():
                D = self._columns(ders, self.hidden_terms_)
                N = self.n_net((D - st["dmean"]) / st["dscale"]) * st["rate"]
                K = f_known(self._columns(ders, used), self.p) if f_known else torch.zeros_like(N)
                out["u_t"].append(ut.detach())
                out["terms"].append(self._columns(ders, self.terms_).detach())
                out["hidden"].append(N)
                out["known"].append(K)
        return {k: torch.cat(v).cpu().double().numpy() for k, v in out.items()}

    def predict(self, t, x) -> np.ndarray:
        """u_theta on the grid ``t`` x ``x``: (n_t, n_x, n_fields)."""
        self._check()
        T, X = np.meshgrid(np.asarray(t, float), np.asarray(x, float), indexing="ij")
        cols = self.evaluate(T.ravel(), X.ravel())["terms"][:, : len(self.known_.names)]
        return cols.reshape(T.shape + (len(self.known_.names),))

    def hidden_term(self, states: np.ndarray) -> np.ndarray:
        """N at rows of (u, u_x, u_xx, ...) in ``hidden_terms_`` order, physical units: (n, n_fields)."""
        self._check()
        import torch

        st = self._state
        D = torch.as_tensor(np.atleast_2d(states), dtype=torch.float32, device=st["rate"].device)
        with torch.no_grad():
            return (self.n_net((D - st["dmean"]) / st["dscale"]) * st["rate"]).cpu().double().numpy()

    def summary(self) -> dict:
        """What a report or ``equations.json`` needs, as plain text and numbers.

        Equations are written on the terms' identifiers (``u_xx``; ``symbols`` maps each to its
        label) and read back with :func:`discover.core.expressions.parse_expression`.
        """
        self._check()
        from discover.core.expressions import to_text

        return {
            "equations": {v: to_text(e, {}) for v, e in self.equations_.items()},
            "hidden": {v: to_text(e, {}) for v, e in self.hidden_.items()},
            "known": {v: self.known_.text(v, self.parameters_) for v in self.known_.exprs},
            "parameters": dict(self.parameters_),
            "standard_errors": dict(self.standard_errors_),
            "symbols": dict(self.symbols_),
            "losses": dict(self.losses_),
        }
