"""Cost of `discover run` (default methods) as the data grow.

Times a full run (CSV in, report out) in a fresh process (data generation is not timed; runs
last 20 to 100 time units, so the largest files are densely sampled) and reads its peak memory
(ru_maxrss of the child), for Lorenz data of 1k, 10k, 100k and 1M rows and for Lorenz-96
systems of 2, 5 and 10 state variables, and prints the tables with the growth ratio per
10x rows. Also times `discover --help` and `discover systems`.

Run: .venv/bin/python benchmarks/cost.py [--max-rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

DISCOVER = [sys.executable, "-m", "cli.main"]


def lorenz96(n: int, rows: int, seed: int = 0) -> pd.DataFrame:
    """Lorenz-96 with forcing 8 (n >= 4), or a damped linear chain for n < 4 where Lorenz-96 is degenerate."""
    rng = np.random.default_rng(seed)
    x0 = 8 + rng.normal(0, 1, n)
    if n >= 4:
        def f(_t, x):
            return (np.roll(x, -1) - np.roll(x, 2)) * np.roll(x, 1) - x + 8.0
    else:
        A = -0.1 * np.eye(n) + np.diag(np.ones(n - 1), 1) - np.diag(np.ones(n - 1), -1)

        def f(_t, x):
            return A @ x
    t = np.linspace(0, 20, rows)
    sol = solve_ivp(f, (0, 20), x0, t_eval=t, rtol=1e-8, atol=1e-8)
    x = sol.y.T + 0.01 * sol.y.T.std(axis=0) * rng.standard_normal((rows, n))
    df = pd.DataFrame(x, columns=[f"x{i}" for i in range(n)])
    df.insert(0, "t", t)
    return df


def timed_run(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) of that child alone (os.wait4), exit code."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(DISCOVER + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-rows", type=int, default=1_000_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="discover-cost-"))

    for label, cmd in [("discover --help", ["--help"]), ("discover systems", ["systems"])]:
        secs = min(timed_run(cmd)[0] for _ in range(3))
        print(f"{label}: {secs:.2f} s")

    print("\n| rows (Lorenz, 3 variables) | time (s) | peak memory (MiB) | time ratio per 10x |")
    print("|---|---|---|---|")
    prev = None
    for rows in [r for r in (1_000, 10_000, 100_000, 1_000_000) if r <= args.max_rows]:
        path = tmp / f"lorenz_{rows}.csv"
        subprocess.run(DISCOVER + ["generate", "lorenz", "--points", str(rows), "--noise", "0.01",
                                   "--t-end", str(max(20.0, min(rows / 200, 100.0))), "-o", str(path)], check=True,
                       capture_output=True)
        secs, mem, rc = timed_run(["run", str(path), "--out", str(tmp / f"run_{rows}")])
        ratio = f"{secs / prev:.1f}x" if prev else "—"
        print(f"| {rows:,} | {secs:.1f}{'' if rc == 0 else ' (failed)'} | {mem:.0f} | {ratio} |", flush=True)
        prev = secs

    print("\n| state variables (Lorenz-96, 5,000 rows) | time (s) | peak memory (MiB) |")
    print("|---|---|---|")
    for n in (2, 5, 10):
        path = tmp / f"l96_{n}.csv"
        lorenz96(n, 5000).to_csv(path, index=False)
        secs, mem, rc = timed_run(["run", str(path), "--out", str(tmp / f"l96_run_{n}")])
        print(f"| {n} | {secs:.1f}{'' if rc == 0 else ' (failed)'} | {mem:.0f} |", flush=True)


if __name__ == "__main__":
    main()
