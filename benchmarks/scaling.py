"""The scaling curve of a default run: seconds against the number of variables and of samples.

Each system has exactly one non-polynomial term, so that SINDy alone does not explain the data and
the escalation (the rational stage ``sindy_pi``, then symbolic regression) runs: the first state is
a substrate with constant supply and Michaelis-Menten uptake, ``x1' = J - V·x1/(K + x1)``, and each
further state is fed linearly by the one before it, ``xk' = c_k·x(k-1) - d_k·xk`` (a linear
cascade). The constants are drawn by a seeded generator (``--seed``), so a row is reproducible.

Each case is a default fit (``discover.Discoverer().fit``, methods ``auto``, as ``discover run``
without the report) in its own process, capped at ``--cap`` seconds of wall time (a case past its
cap is printed as such, not waited for). The table: variables, samples, wall seconds of the whole
fit and in ``sindy_pi`` (as the run records its stages), CPU seconds of the fit's process and of
``sindy_pi`` alone (on a loaded machine wall seconds grow with the load, CPU seconds far less),
and whether the selected model has the exact structure of the truth
(:func:`discover.core.structure.compare`). ``--methods sindy_pi`` times the rational stage alone.

Cases: ``--vars`` (numbers of variables, at ``--var-samples`` samples each) and ``--samples``
(numbers of samples, on the ``--sample-vars``-variable system). Data: 1% noise, six
trajectories of equal length from initial states drawn in a wide box (with three, a degree-2
polynomial in the other states of the cascade imitates the saturating term well enough that the
run does not escalate, and the benchmark would time SINDy alone). The machine may be shared: its load average is printed.

Run: nice -n 10 .venv/bin/python benchmarks/scaling.py [--vars 1,2,3,5,8,10] [--samples 1e3,1e4,1e5]
     [--var-samples 2000] [--sample-vars 2] [--cap 900] [--out benchmarks/results/scaling.md]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

CHILD = """
import json, sys, time
import numpy as np
from discover import Discoverer
from discover.core.structure import compare
from discover.systems import generate
from discover.systems.system import System

n_vars, samples, seed, trajectories = (int(a) for a in sys.argv[1:5])
methods = sys.argv[5]
import discover.distillers.implicit as implicit
_distill, cpu = implicit.Implicit._distill, []
def timed(self, *a, **k):  # the rational stage's own CPU seconds (wall seconds move with the machine's load)
    c0 = time.process_time(); out = _distill(self, *a, **k); cpu.append(time.process_time() - c0); return out
implicit.Implicit._distill = timed
rng = np.random.default_rng(seed)
names = tuple(f"x{k + 1}" for k in range(n_vars))
rhs, params = ["J - V*x1/(K + x1)"], {"J": 0.6, "V": 1.5, "K": 0.3}
for k in range(1, n_vars):
    c, d = (float(v) for v in np.round(rng.uniform(0.5, 1.5, 2), 2))
    params[f"c{k}"], params[f"d{k}"] = c, d
    rhs.append(f"c{k}*x{k} - d{k}*x{k + 1}")
x0 = tuple([2.0] + [float(v) for v in np.round(rng.uniform(0.2, 1.5, n_vars - 1), 2)])
system = System("cascade", "Michaelis-Menten uptake feeding a linear cascade", names, tuple(rhs), params,
                x0, tuple(0.9 * v for v in x0), t_end=8.0, polynomial=False, positive=True)
data = generate(system, points=samples // trajectories, trajectories=trajectories, noise=0.01, seed=seed)
t0, c0 = time.perf_counter(), time.process_time()
model = Discoverer(methods=methods, random_state=0).fit(data)
total, cpu_total = time.perf_counter() - t0, time.process_time() - c0
r = compare(model.equations_, system.equations())
timings = model.result_.timings
print("SCALING " + json.dumps({"total": total, "sindy_pi": sum(v for k, v in timings.items() if "sindy_pi" in k),
                               "timings": timings, "exact": bool(r["exact"]),
                               "cpu_total": cpu_total, "cpu_sindy_pi": sum(cpu),
                               "equations": {k: str(v) for k, v in model.equations_.items()},
                               "truth": {k: str(v) for k, v in system.equations().items()}}))
"""


def _case(n_vars: int, samples: int, seed: int, trajectories: int, cap: float, methods: str = "auto") -> dict:
    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(n_vars), str(samples), str(seed), str(trajectories), methods], env=ENV,
                              capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return {"vars": n_vars, "samples": samples, "capped": cap, "wall": time.perf_counter() - t0}
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("SCALING ")]
    if done.returncode or not line:
        return {"vars": n_vars, "samples": samples, "error": done.stderr.strip().splitlines()[-1:] or ["no output"]}
    return {"vars": n_vars, "samples": samples, "wall": time.perf_counter() - t0, **json.loads(line[0][8:])}


def _row(r: dict) -> str:
    if "capped" in r:
        return f"| {r['vars']} | {r['samples']:,} | > {r['capped']:.0f} (capped) | ? | ? | ? | ? |"
    if "error" in r:
        return f"| {r['vars']} | {r['samples']:,} | failed: {'; '.join(r['error'])} | | | | |"
    return (f"| {r['vars']} | {r['samples']:,} | {r['total']:.1f} | {r['sindy_pi']:.1f} | {r['cpu_total']:.1f} | "
            f"{r['cpu_sindy_pi']:.1f} | {'yes' if r['exact'] else 'no'} |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vars", default="1,2,3,5,8,10", help="numbers of variables (comma-separated; '' for none)")
    ap.add_argument("--samples", default="1e3,1e4,1e5", help="numbers of samples (comma-separated; '' for none)")
    ap.add_argument("--var-samples", type=int, default=2000, help="samples of the variable sweep")
    ap.add_argument("--sample-vars", type=int, default=2, help="variables of the sample sweep")
    ap.add_argument("--cap", type=float, default=900.0, help="wall seconds allowed per case")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--methods", default="auto", help="the run's --methods (sindy_pi: the rational stage alone)")
    ap.add_argument("--trajectories", type=int, default=6, help="runs from different initial states, of equal length")
    ap.add_argument("--out", help="also write the table (Markdown) here")
    ap.add_argument("--json", help="also write the raw rows (JSON) here")
    args = ap.parse_args(argv)
    cases = [(int(v), args.var_samples) for v in args.vars.split(",") if v.strip()]
    cases += [(args.sample_vars, int(float(s))) for s in args.samples.split(",") if s.strip()]
    rows, lines = [], ["| variables | samples | seconds total | seconds in sindy_pi | CPU s total | CPU s in sindy_pi "
                       "| exact structure |", "|---|---|---|---|---|---|---|"]
    print(f"load average before: {os.getloadavg()}", flush=True)
    for n_vars, samples in dict.fromkeys(cases):
        r = _case(n_vars, samples, args.seed, args.trajectories, args.cap, args.methods)
        r["load"] = os.getloadavg()[0]
        rows.append(r)
        lines.append(_row(r))
        print(lines[-1], f"(load {r['load']:.1f})", flush=True)
    print("\n" + "\n".join(lines))
    for r in rows:
        if "equations" in r and not r["exact"]:
            print(f"\n{r['vars']} variables, {r['samples']} samples: found {r['equations']}, truth {r['truth']}")
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str))


if __name__ == "__main__":
    main()
