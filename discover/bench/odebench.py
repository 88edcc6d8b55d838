"""ODEBench at ODEFormer's protocol: ``discover bench --suite odebench``.

The 63 published systems (:mod:`discover.systems.odebench`; d'Ascoli et al., "ODEFormer",
ICLR 2024) are each simulated from their first initial state at 512 evenly spaced times on
t ∈ [0, 10], as ODEFormer's own solutions are; measurement noise is multiplicative,
x·(1 + σε) with ε standard normal, as in ODEFormer's evaluation (``_create_noise``). Every
method fits the one noisy trajectory and is scored as ODEFormer scores (``evaluate.py`` and
``metrics.py`` of their repository):

- **reconstruction**: the found system simulated from the first clean initial state over the
  same times, against the clean trajectory;
- **generalisation**: simulated from the second published initial state, against the true
  system's trajectory from there;
- both as the variance-weighted R² (scikit-learn's ``multioutput="variance_weighted"``); a
  simulation that fails or blows up (a state beyond 1000 times the true range) scores 0, as
  ODEFormer's NaN predictions do; a run counts as a success above :data:`SUCCESS`;
- beside these, the exact structure after expansion (:func:`discover.core.structure.compare`).

Methods: ``discover`` (the estimator ``discover run`` uses), PySINDy with its defaults and with a
degree-3 library, and the symbolic regression engine (pyoperon) on finite-difference derivatives
(:mod:`discover.bench.baselines`). For discover the row also records the confidence, the reason
it is not higher, and, when the run reports an equivalence set (``RunResult.equivalent``),
whether the true structure is in it. Every row has the wall seconds and the CPU seconds of the
method (this process's time, all its threads): on a machine others share, the wall time
overstates the cost. Tables: :mod:`discover.bench.odebench_report`.
"""

from __future__ import annotations

import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from discover.core.progress import NullProgress

NOISES = (0.0, 0.01, 0.05)
POINTS = 512
T_END = 10.0
SUCCESS = 0.9
DISCOVER = "discover"
PEERS = ("pysindy-default", "pysindy-degree3", "sr-engine")


@dataclass(frozen=True)
class OdeBenchConfig:
    """What to run.

    Attributes
    ----------
    systems : tuple of str, optional
        ODEBench numbers or names (all 63 when empty).
    noises : tuple of float
        σ of the multiplicative noise.
    methods : str
        ``--methods`` of the discover runs.
    peers : tuple of str
        Peers run on the same data (from :data:`PEERS`).
    seed : int
        Seeds the noise (per system and level, whatever order cases run in) and every method.
    jobs : int
        Cases run side by side (Dask worker processes; 1 runs them here, one after another).
    points : int
        Samples of each trajectory (512 in ODEFormer's protocol; smaller for a quick look).
    """

    systems: tuple[str, ...] = ()
    noises: tuple[float, ...] = NOISES
    methods: str = "auto"
    peers: tuple[str, ...] = PEERS
    seed: int = 0
    jobs: int = 1
    points: int = POINTS
    settings: dict = field(default_factory=dict)


