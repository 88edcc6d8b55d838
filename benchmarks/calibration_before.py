"""The confidence of the code *before* issue 18, calibrated on exactly the data ``discover bench`` makes.

The bench before the trust merge (21ae4cd) recorded no confidence, but the old pipeline did compute one
(``Discoverer.confidence_``). This script measures it in three steps, each in its own process so that
the old and the new code never share an interpreter:

1. ``generate DIR`` (current code): the bench's data, case by case (same systems, seeds, noise,
   points and trajectories as ``discover bench``), saved as ``DIR/<system>-<noise>.npz``. The
   saturating systems did not exist in the old catalog; their data are made here all the same.
2. ``fit DIR`` (run with ``PYTHONPATH`` set to a checkout of the old code, e.g. ``21ae4cd^1``): the
   old ``Discoverer(methods="auto", random_state=0)`` on each case; its equations and confidence
   are pickled beside the data (our own files, read back only by step 3).
3. ``score DIR`` (current code): each old result scored against the truth as the bench scores a run
   (exact structure, F1, R² from a new initial state) and the calibration table printed.

Usage (from the repository root)::

    PYTHONPATH=$PWD python benchmarks/calibration_before.py generate runs/before --systems lorenz,... --noise 0,0.05
    PYTHONPATH=/path/to/old python benchmarks/calibration_before.py fit runs/before
    PYTHONPATH=$PWD python benchmarks/calibration_before.py score runs/before > benchmarks/results/calibration-before.md
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np

SEED, POINTS, TRAJECTORIES = 0, 2000, 3  # discover bench's defaults (discover.bench.recovery.BenchConfig)


def _case(system: str, noise: float) -> str:
    return f"{system}-{noise:g}"


def generate(out: Path, systems, noises) -> None:
    """The bench's noisy data for every case, one ``.npz`` each (current code)."""
    from discover.systems import generate as make
    from discover.systems import get_system

    out.mkdir(parents=True, exist_ok=True)
    for name in systems:
        system = get_system(name)
        for noise in noises:
            data = make(system, noise=noise, points=POINTS, trajectories=TRAJECTORIES, seed=SEED)
            arrays = {f"t{i}": tr.t for i, tr in enumerate(data.trajectories)}
            arrays.update({f"x{i}": tr.x for i, tr in enumerate(data.trajectories)})
            np.savez(out / f"{_case(name, noise)}.npz", names=np.array(data.names), system=name, noise=noise,
                     **arrays)


def fit(out: Path) -> None:
    """The old pipeline on every case not fitted yet (run with the old code on ``PYTHONPATH``)."""
    from discover.data.dataset import Dataset, Trajectory
    from discover.pipeline.estimator import Discoverer

    for path in sorted(out.glob("*.npz"), key=_priority):
        done = path.with_suffix(".old.pkl")
        if done.exists():
            continue
        z = np.load(path)
        n = sum(k.startswith("t") for k in z.files)
        data = Dataset(tuple(Trajectory(z[f"t{i}"], z[f"x{i}"], str(i)) for i in range(n)),
                       tuple(str(s) for s in z["names"]))
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = Discoverer(methods="auto", random_state=SEED).fit(data)
                found, level = dict(model.equations_ or {}), model.confidence_
                reasons = list(getattr(model.result_, "reasons", []) or [])
            except Exception as exc:  # an old failure is a result: scored as nothing found
                found, level, reasons = {}, None, [f"failed: {type(exc).__name__}: {exc}"]
        seconds = time.perf_counter() - t0
        done.write_bytes(pickle.dumps({"found": found, "confidence": level, "reasons": reasons, "seconds": seconds}))
        print(f"{path.stem}: {level} ({seconds:.0f} s)", file=sys.stderr, flush=True)


def score(out: Path) -> str:
    """Every fitted case scored as the bench scores a run, and the calibration table (current code)."""

    from discover.bench.calibration import markdown as calibration
    from discover.bench.recovery import score_case
    from discover.systems import generate as make
    from discover.systems import get_system

    rows = []
    for path in sorted(out.glob("*.old.pkl"), key=lambda p: p.name):
        z = np.load(path.with_name(path.name.replace(".old.pkl", ".npz")))
        system, noise = get_system(str(z["system"])), float(z["noise"])
        old = pickle.loads(path.read_bytes())
        syms = {s.name: s for s in system.symbols}
        # the old code may build its symbols with other assumptions: map them onto the system's by name
        found = {v: e.xreplace({s: syms.get(s.name, s) for s in e.free_symbols}) for v, e in old["found"].items()}
        clean = make(system, noise=0.0, points=POINTS, trajectories=TRAJECTORIES, seed=SEED)
        new_x0 = system.initial_states(2, np.random.default_rng(SEED + 1000))[1]
        row = {"system": system.name, "noise": noise, "method": "auto (before #18)"}
        row.update(score_case(found or None, system, clean, new_x0))
        row["confidence"], row["seconds"] = old["confidence"], round(old["seconds"], 1)
        row["reason"] = (old["reasons"] or [""])[0]
        rows.append(row)
    order = {n: i for i, n in enumerate(_ORDER)}
    rows.sort(key=lambda r: (order.get(r["system"], 99), r["noise"]))
    lines = ["| system | noise | exact | F1 | R² new | old confidence | time (s) |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        r2 = r["r2_new"]
        r2 = "—" if r2 != r2 else ("blew up" if r2 == float("-inf") else f"{r2:.3f}")
        lines.append(f"| {r['system']} | {r['noise']:g} | {'yes' if r['exact'] else 'no'} | {r['f1']:.3f} | {r2} | "
                     f"{r['confidence'] or '—'} | {r['seconds']:.0f} |")
    blocks = ["\n".join(lines)]
    saturating = _ORDER[10:] + ["michaelis_menten"]  # the saturating bench's nine: Michaelis-Menten at 1 and 5% too
    for title, names, noises in (("original ten systems", _ORDER[:10], None),
                                 ("saturating nine systems at 1 and 5%", saturating, (0.01, 0.05)),
                                 ("all cases (each once)", _ORDER, None)):
        subset = [r for r in rows if r["system"] in names and (noises is None or r["noise"] in noises)]
        if subset:
            blocks.append(f"Calibration, {title} ({len(subset)} runs):\n\n{calibration(subset)}")
    return "\n\n".join(blocks)


_ORDER = ["lorenz", "rossler", "lotka_volterra", "vanderpol", "duffing", "pendulum", "sir", "logistic", "brusselator",
          "michaelis_menten", "toggle_switch", "repressilator", "goodwin", "rosenzweig_macarthur", "chemostat",
          "sir_saturated", "budworm", "wilson_cowan"]


def _priority(path: Path) -> tuple:
    """The original ten at 0 and 5% first, then the saturating systems, then the rest (if time runs short)."""
    system, noise = path.stem.rsplit("-", 1)
    first = system in _ORDER[:10] and float(noise) in (0.0, 0.05)
    return (not first, system not in _ORDER[10:], _ORDER.index(system) if system in _ORDER else 99, noise)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("step", choices=["generate", "fit", "score"])
    p.add_argument("dir", type=Path)
    p.add_argument("--systems", default=",".join(_ORDER[:10]))
    p.add_argument("--noise", default="0,0.01,0.05")
    a = p.parse_args(argv)
    if a.step == "generate":
        generate(a.dir, a.systems.split(","), [float(v) for v in a.noise.split(",")])
    elif a.step == "fit":
        fit(a.dir)
    else:
        print(score(a.dir))


if __name__ == "__main__":
    main()
