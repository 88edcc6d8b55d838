"""Both cores for symbolic regression: pyoperon's own threads or one search per core?

The `sr` distiller runs one search per state variable, one after the other, each with
``n_threads=2`` (pyoperon's taskflow workers). The alternative is the variables' searches
side by side, one thread each (pyoperon releases the GIL while it runs, so Python threads
suffice). This times both layouts, and one thread alone, on the chemostat's two variables
(2,000-sample runs, 1% noise, 20 generations, no early stop), interleaved over repeats, and
checks that every layout gives the same fronts (each search is seeded on its own).
Derivatives are central differences: enough for timing, not for science.
Run on an otherwise idle machine: .venv/bin/python benchmarks/sr_threads.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from discover.distillers.sr_engines import EngineSettings, fit_operon
from discover.systems import generate, get_system


def samples(rows: int = 1500):
    data = generate(get_system("chemostat"), points=2000, trajectories=3, noise=0.01, seed=0)
    X = np.vstack([tr.x[1:-1] for tr in data.trajectories])
    Y = np.vstack([(tr.x[2:] - tr.x[:-2]) / (tr.t[2:] - tr.t[:-2])[:, None] for tr in data.trajectories])
    keep = np.unique(np.linspace(0, len(X) - 1, rows).astype(int))
    return X[keep], Y[keep]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--generations", type=int, default=20)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    X, Y = samples()

    def one(j, threads):
        settings = EngineSettings(("sin", "cos", "exp", "log"), args.generations, 300, 25, None, 300_000, threads, 0)
        return fit_operon(X, Y[:, j], ["x0", "x1"], settings, 11 + j)

    def side_by_side():
        with ThreadPoolExecutor(2) as pool:
            return list(pool.map(lambda j: one(j, 1), range(2)))

    layouts = {"one after the other, 2 threads each (today)": lambda: [one(j, 2) for j in range(2)],
               "side by side, 1 thread each": side_by_side,
               "one after the other, 1 thread": lambda: [one(j, 1) for j in range(2)]}
    walls, fronts = {k: [] for k in layouts}, []
    for _ in range(args.repeats):
        for name, run in layouts.items():
            t0, c0 = time.perf_counter(), time.process_time()
            fronts.append(run())
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            walls[name].append((wall, cpu))
    print("| layout | median wall (s) | median CPU (s) | CPU% |")
    print("|---|---|---|---|")
    for name, v in walls.items():
        w, c = float(np.median([x[0] for x in v])), float(np.median([x[1] for x in v]))
        print(f"| {name} | {w:.1f} | {c:.1f} | {c / w:.0%} |")
    print(f"\nsame fronts in every layout: {all(f == fronts[0] for f in fronts)}")


if __name__ == "__main__":
    main()
