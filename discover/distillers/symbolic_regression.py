"""Symbolic regression distiller: formulas searched, not chosen from a library.

One expression per state variable is searched by genetic programming over + - * /, sin,
cos, exp and log with constants optimised (pyoperon by default; Burlacu, Kronberger &
Kommenda, "Operon C++", GECCO 2020; PySR, Cranmer 2023, where Julia exists). Each
variable's Pareto front of complexity against error is cleaned (:mod:`discover.distillers.clean`)
and system candidates are assembled from it at a few accuracy tolerances, so selection sees
the simple and the accurate ends of the front.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from discover.core import budget
from discover.core.candidates import Candidate, expression_key, tidy
from discover.core.errors import ConfigError, DiscoverError, shown
from discover.core.firewall import contained
from discover.core.registry import setting, settings_from
from discover.core.structure import complexity
from discover.data.samples import Samples
from discover.distillers.base import BaseDistiller, register
from discover.distillers.clean import clean, mse, read, simpler_structure
from discover.distillers.nls import refit_candidate
from discover.distillers.sr_engines import EngineSettings, check_engine, engine_usable, get_engine


@dataclass(frozen=True)
class SRConfig:
    """Search settings of the symbolic regression distiller.

    Attributes
    ----------
    engine : {"operon", "pysr"}
    operators : tuple of str
        Unary operators beside + - * / (``sin``, ``cos``, ``exp``, ``log``).
    generations, population_size, max_length : search size per variable.
    max_time : int, optional
        Seconds per variable at most. Off by default: a wall-clock limit makes the result
        depend on how busy the machine is, and the same seed must give the same equations.
    stall_generations : int, optional
        End a variable's search once its Pareto front (best error at each formula length) has
        not improved for this many generations; ``None`` (default) scales it with the budget,
        ``max(5, generations // 3)``; 0 runs every generation of the budget. (A fifth of the
        budget lost Michaelis-Menten at 1% noise: its front paused 11 generations before the
        rational form came.) The stop depends on generations only, never on the clock, so
        the same seed gives the same formulas.
    max_rows : int
        Samples used for the search (evenly subsampled beyond this).
    tolerances : tuple of float
        Relative error increases over each variable's best formula at which the simplest
        formula is taken to build system candidates.
    """

    engine: str = "operon"
    operators: tuple[str, ...] = setting(("sin", "cos", "exp", "log"), choices=("sin", "cos", "exp", "log"))
    generations: int = setting(50, bounds=(1, 100_000))
    population_size: int = setting(300, bounds=(1, 100_000))
    max_length: int = setting(25, bounds=(1, 500))
    max_time: int | None = setting(None, bounds=(1, 7 * 24 * 3600), whole=True)
    max_evaluations: int = setting(300_000, bounds=(1, 10**10))
    stall_generations: int | None = setting(None, bounds=(0, 100_000), whole=True)
    max_rows: int = setting(1500, bounds=(10, 10_000_000))
    tolerances: tuple[float, ...] = setting((0.0, 0.02, 0.1, 0.5), bounds=(0.0, 1000.0), nonempty=True)

    def __post_init__(self):
        stall = self.stall_generations
        if stall is not None and (isinstance(stall, bool) or not isinstance(stall, int) or stall < 0):
            raise ConfigError(f"Setting 'stall_generations' in the [sr] table must be a whole number of 0 or more "
                              f"(0 runs the whole budget), not {shown(repr(stall))}.")


def stall_window(cfg: SRConfig) -> int:
    """Generations without progress that end a search: ``stall_generations``, or by default
    a third of the budget (at least 5); 0 when the stop is off."""
    if cfg.stall_generations is None:
        return max(5, cfg.generations // 3)
    return max(0, int(cfg.stall_generations))


def _knee(raw, symbols, X, y, gain: float = 0.05, keep: int = 8) -> list:
    """The raw front up to where extra complexity stops paying: each kept formula must cut
    the error of the previous one by ``gain`` (relative); at most ``keep`` formulas.

    ``raw`` holds the engine's ``(text, complexity)`` pairs on the internal names ``x0, x1, ...``;
    the formulas kept are returned as expressions on ``symbols``."""
    out, last = [], np.inf
    for text, _ in sorted(raw, key=lambda r: r[1]):
        expr = read(text, symbols)
        if expr is None:
            continue
        err = mse(expr, symbols, X, y)
        if err < last * (1 - gain):
            out.append(expr)
            last = err
        if len(out) >= keep:
            break
    return out


@register
class SymbolicRegression(BaseDistiller):
    """Symbolic regression per state variable, cleaned and assembled into systems.

    Parameters
    ----------
    settings : SRConfig or dict, optional
    random_state : int
    device : str
        Unused (the engines run on the CPU).

    Attributes
    ----------
    candidates_ : list of Candidate
    fronts_ : dict of str to list of dict
        Per variable, the cleaned Pareto front: ``expr``, ``complexity``, ``mse``.
    searches_ : dict of str to dict
        Per variable, what its search used: ``seconds``, ``generations``, ``evaluations``,
        ``stopped_early`` (the embedded engine; PySR reports ``seconds`` only).
    """

    name = "sr"
    Settings = SRConfig

    @classmethod
    def unavailable(cls, settings) -> str | None:
        engine = settings_from(SRConfig, settings, cls.name).engine
        check_engine(engine, required=False)
        if engine_usable(engine):
            return None
        try:
            get_engine(engine)
        except DiscoverError as exc:
            return str(exc)
        return f"The symbolic regression engine '{engine}' cannot run here; use `--sr-engine operon`."

    def _distill(self, samples: Samples, rng: np.random.Generator) -> list[Candidate]:
        cfg = self.settings_
        engine = get_engine(cfg.engine)
        V, variables = samples.variables()  # measured inputs are variables of the search, with no equation
        n = V.shape[0]
        rows = np.unique(np.linspace(0, n - 1, min(n, cfg.max_rows)).astype(int))
        X, Y = V[rows], samples.derivatives[rows]
        settings = EngineSettings(cfg.operators, cfg.generations, cfg.population_size, cfg.max_length,
                                  cfg.max_time, cfg.max_evaluations, max(1, min(2, os.cpu_count() or 1)),
                                  stall_window(cfg))
        seed = int(rng.integers(0, 2**31 - 1))
        self.fronts_, self.searches_ = {}, {}
        symbols = [sp.Symbol(v) for v in variables]
        # The engines see internal names only: a column name is a label, never part of a formula's text.
        internal = [f"x{i}" for i in range(len(variables))]
        for j, name in enumerate(samples.names):
            stats, t0 = {}, time.perf_counter()
            # the time budget (discover.core.budget): each equation's search gets an equal part of what is
            # left and returns its front when the part is spent
            with budget.active(budget.current().part(len(samples.names) - j)):
                found_raw = engine(X, Y[:, j], internal, settings, seed + j, stats=stats)
            self.searches_[name] = {"seconds": round(time.perf_counter() - t0, 3), **stats}
            raw = _knee(found_raw, symbols, X, Y[:, j])
            front, seen = [], set()
            for found in raw:
                try:
                    expr = clean(found, symbols, X, Y[:, j])
                except (ArithmeticError, KeyError, TypeError, ValueError, RecursionError):
                    # an engine's formula sympy cannot print or evaluate (complex infinity, a
                    # power too deep): that formula is skipped, the rest of the front stays
                    expr = None
                if expr is None:
                    continue
                # the formula as found, and beside it (never in its place) the structure with its
                # exponents and inner constants near integers made integers, coefficients refitted
                # (x**2.0003 as x**2): a hypothesis about the structure the front and held-out data judge
                simpler = simpler_structure(expr, symbols, X, Y[:, j])
                for expr in [expr] + ([simpler] if simpler is not None else []):
                    expr = tidy(expr)
                    key = expression_key(expr)
                    if key in seen:
                        continue
                    seen.add(key)
                    error = mse(expr, symbols, X, Y[:, j])
                    front.append({"expr": expr, "complexity": complexity(expr), "mse": error, "raw": found})
            if not front:
                return []
            self.fronts_[name] = sorted(front, key=lambda e: (e["complexity"], e["mse"]))
        out = self._assemble(samples.names, Y, cfg.tolerances)
        # constants inside the found functions (rates, phases, exponents) refitted on the data
        refits = []
        for c in out:
            if budget.expired():
                break  # the refits are extras beside the search's own candidates
            # a refit that sympy cannot carry out (a formula holding complex infinity, ODEBench 33 and 62
            # at 5% noise) loses that refit only, not the search's candidates
            r, _ = contained(lambda c=c: refit_candidate(c, samples), "refitting a symbolic regression formula")
            if r is not None:
                refits.append(r)
        return out + refits

    def _assemble(self, names, Y, tolerances) -> list[Candidate]:
        out, seen = [], set()
        for tol in tolerances:
            eqs = {}
            for j, name in enumerate(names):
                front = self.fronts_[name]
                floor = 1e-6 * float(np.var(Y[:, j]))
                best = min(e["mse"] for e in front)
                ok = [e for e in front if e["mse"] <= best * (1 + tol) + floor]
                eqs[name] = min(ok, key=lambda e: (e["complexity"], e["mse"]))["expr"]
            key = tuple(sp.srepr(eqs[n]) for n in names)
            if key not in seen:
                seen.add(key)
                out.append(Candidate(eqs, self.name, {"engine": self.settings_.engine,
                                                      "tolerance": tol}))
        return out
