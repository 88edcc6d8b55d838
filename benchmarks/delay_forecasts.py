"""Forecasts from delay measurements: StNN, a dense MLP of the same size, HAVOK, neural ODE, SINDy.

Lotka-Volterra with both states measured, and Lorenz with only x measured, each one run of
evenly sampled data with the 60-80% time block held out (as ``discover run`` does). Prints,
per system, parameters, training seconds, multiply-adds per step and RMSE (in standard
deviations) at the same horizons for every method.

    python benchmarks/delay_forecasts.py [--noise 0.0] [--points 10000] [--systems lotka_volterra,lorenz]
"""

from __future__ import annotations

import argparse

from discover.data.dataset import Dataset
from discover.data.split import split
from discover.delay.compare import run
from discover.systems import generate, get_system

CASES = (("lotka_volterra", None, 40.0), ("lorenz", ("x",), 50.0))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--points", type=int, default=10000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--systems", default="lotka_volterra,lorenz")
    a = p.parse_args()
    for name, states, t_end in CASES:
        if name not in a.systems.split(","):
            continue
        data = generate(get_system(name), points=a.points, noise=a.noise, seed=a.seed, t_end=t_end)
        if states:
            idx = [data.names.index(s) for s in states]
            data = Dataset(tuple(type(t)(t.t, t.x[:, idx], t.label) for t in data.trajectories), states, "t")
        sp_ = split(data)
        out = run(list(sp_.train.trajectories), list(sp_.validation), data.names, seed=a.seed)
        hz = " | ".join(f"RMSE at {h:.3g}" for h in out["horizons"])
        print(f"\n{name}, measured: {', '.join(data.names)}; {out['delays']} delays x {out['spacing']} samples, "
              f"rank {out['rank']}, noise {a.noise:.0%}\n")
        print(f"| method | parameters | training (s) | multiply-adds per step | {hz} | note |")
        print("|---|---|---|---|" + "---|" * len(out["horizons"]) + "---|")
        for r in out["rows"]:
            errs = " | ".join(f"{e:.4f}" for e in r["rmse"])
            print(f"| {r['method']} | {r['parameters'] if r['parameters'] is not None else '—'} | "
                  f"{r['seconds'] if r['seconds'] is not None else '—'} | "
                  f"{r['operations'] if r['operations'] is not None else '—'} | {errs} | {r['note']} |", flush=True)


if __name__ == "__main__":
    main()
