"""What a default `discover run` costs, split by part, beside PySINDy's fit on the same data.

Each case is run as a whole process (CSV in, report out: what a user waits for), several times,
and the table gives medians: wall seconds of the process, seconds spent importing modules (the
sum of the top-level imports of ``python -X importtime``, lazy imports inside the fit included),
the fit's own stages as ``run.json`` records them (derivatives, each distiller, selection; lazy
imports made inside a stage are counted in that stage too), the report (figures, markdown, HTML,
equations.json), and the peak memory of the process (ru_maxrss). Beside each case, PySINDy's
defaults (``ps.SINDy().fit``) on the same CSV in a fresh process: its fit alone and its whole
process. Data generation is not timed. CPU seconds (user + system of the process and of the
processes it started, such as the report's figure worker) are printed beside the wall time: on
a machine shared with other work they move far less than wall time; beside them, the main
process's own CPU seconds (its critical path, without the figure worker that runs beside it).
The figure worker's own imports (made beside the fit, on the other core) are printed below
the table.

Cases: a 1-variable system of 512 samples (logistic, 1% noise), the 3-variable Lorenz example
(``examples/lorenz.csv``), a 5-variable chaotic flow (Lorenz-96, forcing 8) of 2,000 rows, and
1,000,000 rows of Lorenz. Also times ``import discover`` and ``discover --help``.

The machine may be shared: the medians are noisy, and the load average is printed with them.

Run: .venv/bin/python benchmarks/cost.py [--repeats 5] [--cases small,lorenz,flow5,big]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
CASES = {
    "small": "1 variable, 512 samples (logistic)",
    "lorenz": "Lorenz, 3 variables (examples/lorenz.csv)",
    "flow5": "Lorenz-96, 5 variables, 2,000 rows",
    "big": "Lorenz, 3 variables, 1,000,000 rows",
}

# The child: the CLI's own `run`, with the report's writer timed (nothing else is changed).
CHILD = """
import os, sys, time, json
# A process forked by the run (the report's figure worker) writes its own import times elsewhere,
# so that this process's imports are summed alone (the worker's run beside them, on the other core).
_side = os.environ.get("COST_WORKER_STDERR")
if _side:
    os.register_at_fork(after_in_child=lambda: os.dup2(os.open(_side, os.O_WRONLY | os.O_APPEND | os.O_CREAT), 2))
import discover.report as report
_write = report.write_run
def timed(*a, **k):
    t0 = time.perf_counter(); out = _write(*a, **k)
    sys.__stderr__.write("COST-REPORT %f\\n" % (time.perf_counter() - t0)); return out
report.write_run = timed
import atexit, resource
def _own_cpu():  # this process alone, without the figure worker: the run's critical path
    r = resource.getrusage(resource.RUSAGE_SELF)
    sys.__stderr__.write("COST-OWN-CPU %f\\n" % (r.ru_utime + r.ru_stime))
atexit.register(_own_cpu)
from cli.main import main
sys.argv = ["discover"] + sys.argv[1:]
main()
"""

PYSINDY = """
import time, sys
t0 = time.perf_counter()
import numpy as np, pandas as pd, pysindy as ps
df = pd.read_csv(sys.argv[1]); t = df.pop("t").to_numpy(); x = df.to_numpy()
t1 = time.perf_counter(); ps.SINDy().fit(x, t=t); t2 = time.perf_counter()
print(t2 - t1)
"""


def lorenz96(n: int, rows: int, seed: int = 0, t_end: float = 20.0) -> pd.DataFrame:
    """Lorenz-96 with forcing 8 (chaotic for n >= 4), 1% noise."""
    from scipy.integrate import solve_ivp

    rng = np.random.default_rng(seed)
    x0 = 8 + rng.normal(0, 1, n)

    def f(_t, x):
        return (np.roll(x, -1) - np.roll(x, 2)) * np.roll(x, 1) - x + 8.0

    t = np.linspace(0, t_end, rows)
    sol = solve_ivp(f, (0, t_end), x0, t_eval=t, rtol=1e-9, atol=1e-9)
    x = sol.y.T + 0.01 * sol.y.T.std(axis=0) * rng.standard_normal((rows, n))
    df = pd.DataFrame(x, columns=[f"x{i}" for i in range(n)])
    df.insert(0, "t", t)
    return df


def make_data(case: str, tmp: Path) -> Path:
    if case == "lorenz":
        return ROOT / "examples" / "lorenz.csv"
    path = tmp / f"{case}.csv"
    if case == "flow5":
        lorenz96(5, 2000).to_csv(path, index=False)
        return path
    system, points, extra = {"small": ("logistic", 512, []),
                             "big": ("lorenz", 1_000_000, ["--t-end", "100"])}[case]
    subprocess.run([sys.executable, "-m", "cli.main", "generate", system, "--points", str(points), "--noise", "0.01",
                    "-o", str(path), *extra], check=True, capture_output=True, env=ENV, cwd=ROOT)
    return path


def whole_process(cmd: list[str], env: dict | None = None) -> tuple[float, float, int, str, str, float]:
    """Wall seconds, peak RSS (MiB) of the largest process of the tree (os.wait4), exit code,
    stdout, stderr, and its CPU seconds (user + system of the process and of the processes it
    waited for, such as the figure worker: less sensitive than wall time to a shared machine)."""
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=so, stderr=se, env={**ENV, **(env or {})}, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        so.seek(0)
        se.seek(0)
        return (elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), so.read().decode(),
                se.read().decode(errors="replace"), usage.ru_utime + usage.ru_stime)


def import_seconds(stderr: str) -> float:
    """Sum of the top-level (cumulative) import times that ``-X importtime`` wrote."""
    total = 0
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|", 2)
            if name.startswith(" ") and not name.startswith("  ") and cumulative.strip().isdigit():
                total += int(cumulative)
    return total / 1e6


def one_run(data: Path, out: Path, extra: list[str]) -> dict:
    cmd = [sys.executable, "-X", "importtime", "-c", CHILD, "run", str(data), "--out", str(out), "--json", *extra]
    side = Path(f"{out}.worker-stderr")
    side.unlink(missing_ok=True)
    secs, mem, rc, stdout, stderr, cpu = whole_process(cmd, {"COST_WORKER_STDERR": str(side)})
    row = {"total": secs, "cpu": cpu, "memory": mem, "rc": rc, "import": import_seconds(stderr),
           "worker_import": import_seconds(side.read_text(errors="replace")) if side.exists() else 0.0}
    for line in stderr.splitlines():
        if line.startswith("COST-REPORT"):
            row["report"] = float(line.split()[1])
        if line.startswith("COST-OWN-CPU"):
            row["own_cpu"] = float(line.split()[1])
    try:
        doc = json.loads(stdout)
        row["stages"] = doc.get("timings", {})
        row["best"] = doc.get("best", {}).get("equations") if doc.get("best") else None
    except json.JSONDecodeError:
        row["stages"] = {}
        row["error"] = stderr.strip().splitlines()[-1:] if stderr.strip() else ["no output"]
    return row


def pysindy_run(data: Path) -> tuple[float, float]:
    """PySINDy's fit alone, and its whole process (import, read CSV, fit)."""
    secs, _, rc, stdout, _, _ = whole_process([sys.executable, "-c", PYSINDY, str(data)])
    return (float(stdout.strip()) if rc == 0 else float("nan")), secs