def trajectories(bench_system, points: int = POINTS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times and the clean trajectories from the first and second published initial states."""
    from discover.core.errors import ConfigError
    from discover.core.integrate import integrate

    system = bench_system.system
    t = np.linspace(0.0, T_END, points)
    eqs = system.equations()
    x0 = np.asarray(bench_system.initial_states[:2], dtype=float)
    sol = integrate([eqs[v] for v in system.variables], system.symbols, x0, [t, t], max_evals=10**7,
                    rtol=1e-10, atol=1e-10, per_run=False)
    if not sol.ok:
        raise ConfigError(f"Simulating {system.name} failed ({sol.message}).")
    return t, sol.x[0], sol.x[1]


def add_noise(x: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """ODEFormer's multiplicative noise: x·(1 + σε), ε standard normal."""
    return x * (1.0 + sigma * rng.standard_normal(x.shape)) if sigma > 0 else x.copy()


def case_rng(seed: int, system_id: int, sigma: float) -> np.random.Generator:
    return np.random.default_rng([seed, system_id, int(round(sigma * 1e6))])


def r2_weighted(truth: np.ndarray, predicted: np.ndarray | None) -> float:
    """Variance-weighted R² over the variables (1 - Σ SS_res / Σ SS_tot); 0 for a failed prediction."""
    if predicted is None or not np.all(np.isfinite(predicted)):
        return 0.0
    resid = float(((predicted - truth) ** 2).sum())
    total = float(((truth - truth.mean(axis=0)) ** 2).sum())
    return 1.0 - resid / total if total > 0 else (1.0 if resid == 0 else 0.0)


def simulate(found: dict, system, x0: np.ndarray, t: np.ndarray, truth: np.ndarray) -> np.ndarray | None:
    """The found system simulated from ``x0``; None if it fails or leaves 1000× the true range."""
    from discover.core.integrate import integrate

    try:
        exprs = [sp.Integer(0) if found.get(v) is None else found[v] for v in system.variables]
        sol = integrate(exprs, system.symbols, x0[None, :], [t], bound=1e3 * (np.abs(truth).max() + 1),
                        max_evals=200_000)
    except Exception:  # an expression the integrator cannot compile counts as a failed prediction
        return None
    return sol.x[0] if sol.ok else None


def score(found: dict | None, bench_system, t, clean_fit, clean_gen) -> dict:
    """Exact structure, F1 of terms, reconstruction and generalisation R² of one found system."""
    from discover.core.structure import compare

    system = bench_system.system
    if not found:
        return {"exact": False, "f1": 0.0, "r2_rec": 0.0, "r2_gen": 0.0, "equations": ""}
    c = compare(found, system.equations())
    x_gen0 = np.asarray(bench_system.initial_states[1], dtype=float)
    return {
        "exact": c["exact"],
        "f1": c["f1"],
        "r2_rec": r2_weighted(clean_fit, simulate(found, system, clean_fit[0], t, clean_fit)),
        "r2_gen": r2_weighted(clean_gen, simulate(found, system, x_gen0, t, clean_gen)),
        "equations": "; ".join(f"d{v}/dt = {sp.sstr(found.get(v, 0))}" for v in system.variables),
    }


def _equivalent_holds_truth(result, truth: dict) -> bool | None:
    """Whether the run's equivalence set holds the true structure; None if the run reports no set."""
    from discover.core.errors import DiscoverError
    from discover.core.expressions import parse_expression
    from discover.core.structure import compare

    members = getattr(result, "equivalent", None)
    if members is None:
        return None
    table = {str(v): v for e in truth.values() for v in e.free_symbols} | {str(v): sp.Symbol(str(v)) for v in truth}
    for m in members:
        m = getattr(m, "candidate", m)  # RunResult.equivalent holds Alternative(candidate, ...)
        eqs = m.get("equations") if isinstance(m, dict) else getattr(m, "equations", None)
        if not eqs:
            continue
        try:  # entries written as text (as in equations.json) are read with the restricted parser
            eqs = {str(v): parse_expression(e, table, "an equivalent structure") if isinstance(e, str) else e
                   for v, e in dict(eqs).items()}
        except DiscoverError:
            continue
        if compare(eqs, truth)["exact"]:
            return True
    return False


def _discover(data, cfg: OdeBenchConfig, truth: dict) -> tuple[dict | None, dict]:
    from discover.pipeline.estimator import Discoverer

    model = Discoverer(methods=cfg.methods, random_state=cfg.seed, settings=cfg.settings or None).fit(data)
    result = model.result_
    members = getattr(result, "equivalent", None)
    extra = {"confidence": model.confidence_, "deciding": getattr(result, "deciding", None) or "",
             "equivalent": None if members is None else len(members),
             "truth_in_equivalent": _equivalent_holds_truth(result, truth)}
    return (model.equations_ or None), extra


def _peer(name: str, data, cfg: OdeBenchConfig) -> dict | None:
    from discover.bench import baselines

    if name == "pysindy-default":
        return baselines.pysindy_default(data)
    if name == "pysindy-degree3":
        return baselines.pysindy_polynomial(data, degree=3)
    if name == "sr-engine":
        return baselines.sr_engine(data, seed=cfg.seed, threads=1 if cfg.jobs > 1 else 2)
    raise ValueError(name)


def run_case(bench_system, sigma: float, cfg: OdeBenchConfig) -> list[dict]:
    """Every method on one system at one noise level; one row of scores per method."""
    from discover.data.dataset import Dataset, Trajectory

    system = bench_system.system
    t, clean_fit, clean_gen = trajectories(bench_system, cfg.points)
    x = add_noise(clean_fit, sigma, case_rng(cfg.seed, bench_system.id, sigma))
    data = Dataset((Trajectory(t, x, label="0"),), system.variables, time_name="t",
                   meta={"system": system.name, "noise": sigma})
    truth = system.equations()
    rows = []
    for method in (DISCOVER, *cfg.peers):
        row = {"id": bench_system.id, "system": system.name, "dim": len(system.variables), "noise": sigma,
               "method": method}
        extra, error = {}, ""
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if method == DISCOVER:
                    found, extra = _discover(data, cfg, truth)
                else:
                    found = _peer(method, data, cfg)
        except Exception as exc:  # a method that fails on a case scores nothing; the bench goes on
            found = None
            error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            if not hasattr(exc, "exit_code"):  # not one of discover's own refusals: keep where it came from
                error += " @ " + traceback.extract_tb(exc.__traceback__)[-1].name
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        row.update(score(found, bench_system, t, clean_fit, clean_gen))
        row.update({"confidence": extra.get("confidence"), "deciding": extra.get("deciding", ""),
                    "equivalent": extra.get("equivalent"), "truth_in_equivalent": extra.get("truth_in_equivalent"),
                    "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "error": error})
        rows.append(row)
    return rows


def run_odebench(cfg: OdeBenchConfig, progress=None, on_rows=None) -> list[dict]:
    """Run every (system, noise) case; return the rows in ODEBench order.

    ``on_rows`` is called with all rows so far after each case (to write partial results)."""
    from discover.systems.odebench import load, select

    systems = select(load(), cfg.systems or None)
    cases = [(s, sigma) for sigma in cfg.noises for s in systems]
    progress = progress or NullProgress()
    done: list[dict] = []
    with progress.task(f"ODEBench: {len(systems)} systems × {len(cfg.noises)} noise levels", total=len(cases)) as task:
        if cfg.jobs <= 1:
            for s, sigma in cases:
                task.update(f"ODEBench system {s.id}, σ = {sigma:g}")
                done += run_case(s, sigma, cfg)
                task.advance()
                if on_rows:
                    on_rows(_ordered(done))
        else:
            import logging

            from distributed import Client, LocalCluster, as_completed

            with LocalCluster(n_workers=cfg.jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                              silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
                futures = [client.submit(run_case, s, sigma, cfg, pure=False) for s, sigma in cases]
                for fut in as_completed(futures):
                    done += fut.result()
                    task.advance()
                    if on_rows:
                        on_rows(_ordered(done))
    return _ordered(done)


def _ordered(rows: list[dict]) -> list[dict]:
    order = {m: i for i, m in enumerate((DISCOVER, *PEERS))}
    return sorted(rows, key=lambda r: (r["noise"], r["id"], order.get(r["method"], 99)))


def run_suite(systems: str, noises: str, methods: str, points: int | None, seed: int, jobs: int, out_dir,
              progress=None):
    """``discover bench --suite odebench``: check the options, run, write the tables as cases finish.

    Returns the path of ``odebench.md`` in ``out_dir``.

    Raises
    ------
    ConfigError
        An option is not usable (one sentence naming it), before anything runs.
    """
    from discover.bench.odebench_report import write_results
    from discover.bench.recovery import parse_list, parse_noises
    from discover.core.errors import ConfigError
    from discover.pipeline.plan import build_plan
    from discover.systems.odebench import load, select

    names = () if systems.strip() == "all" else parse_list(systems, "systems")
    select(load(), names or None)
    sigmas = parse_noises(noises)
    if "," in methods:
        raise ConfigError("`--methods` on ODEBench takes one value (such as auto); run the suite again for another.")
    build_plan(methods)
    if points is not None and points < 20:
        raise ConfigError(f"`--points` is {points}; give at least 20 samples per trajectory.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ConfigError(f"`--jobs` is {jobs}; give a whole number of at least 1.")
    cfg = OdeBenchConfig(systems=names, noises=sigmas, methods=methods.strip(), seed=seed, jobs=jobs,
                         points=points or POINTS)
    title = f"ODEBench, σ = {', '.join(f'{s:g}' for s in sigmas)}"
    rows = run_odebench(cfg, progress, on_rows=lambda rs: write_results(rs, out_dir, title + " (partial)"))
    return write_results(rows, out_dir, title)
