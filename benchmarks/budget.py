"""What `--budget` does to a run that escalates: wall time and recovery, default budget and `--budget 20`.

The data: a 5-variable linear cascade whose last state is fed by a saturating (Michaelis-Menten)
term, so that SINDy alone cannot explain it and the escalation (rational search, units, symbolic
regression) runs::

    x1' = -0.5 x1 + 0.3 x2
    x2' = -0.4 x2 + 0.2 x3
    x3' = -0.3 x3 + 0.25 x4
    x4' = -0.6 x4 + 0.2 x5
    x5' = 1 - 1.5 x5 / (0.5 + x5)

four trajectories from seeded random initial states in [0.2, 3], 500 evenly spaced samples each
over 10 time units (2,000 rows), clean. Each run is a whole ``discover run`` process (what a user
waits for); the script prints its wall time, exit status, the stages ``run.json`` records with
their estimates, seconds and outcomes, and whether the selected model has the exact structure
(the same terms in every equation as the truth, with the saturating term as a ratio). The runs
draw their figures, as a user's run does.

The machine may be shared: the load average is printed beside the figures.

Run: nice -n 10 .venv/bin/python benchmarks/budget.py [--budgets default,20] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("x1", "x2", "x3", "x4", "x5")
TRUTH = {
    "x1": "-0.5*x1 + 0.3*x2",
    "x2": "-0.4*x2 + 0.2*x3",
    "x3": "-0.3*x3 + 0.25*x4",
    "x4": "-0.6*x4 + 0.2*x5",
    "x5": "1 - 1.5*x5/(0.5 + x5)",
}


def field(_t, x):
    x1, x2, x3, x4, x5 = x
    return [-0.5 * x1 + 0.3 * x2, -0.4 * x2 + 0.2 * x3, -0.3 * x3 + 0.25 * x4, -0.6 * x4 + 0.2 * x5,
            1.0 - 1.5 * x5 / (0.5 + x5)]


def generate(path: Path, seed: int = 0, trajectories: int = 4, points: int = 500, t_end: float = 10.0) -> Path:
    """Write the cascade's CSV (columns trajectory, t, x1..x5) to ``path``."""
    import pandas as pd
    from scipy.integrate import solve_ivp

    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, t_end, points)
    frames = []
    for k in range(trajectories):
        x0 = rng.uniform(0.2, 3.0, size=len(NAMES))
        sol = solve_ivp(field, (0.0, t_end), x0, t_eval=t, rtol=1e-10, atol=1e-12, method="LSODA")
        frame = pd.DataFrame(sol.y.T, columns=list(NAMES))
        frame.insert(0, "t", t)
        frame.insert(0, "trajectory", k)
        frames.append(frame)
    pd.concat(frames).to_csv(path, index=False, float_format="%.12g")
    return path


def exact(equations: dict) -> bool:
    """Whether every selected right-hand side has the truth's terms (constants free), rationals compared
    as numerator and denominator supports after cancelling."""
    import sympy as sp

    symbols = {n: sp.Symbol(n) for n in NAMES}

    def support(text):
        num, den = sp.fraction(sp.cancel(sp.together(sp.sympify(text, locals=symbols))))
        def monomials(p):
            return frozenset(m for m in sp.Poly(sp.expand(p), *symbols.values()).monoms())
        return monomials(num), monomials(den)

    return all(n in equations and support(equations[n]) == support(TRUTH[n]) for n in NAMES)


def run(csv: Path, out: Path, budget: str, seed: int) -> dict:
    cmd = [sys.executable, "-m", "cli.main", "run", str(csv), "--out", str(out), "--seed", str(seed), "-q"]
    if budget != "default":
        cmd += ["--budget", budget]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    row = {"budget": budget, "wall_s": wall, "exit": proc.returncode, "exact": False, "stages": [],
           "error": proc.stderr.strip().splitlines()[-1:] if proc.returncode else []}
    if (out / "equations.json").exists():
        doc = json.loads((out / "equations.json").read_text())
        row["exact"] = bool(doc.get("best")) and exact(doc["best"]["equations"])
        row["method"] = (doc.get("best") or {}).get("method")
    if (out / "run.json").exists():
        settings = json.loads((out / "run.json").read_text()).get("settings", {})
        row["budget_s"] = (settings.get("budget") or {}).get("seconds")
        row["stages"] = settings.get("plan", [])
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budgets", default="default,20")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = generate(Path(tmp) / "cascade5.csv", seed=args.seed)
        print(f"5-variable cascade with one saturating term, 2,000 rows; load average {os.getloadavg()[0]:.2f} "
              f"on {os.cpu_count()} cores")
        for budget in args.budgets.split(","):
            row = run(csv, Path(tmp) / f"run-{budget}", budget, args.seed)
            print(f"\n--budget {budget}: wall {row['wall_s']:.1f} s, exit {row['exit']}, "
                  f"budget {row.get('budget_s')} s, best {row.get('method')}, exact structure: {row['exact']}"
                  + (f" ({row['error'][0]})" if row["error"] else ""))
            for s in row["stages"]:
                est, secs = s.get("estimated_s"), s.get("seconds")
                print(f"  {s.get('stage'):<10} {s.get('outcome', 'ran' if s.get('ran') else 'not run'):<8} "
                      f"estimated {'-' if est is None else f'{est:.1f}'} s, took {'-' if secs is None else f'{secs:.1f}'} s"
                      + (f"; {s['why']}" if s.get("why") else ""))
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
