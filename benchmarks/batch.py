"""What `discover batch` costs and gains: 16 data sets of a 3-variable system (issue 20).

Generates 16 Lorenz data sets (rho varied, a manifest), then times

- `discover run` in a loop, as separate processes (what a user does by hand) and in one process
  (:func:`discover.api.run` sixteen times: the pure compute, imports paid once);
- `discover.batch` on a fresh local cluster with 1 and with 2 worker processes (cluster start
  included, and also timed alone);
- the scheduler's own cost per task (many empty tasks on the 2-worker cluster),

The overhead of the batch is printed two ways: beyond the time its tasks took (wall time less
the sum of task times, on one worker), and against the loops. Workers run with one thread per
library (Dask's nanny sets OMP_NUM_THREADS=1 and its kin) and the loops with the libraries'
defaults, so on a busy machine the loops may lose more to oversubscribed threads than the batch
adds.

and prints a table, the overhead per data set of the batch against the loops, and an
*estimate* (not a measurement) of the wall time on many workers:
T(n) ~ start + ceil(N / n) * t_task + N * t_sched, where t_task is the measured time of one
task on a worker and t_sched the scheduler's cost per task. The estimate assumes a core per
worker and that reading the data and writing the run folders (a shared file system on a
cluster) is not the bottleneck.

Run:  python benchmarks/batch.py [--datasets 16] [--points 1000] [--methods sindy] [--skip-cli]
The figures depend on what else runs on the machine: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _noop(i):
    return i


def scheduler_cost(client, n: int = 400) -> float:
    """Seconds per task the scheduler and the transport add (empty tasks, submitted and gathered)."""
    futures = client.map(_noop, range(n), pure=False)
    client.gather(futures)  # warm up
    t, _ = _timed(lambda: client.gather(client.map(_noop, range(n), pure=False)))
    return t / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=16)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--methods", default="sindy")
    parser.add_argument("--loop", type=int, default=None,
                        help="data sets the `discover run` loops time (default: all); their time is scaled to all")
    parser.add_argument("--skip-cli", action="store_true", help="leave out the loop of `discover run` processes")
    args = parser.parse_args()

    import discover
    from discover.api import run
    from discover.batch.client import dask_client
    from discover.systems import get_system
    from discover.systems.family import write_family

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    tmp = Path(tempfile.mkdtemp(prefix="discover-batch-bench-"))
    try:
        data = tmp / "lorenz"
        files = write_family(get_system("lorenz"), [f"rho=20:35:{args.datasets}"], data, points=args.points,
                             trajectories=1, noise=0.0, seed=0)[:-1]
        rows = {}
        print(f"{args.datasets} Lorenz data sets, {args.points} points each, --methods {args.methods}; "
              f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}", flush=True)

        looped = files[: args.loop or len(files)]
        scale = len(files) / len(looped)
        note = f" (timed on {len(looped)}, scaled x{scale:g})" if scale != 1 else ""

        def api_loop():
            for f in looped:
                run(f, tmp / "api" / f.stem, methods=args.methods)
        rows["`discover.api.run` loop (one process)" + note] = _timed(api_loop)[0] * scale
        print(f"api loop: {rows['`discover.api.run` loop (one process)' + note]:.1f} s", flush=True)

        if not args.skip_cli:
            def cli_loop():
                for f in looped:
                    subprocess.run([sys.executable, "-m", "cli.main", "run", str(f), "--methods", args.methods,
                                    "-o", str(tmp / "cli" / f.stem), "--quiet"], env=env, check=True)
            rows["`discover run` loop (processes)" + note] = _timed(cli_loop)[0] * scale
            print(f"cli loop: {rows['`discover run` loop (processes)' + note]:.1f} s", flush=True)

        task_s, start_s = {}, {}
        for n in (2, 1):
            cm = dask_client(workers=n)
            start_s[n], _ = _timed(cm.__enter__)
            cm.__exit__(None, None, None)
            out = tmp / f"batch{n}"
            wall, frame = _timed(lambda: discover.batch(data, out=out, methods=args.methods, workers=n))
            assert (frame["status"] == "ok").all(), frame[["dataset", "status", "reason"]]
            rows[f"`discover batch`, {n} worker{'s' if n > 1 else ''}"] = wall
            task_s[n] = float(frame["wall_s"].mean())
            print(f"batch, {n} workers: {wall:.1f} s (cluster start alone {start_s[n]:.1f} s)", flush=True)
        rerun, _ = _timed(lambda: discover.batch(data, out=tmp / "batch2", methods=args.methods, workers=2))
        rows["`discover batch` again (all finished)"] = rerun

        with dask_client(workers=2) as client:
            t_sched = scheduler_cost(client)

        n_sets = args.datasets
        print(f"\nload average at end: {os.getloadavg()[0]:.1f} (the machine is shared; figures vary with it)\n")
        print("| what | wall s | s per data set |")
        print("|---|---:|---:|")
        for name, wall in rows.items():
            print(f"| {name} | {wall:.1f} | {wall / n_sets:.2f} |")
        loop = rows["`discover.api.run` loop (one process)" + note]
        print(f"\nlocal cluster start: {start_s[1]:.1f} s (1 worker), {start_s[2]:.1f} s (2 workers)")
        print(f"mean task time on a worker: {task_s[1]:.2f} s (1 worker), {task_s[2]:.2f} s (2 workers sharing "
              "the cores)")
        own = (rows["`discover batch`, 1 worker"] - task_s[1] * n_sets) / n_sets
        print(f"batch overhead per data set beyond the task itself (1 worker: cluster start, scheduling, skip checks, "
              f"summary): {own:.2f} s")
        over = (rows["`discover batch`, 1 worker"] - loop) / n_sets
        print(f"batch overhead per data set against the in-process loop (1 worker, cluster start included): {over:+.2f} s")
        if "`discover run` loop (processes)" + note in rows:
            cli = rows["`discover run` loop (processes)" + note]
            print(f"against the loop of `discover run` processes: {(rows['`discover batch`, 1 worker'] - cli) / n_sets:+.2f} s")
        print(f"speed-up of 2 workers over 1: {rows['`discover batch`, 1 worker'] / rows['`discover batch`, 2 workers']:.2f}x")
        print(f"scheduler cost per task (empty tasks): {t_sched * 1e3:.2f} ms")
        t_task = task_s[1]
        print("\nESTIMATE (not measured), a core per worker: T(n) ~ start + ceil(N/n) * t_task + N * t_sched, "
              f"with t_task = {t_task:.2f} s, t_sched = {t_sched * 1e3:.2f} ms, start = {start_s[2]:.0f} s")
        print("| workers n | N = 16 | N = 1000 | N = 10000 |")
        print("|---:|---:|---:|---:|")
        for n in (1, 2, 8, 32, 128):
            est = [start_s[2] + math.ceil(big / n) * t_task + big * t_sched for big in (16, 1000, 10000)]
            print(f"| {n} | {est[0]:.0f} s | {est[1]:.0f} s | {est[2]:.0f} s |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
