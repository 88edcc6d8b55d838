"""Cost of symbolic regression per variable: wall time, CPU use, generations run.

Runs ``discover``'s estimator on generated data (as ``discover bench`` does: 3 runs of 2,000
samples, seed 0) and times every search of the embedded engine (one per state variable),
reading how many generations and evaluations it used. Prints a Markdown table and, with
``--json``, writes the rows. CPU% is the process's CPU time over the search's wall time (200%
is both cores busy on a 2-core machine).
Run: .venv/bin/python benchmarks/sr_cost.py --systems pendulum,michaelis_menten --noise 0,0.01
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import discover
from discover.core.structure import compare
from discover.distillers import sr_engines
from discover.systems import generate, get_system

CALLS: list[dict] = []


def _timed(engine):
    def wrapper(X, y, names, settings, seed, stats=None):
        stats = {} if stats is None else stats
        t0, c0 = time.perf_counter(), time.process_time()
        out = engine(X, y, names, settings, seed, stats=stats)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        CALLS.append({"seconds": wall, "cpu": cpu / wall if wall else 0.0, **stats})
        return out
    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--systems", default="pendulum,michaelis_menten,chemostat,budworm")
    ap.add_argument("--noise", default="0,0.01")
    ap.add_argument("--methods", default="sr,auto")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stall", type=int, default=None,
                    help="[sr] stall_generations (default: the distiller's own; 0 runs every generation)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    sr_engines.fit_operon = _timed(sr_engines.fit_operon)
    rows = []
    print("| system | noise | method | exact | total (s) | SR searches: s / CPU% / generations | equations |")
    print("|---|---|---|---|---|---|---|")
    for name in args.systems.split(","):
        system = get_system(name)
        for noise in (float(v) for v in args.noise.split(",")):
            data = generate(system, points=2000, trajectories=3, noise=noise, seed=args.seed)
            for method in args.methods.split(","):
                CALLS.clear()
                t0 = time.perf_counter()
                settings = None if args.stall is None else {"sr": {"stall_generations": args.stall}}
                model = discover.Discoverer(methods=method, random_state=args.seed, settings=settings).fit(data)
                total = time.perf_counter() - t0
                found = model.equations_ or None
                exact = bool(found) and compare(found, system.equations())["exact"]
                eqs = "; ".join(model.best_.strings().values()) if model.best_ else "none"
                calls = " ; ".join(f"{c['seconds']:.1f} / {c['cpu']:.0%} / {c['generations']}" for c in CALLS) or "—"
                print(f"| {name} | {noise:g} | {method} | {'yes' if exact else 'no'} | {total:.1f} | {calls} | `{eqs}` |",
                      flush=True)
                rows.append({"system": name, "noise": noise, "method": method, "exact": exact, "seconds": total,
                             "searches": list(CALLS), "equations": eqs})
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
