"""The estimator that runs the whole flow: data -> surrogates -> distillers -> selection.

:class:`Discoverer` follows scikit-learn's conventions: settings in the constructor,
``fit(data)`` returns ``self``, learned results end with an underscore.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import sympy as sp

from discover.candidates import Candidate
from discover.data.dataset import Dataset, Trajectory
from discover.data.derivatives import estimate_derivatives, weak_form
from discover.distillers import Samples, get_distiller
from discover.distillers.sindy import SindyConfig
from discover.distillers.symbolic_regression import SRConfig
from discover.distillers.refit import refit_on_data
from discover.distillers.sr_engines import check_engine, engine_usable
from discover.errors import ConfigError, NotFittedError
from discover.expressions import identifiers, to_text
from discover.integrate import integrate
from discover.methods import Route, delay_methods, is_auto, library_extras, needs_search, parse_methods
from discover.options import check_device, check_seed
from discover.progress import NullProgress
from discover.result import RunResult
from discover.selection import Validation, decorrelation_time, score, select, split
from discover.selection.crossval import blocked_cv_error
from discover.surrogates import get_surrogate, resolve_device

HORIZON_DECORRELATIONS = 3.0


class Discoverer:
    """Find governing equations dx/dt = f(x) in trajectory data.

    Parameters
    ----------
    methods : str, default "auto"
        Routes such as ``"sindy"`` or ``"node+sindy"`` (comma-separated); ``"auto"``
        picks the default.
    seed : int, default 0
        Seeds every random step; the same data, settings and seed give the same result.
    device : {"auto", "cpu", "cuda"}, default "auto"
        Where neural surrogates train.
    sindy : SindyConfig, optional
        Search settings of the SINDy distiller.
    sr : SRConfig, optional
        Search settings of the symbolic regression distiller (engine, operators, budget).
    node : NodeConfig, optional
        Settings of the neural ODE surrogate (network, shooting windows, solver, regulariser).
    known : dict or list of str, optional
        The known part of the model for the hidden-term PINN: ``{"x": "a*x"}`` or
        ``["x: a*x"]``; symbols that are not state variables are parameters.
    params : dict or list of str, optional
        Fixed values of parameters of the known part (``{"a": 1.3}`` or ``["a=1.3"]``);
        the others are learned.
    pinn : PinnConfig, optional
        Settings of the hidden-term PINN.
    delay : dict, optional
        Delay-embedding settings for ``havok`` and ``hankel``: ``delays``, ``spacing``
        (samples), ``rank``; each is chosen from the data when left out.
    progress : Progress, optional
        Receives progress of long steps (the CLI passes a rich one).

    Attributes
    ----------
    equations_ : dict of str to sympy.Expr
        The selected right-hand sides.
    best_ : Candidate
    candidates_ : list of Candidate
        Every candidate with its held-out scores, best first.
    confidence_ : str
        ``"high"``, ``"medium"`` or ``"low"``.
    result_ : RunResult
        Everything the report needs.

    Examples
    --------
    >>> import discover
    >>> data = discover.load_csv("examples/lorenz.csv")            # doctest: +SKIP
    >>> model = discover.Discoverer(seed=0).fit(data)              # doctest: +SKIP
    >>> model.equations_["x"]                                      # doctest: +SKIP
    -10.0*x + 10.0*y
    """

    def __init__(self, methods="auto", seed: int = 0, device: str = "auto", sindy: SindyConfig | None = None,
                 sr: SRConfig | None = None, node=None, known=None, params=None, pinn=None, delay=None,
                 progress=None):
        self.methods = methods
        self.seed = seed
        self.device = device
        self.sindy = sindy
        self.sr = sr
        self.node = node
        self.known = known
        self.params = params
        self.pinn = pinn
        self.delay = delay
        self.progress = progress

    # ------------------------------------------------------------------ fitting
    def fit(self, data: Dataset) -> "Discoverer":
        check_seed(self.seed, "`seed`")
        check_device(self.device)
        routes = parse_methods(self.methods)
        delayed = delay_methods(self.methods)
        auto = is_auto(self.methods)
        if any(r.distiller == "sr" for r in routes) or auto:
            check_engine((self.sr or SRConfig()).engine, required=not auto)
        if (self.known or self.params) and not any(r.surrogate == "pinn" for r in routes):
            raise ConfigError("`--known` and `--param` state the known part for the hidden-term PINN; "
                              "add `--methods pinn` to use them.")
        self._known_part = None
        if any(r.surrogate == "pinn" for r in routes):
            from discover.surrogates.known import parse_known

            self._known_part = parse_known(self.known, data.names, self.params, data.time_name)
        progress = self.progress or NullProgress()
        timings: dict[str, float] = {}

        @contextmanager
        def timed(name):
            t0 = time.perf_counter()
            yield
            timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 3)

        with timed("split_and_derivatives"):
            sp_ = split(data)
            der = estimate_derivatives(sp_.train)
            wf = weak_form(sp_.train, der.half_widths)
            val_der = estimate_derivatives(Dataset(sp_.validation, data.names, data.time_name))
            val_smooth = [Trajectory(s.t, x, s.label) for s, x in zip(sp_.validation, val_der.smoothed)]
            train_smooth = [Trajectory(t.t, x, t.label) for t, x in zip(sp_.train.trajectories, der.smoothed)]
        X, Y = der.stacked()
        runs = tuple((tr.t, xs, d) for tr, xs, d in zip(sp_.train.trajectories, der.smoothed, der.derivatives))
        samples = Samples(X, Y, data.names, weak=wf, raw_states=sp_.train.stacked()[1], trajectories=runs)
        variance = data.stacked()[1].var(axis=0)
        noise_var = np.mean((sp_.train.stacked()[1] - X) ** 2, axis=0)
        noise = float(np.mean(noise_var / np.where(variance > 0, variance, 1.0)))
        horizon = HORIZON_DECORRELATIONS * decorrelation_time(sp_.train.trajectories, data.n_states)
        horizon = min(horizon, max(s.duration for s in val_smooth))
        validation = Validation.build(val_smooth, sp_.validation, horizon, variance)

        fronts: dict = {}
        facts: dict = {}
        fitted: dict = {}
        surrogate_facts: dict = {}

        def run_routes(todo, guess=None):
            found_all = []
            for route in todo:
                with timed(route.label), progress.task(f"{route.label}: distilling") as task:
                    route_samples = replace(samples, guess=guess)
                    if route.surrogate:
                        surrogate = fitted.get(route.surrogate)
                        if surrogate is None:
                            t_fit = time.perf_counter()
                            surrogate = self._make_surrogate(route.surrogate, progress)
                            surrogate.fit(sp_.train, seed=self.seed)
                            fitted[route.surrogate] = surrogate
                            surrogate_facts[route.surrogate] = _surrogate_facts(
                                surrogate, val_smooth, time.perf_counter() - t_fit)
                        if hasattr(surrogate, "distillation_samples"):
                            route_samples = Samples(*surrogate.distillation_samples(X), data.names)
                        else:
                            route_samples = Samples(X, surrogate.vector_field(X), data.names)
                    extra_terms = getattr(fitted.get(route.surrogate), "library_terms", lambda: ())()
                    distiller = self._make_distiller(route.distiller, extra_terms=extra_terms)
                    found = distiller.fit(route_samples, seed=self.seed).candidates_
                    if route.surrogate and hasattr(fitted[route.surrogate], "assemble"):
                        with progress.task(f"{route.label}: joining known and hidden terms"):
                            found = fitted[route.surrogate].assemble(found, sp_.train)
                    elif route.surrogate and samples.weak is not None:
                        refits = (refit_on_data(c, samples.weak, samples.raw_states, data.names) for c in found)
                        found = found + [c for c in refits if c is not None]
                    if hasattr(distiller, "facts_"):
                        facts[route.label] = distiller.facts_
                    ids = identifiers(data.names)  # formulas in run.json are written as in equations.json
                    for var, front in getattr(distiller, "fronts_", {}).items():
                        fronts[f"{route.label}: d{var}/d{data.time_name}"] = [
                            {"complexity": e["complexity"], "mse": e["mse"], "expr": to_text(e["expr"], ids)}
                            for e in front
                        ]
                    for c in found:
                        c.method = route.label
                    found_all += found
                    task.advance()
            return found_all

        def judge(cands):
            with timed("selection"), progress.task("scoring candidates on held-out data", total=len(cands)) as task:
                for c in cands:
                    c.scores = score(c, validation, data.names)
                    if sp_.in_sample and not c.scores["failed"]:
                        cv = blocked_cv_error(c, train_smooth, sp_.train.trajectories, der.derivatives, data.names,
                                              validation.variance)
                        c.scores["in_sample_short_r2"] = c.scores["short_r2"]
                        c.scores["short_r2"] = 1.0 - cv
                        c.scores["cross_validated"] = True
                    task.advance()

        delay_facts = {}
        if delayed:
            from discover.delay.compare import run as run_delay

            with timed("delay models"):
                delay_facts = run_delay(list(sp_.train.trajectories), list(sp_.validation), data.names, delayed,
                                        seed=self.seed, device=resolve_device(self.device), progress=progress,
                                        **(self.delay or {}))

        # A distiller that reads a guess (PROSE) runs after the others, given SINDy's pick.
        readers = [r for r in routes if r.distiller == "prose"]
        candidates = _dedupe(run_routes([r for r in routes if r not in readers]))
        judge(candidates)
        if readers:
            sindy = [c for c in candidates if c.method == "sindy"]
            guess = select(sindy, sp_.in_sample, noise=noise).best if sindy else None
            extra = [c for c in _dedupe(candidates + run_routes(readers, guess)) if c not in candidates]
            judge(extra)
            candidates += extra
        chosen = select(candidates, sp_.in_sample, noise=noise)
        escalated = None
        if auto and not any(r.distiller == "sr" for r in routes):
            escalated = needs_search(chosen, noise, max((self.sindy or SindyConfig()).degrees))
            if escalated and engine_usable((self.sr or SRConfig()).engine):
                extra = run_routes([Route("sr")])
                offered = library_extras(extra)
                if offered:
                    with timed("sindy+sr-terms"):
                        sindy = self._make_distiller("sindy", extra_terms=offered)
                        more = sindy.fit(samples, seed=self.seed).candidates_
                        for c in more:
                            c.method = "sindy"
                            c.settings["library"] = c.settings["library"].replace("extra terms", "terms found by sr")
                        extra += more
                extra = [c for c in _dedupe(candidates + extra) if c not in candidates]
                judge(extra)
                candidates += extra
                chosen = select(candidates, sp_.in_sample, noise=noise)

        self.best_ = chosen.best
        self.candidates_ = chosen.ranked
        self.equations_ = dict(chosen.best.equations) if chosen.best else {}
        self.confidence_ = chosen.confidence
        self.names_ = data.names
        self.result_ = RunResult(
            names=data.names,
            time_name=data.time_name,
            candidates=chosen.ranked,
            best=chosen.best,
            confidence=chosen.confidence,
            reasons=(chosen.reasons if routes else ["only time-delay methods were asked for: they model the measured "
                                                     "signals, not equations in the CSV's variables"])
            + ([f"symbolic regression was called because {escalated}"] if escalated else []),
            agreement=chosen.agreement,
            rule=chosen.rule,
            train=list(sp_.train.trajectories),
            train_smoothed=train_smooth,
            train_derivatives=list(der.derivatives),
            validation=list(sp_.validation),
            validation_smoothed=val_smooth,
            split=sp_.description,
            in_sample=sp_.in_sample,
            settings={
                "methods": sorted({c.method for c in candidates}),
                "requested_methods": self.methods if isinstance(self.methods, str) else ",".join(self.methods),
                "seed": self.seed,
                "device": self.device,
                "sr_engine": (self.sr or SRConfig()).engine,
                "smoothing_half_widths": der.half_widths.tolist(),
                "validation_horizon": horizon,
                "noise_estimate": noise,
                "selection_rule": chosen.rule,
                **({"distiller_facts": facts} if facts else {}),
            },
            timings=timings,
            fronts=fronts,
            warnings=[f"Dropped {data.dropped_rows} rows with missing values."] if data.dropped_rows else [],
            surrogates=surrogate_facts,
            models=fitted,
            delay=delay_facts,
        )
        self.surrogates_ = fitted
        return self

    def _make_surrogate(self, name: str, progress):
        cls = get_surrogate(name)
        device = resolve_device(self.device)
        if name == "node":
            return cls(device=device, config=self.node, progress=progress)
        if name == "pinn":
            return cls(known=self._known_part, config=self.pinn, device=device, progress=progress)
        return cls(device=device)

    def _make_distiller(self, name: str, extra_terms=()):
        cls = get_distiller(name)
        if name == "sindy":
            cfg = self.sindy or SindyConfig()
            return cls(replace(cfg, extra_terms=tuple(extra_terms)) if extra_terms else cfg)
        if name == "sr":
            return cls(self.sr)
        if name == "prose":
            from discover.distillers.prose import ProseConfig

            return cls(ProseConfig(device=resolve_device(self.device)))
        return cls()

    # ------------------------------------------------------------------ use after fitting
    def _check(self):
        if not hasattr(self, "result_"):
            raise NotFittedError("This Discoverer is not fitted yet; call `fit(data)` first.")
        if self.best_ is None:
            raise NotFittedError("No candidate survived selection, so there is no model to use; see the report.")

    def predict(self, states: np.ndarray) -> np.ndarray:
        """dx/dt of the selected equations at ``states`` (n_samples, n_states)."""
        from discover.integrate import compile_rhs

        self._check()
        f = compile_rhs([self.equations_[n] for n in self.names_], [sp.Symbol(n) for n in self.names_])
        return f(np.atleast_2d(np.asarray(states, dtype=float)).T).T

    def simulate(self, t: np.ndarray, x0: np.ndarray) -> np.ndarray:
        """Integrate the selected equations from ``x0`` at times ``t``; shape (len(t), n_states)."""
        self._check()
        sol = integrate([self.equations_[n] for n in self.names_], [sp.Symbol(n) for n in self.names_],
                        np.atleast_2d(x0), [np.asarray(t, dtype=float)])
        return sol.x[0]

    def score(self, data: Dataset) -> float:
        """Mean R² of the selected equations simulated from each run's first state."""
        self._check()
        r2 = []
        for tr in data.trajectories:
            sim = self.simulate(tr.t, tr.x[0])
            tot = ((tr.x - tr.x.mean(axis=0)) ** 2).sum(axis=0)
            r2.append(np.mean(1 - ((sim - tr.x) ** 2).sum(axis=0) / np.where(tot > 0, tot, 1)))
        return float(np.mean(r2))

    def write_report(self, out_dir, provenance: dict | None = None, force: bool = False) -> str:
        """Write the run folder (report.md, report.html, equations.json, figures, run.json).

        An earlier run folder at ``out_dir`` is replaced (files a user added to it are kept);
        a folder discover did not write is refused with :class:`~discover.errors.OutDirError`,
        or moved aside to ``NAME.old-<date-time>`` when ``force`` is true.
        """
        from discover.report import write_run

        if not hasattr(self, "result_"):
            raise NotFittedError("This Discoverer is not fitted yet; call `fit(data)` first.")
        if provenance:
            self.result_.provenance.update(provenance)
        return write_run(self.result_, out_dir, force=force)


def _surrogate_facts(surrogate, segments, seconds: float) -> dict:
    """Forecasts of the held-out segments and what they cost, for the report."""
    facts = {"seconds": round(seconds, 2), "epochs": getattr(surrogate, "epochs_", None),
             "validation_loss": getattr(surrogate, "validation_loss_", None), "forecasts": []}
    nfe = []
    for seg in segments:
        if hasattr(surrogate, "forecast"):
            x, n = surrogate.forecast(seg.t, seg.x[0])
            nfe.append(n)
        else:
            x = surrogate.predict(seg.t, seg.x[0])
        facts["forecasts"].append(x)
    if nfe:
        facts["nfe_per_forecast"] = float(np.mean(nfe))
    if hasattr(surrogate, "facts"):
        facts.update(surrogate.facts())
    return facts


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    """Merge candidates with identical formulas, keeping the first and noting the others' routes."""
    seen: dict[tuple, Candidate] = {}
    for c in candidates:
        k = c.key()
        if k in seen:
            seen[k].settings.setdefault("also_found_by", []).append(c.method)
        else:
            seen[k] = c
    return list(seen.values())