def median(rows: list[dict], key: str) -> float:
    vals = [r[key] for r in rows if key in r]
    return statistics.median(vals) if vals else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="whole-process runs per case (median reported)")
    ap.add_argument("--big-repeats", type=int, default=1, help="runs of the 1,000,000-row case")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--extra", default="", help="extra `discover run` options, space-separated (e.g. --no-figures)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="discover-cost-"))
    extra = args.extra.split()
    print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())}; {os.cpu_count()} cores")
    for label, cmd in [("import discover", ["-c", "import discover"]), ("discover --help", ["-m", "cli.main", "--help"])]:
        secs = statistics.median(whole_process([sys.executable, *cmd])[0] for _ in range(args.repeats))
        print(f"{label}: {secs:.2f} s (whole process, median of {args.repeats})")

    print("\n| case | total (s) | CPU: all / main process (s) | import (s) | fit stages (s) | report (s) | peak memory (MiB) | PySINDy fit / "
          "process (s) | equations |")
    print("|---|---|---|---|---|---|---|---|---|")
    worker_note = []
    for case in [c.strip() for c in args.cases.split(",") if c.strip()]:
        data = make_data(case, tmp)
        repeats = args.big_repeats if case == "big" else args.repeats
        one_run(data, tmp / f"warm_{case}", extra) if case != "big" else None  # warm-up (file cache, .pyc)
        rows = [one_run(data, tmp / f"run_{case}_{i}", extra) for i in range(repeats)]
        stage_names = list(dict.fromkeys(k for r in rows for k in r["stages"]))
        stages = ", ".join(f"{k} {statistics.median(r['stages'].get(k, 0.0) for r in rows):.2f}"
                           for k in stage_names) or "; ".join(rows[0].get("error", []))
        ps_runs = [pysindy_run(data) for _ in range(min(repeats, 3))]
        ps_fit = statistics.median(p[0] for p in ps_runs)
        ps_total = statistics.median(p[1] for p in ps_runs)
        failed = sum(r["rc"] != 0 for r in rows)
        best = rows[-1].get("best")
        eqs = "; ".join(f"d{k} = {v}" for k, v in best.items()) if best else "none"
        if len(eqs) > 160:
            eqs = eqs[:157] + "..."
        worker = median(rows, "worker_import")
        if worker > 0:
            worker_note.append(f"{CASES[case]}: {worker:.2f} s")
        print(f"| {CASES[case]} | {median(rows, 'total'):.2f}{f' ({failed} failed)' if failed else ''} | "
              f"{median(rows, 'cpu'):.2f} / {median(rows, 'own_cpu'):.2f} | {median(rows, 'import'):.2f}{' (+ worker)' if worker > 0 else ''} | "
              f"{stages} | {median(rows, 'report'):.2f} | "
              f"{median(rows, 'memory'):.0f} | {ps_fit:.2f} / {ps_total:.2f} | {eqs} |", flush=True)
    if worker_note:
        print("\nImports of the report's figure worker, forked before the fit and importing beside it on the other "
              "core (not in the import column; its CPU time is in the CPU column): " + "; ".join(worker_note))
    print(f"\nload average after: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
