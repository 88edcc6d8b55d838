"""The recovery benchmark behind ``discover bench``: generated data in, scores against truth out.

For each reference system and noise level, data are generated, each method runs through
the same estimator ``discover run`` uses, and the result is scored against the true
equations: exact structure, term precision/recall/F1, median relative coefficient error,
R² of the simulated model from a training initial state and from a new one, the confidence the
run gave, and time; under the table, the calibration of that confidence
(:mod:`discover.bench.calibration`).
PySINDy with its default settings runs on the same data as a baseline.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import sympy as sp

from discover.bench.calibration import markdown as markdown_calibration
from discover.core.errors import ConfigError
from discover.core.integrate import integrate
from discover.core.metrics import r2
from discover.core.progress import NullProgress
from discover.core.structure import compare
from discover.systems import SYSTEMS, System, generate, get_system

BASELINE = "pysindy-default"


@dataclass(frozen=True)
class BenchConfig:
    """What to run.

    Attributes
    ----------
    systems : tuple of str
    noises : tuple of float
    methods : tuple of str
        ``--methods`` values of ``discover run`` (each one row); the baseline is added.
    trajectories, points, seed : data generated for every case.
    """

    systems: tuple[str, ...] = tuple(SYSTEMS)
    noises: tuple[float, ...] = (0.0, 0.01, 0.05)
    methods: tuple[str, ...] = ("auto",)
    trajectories: int = 3
    points: int = 2000
    seed: int = 0


def parse_list(text: str, kind: str) -> tuple[str, ...]:
    items = tuple(i.strip() for i in text.split(",") if i.strip())
    if not items:
        raise ConfigError(f"`--{kind}` is empty; give a comma-separated list.")
    return items


def parse_noises(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in parse_list(text, "noise"))
    except ValueError:
        raise ConfigError(f"`--noise` must be comma-separated numbers such as 0,0.01,0.05, not '{text}'.") from None
    if not all(0 <= v <= 10 for v in values):  # NaN fails too
        raise ConfigError(f"`--noise` values must be numbers from 0 to 10 (fractions of each variable's spread), "
                          f"not '{text}'.")
    return values


def simulated_r2(found: dict, truth: dict, system: System, x0: np.ndarray, t: np.ndarray) -> float:
    """R² over variables of the found model simulated from ``x0`` against the true model."""
    syms = system.symbols
    ref = integrate([truth[v] for v in system.variables], syms, x0[None, :], [t], rtol=1e-8, atol=1e-10,
                    max_evals=10**6)
    sim = integrate([found[v] for v in system.variables], syms, x0[None, :], [t],
                    bound=1e3 * (np.abs(ref.x[0]).max() + 1), max_evals=10**6)
    if not ref.ok:
        return float("nan")
    if not sim.ok:
        return float("-inf")  # the found model blew up where the true one did not
    return r2(ref.x[0], sim.x[0])


def score_case(found: dict | None, system: System, clean, new_x0) -> dict:
    """Scores of one found system (None when the method returned nothing); for a driven system
    ``new_x0`` is a new clean run (its own state and input)."""
    truth = system.equations()
    if not found:
        return {"exact": False, "precision": 0.0, "recall": 0.0, "f1": 0.0, "coef_error": float("nan"),
                "r2_train": float("nan"), "r2_new": float("nan"), "equations": ""}
    r = compare(found, truth)
    tr = clean.trajectories[0]
    if system.inputs:  # driven: simulated under a training run's input, and from a new state under a chirp
        from discover.bench.sindyc import driven_r2

        r2_train, r2_new = driven_r2(found, truth, system, tr), driven_r2(found, truth, system, new_x0)
    else:
        r2_train, r2_new = (simulated_r2(found, truth, system, tr.x[0], tr.t),
                            simulated_r2(found, truth, system, new_x0, tr.t))
    return {
        "exact": r["exact"],
        "precision": r["precision"],
        "recall": r["recall"],
        "f1": r["f1"],
        "coef_error": r["coef_error"],
        "r2_train": r2_train,
        "r2_new": r2_new,
        "equations": "; ".join(f"d{v}={sp.sstr(found[v])}" for v in system.variables),
    }


def run_benchmark(config: BenchConfig, progress=None) -> list[dict]:
    """Run every (system, noise, method) case; return one row of scores per case."""
    from discover.bench.baselines import pysindy_default
    from discover.pipeline.estimator import Discoverer

    systems = [get_system(s) for s in config.systems]
    progress = progress or NullProgress()
    rows = []
    total = len(systems) * len(config.noises) * (len(config.methods) + 1)
    with progress.task("benchmark", total=total) as task:
        for system in systems:
            rng = np.random.default_rng(config.seed + 1000)
            new_x0 = system.initial_states(2, rng)[1]
            if system.inputs:
                from discover.bench.sindyc import PEER, new_driven_run, pysindy_sindyc

                new_x0 = new_driven_run(system, config.seed + 1000, config.points, new_x0)
            for noise in config.noises:
                kw = dict(points=config.points, trajectories=config.trajectories, seed=config.seed)
                data = generate(system, noise=noise, **kw)
                clean = generate(system, noise=0.0, **kw)  # same initial states and times
                for method in (*config.methods, PEER if system.inputs else BASELINE):
                    task.update(f"{system.name}, noise {noise:g}, {method}")
                    t0 = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        if method == BASELINE:
                            found = pysindy_default(data)
                        elif system.inputs and method == PEER:
                            found = pysindy_sindyc(data)
                        else:
                            model = Discoverer(methods=method, random_state=config.seed).fit(data)
                            found = model.equations_ or None
                    elapsed = time.perf_counter() - t0
                    row = {"system": system.name, "noise": noise, "method": method}
                    row.update(score_case(found, system, clean, new_x0))
                    row["confidence"] = None if method == BASELINE else model.confidence_
                    row["seconds"] = round(elapsed, 2)
                    rows.append(row)
                    task.advance()
    return rows


def markdown_table(rows: list[dict]) -> str:
    def f(v, pct=False):
        if isinstance(v, float) and v != v:
            return "—"
        if v == float("-inf"):
            return "blew up"
        return f"{v:.1%}" if pct else f"{v:.3f}"

    lines = ["| system | noise | method | exact | F1 | coef. error | R² train | R² new | confidence | time (s) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['system']} | {r['noise']:g} | {r['method']} | {'yes' if r['exact'] else 'no'} | {f(r['f1'])} | "
            f"{f(r['coef_error'], pct=True) if r['exact'] or r['recall'] > 0 else '—'} | {f(r['r2_train'])} | "
            f"{f(r['r2_new'])} | {r.get('confidence') or '—'} | {r['seconds']:.1f} |"
        )
    summary = {}
    for r in rows:
        s = summary.setdefault(r["method"], [0, 0, 0.0])
        s[0] += 1
        s[1] += int(r["exact"])
        s[2] += r["seconds"]
    lines.append("")
    lines.append("| method | exact structures | total time (s) |")
    lines.append("|---|---|---|")
    for m, (n, k, sec) in summary.items():
        lines.append(f"| {m} | {k}/{n} | {sec:.0f} |")
    lines += ["", markdown_calibration(rows)]
    return "\n".join(lines)


RESULT_FILES = ("bench.csv", "bench.json", "bench.md")


def check_results_out(out_dir, force: bool = False) -> None:
    """Refuse, before any work, an ``out_dir`` whose result files exist (unless ``force``: then they are
    moved aside), or that is a file (see :mod:`discover.core.outfile`)."""
    from pathlib import Path

    from discover.core.errors import OutDirError
    from discover.core.outfile import check_out_file

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutDirError(f"`--out` '{out}' is a file; give a folder for bench.md, bench.csv and bench.json.")
    for name in RESULT_FILES:
        check_out_file(out / name, force, "`--out`")


def write_results(rows: list[dict], out_dir, force: bool = False) -> None:
    """``bench.csv``, ``bench.json`` and ``bench.md`` in ``out_dir``; earlier ones only replaced with
    ``force`` (moved aside, never deleted)."""
    import json
    from pathlib import Path

    import pandas as pd

    from discover.core.outfile import write_out_file

    out = Path(out_dir)
    check_results_out(out, force)
    write_out_file(out / "bench.csv", lambda p: pd.DataFrame(rows).to_csv(p, index=False), force, "`--out`")
    write_out_file(out / "bench.json", lambda p: p.write_text(json.dumps(rows, indent=2, default=float) + "\n"), force,
                   "`--out`")
    write_out_file(out / "bench.md", lambda p: p.write_text(markdown_table(rows) + "\n"), force, "`--out`")
