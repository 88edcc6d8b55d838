"""How fast `discover run` refuses bad input (issue 16: under 1 s on 2 cores).

Runs each case several times as a fresh process and prints the median, lowest and highest
wall time: a missing file, a bad option (`--seed -1`), an unknown method, and a CSV whose
header names a column twice. Each must end with exit status 2 and one sentence.

Run:  .venv/bin/python benchmarks/refusal.py [--repeat 7] [--exe "discover"]
      (`--exe` times another installation, e.g. the main checkout's `.venv/bin/discover`;
      by default this checkout's code is run with the current interpreter.)
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cases(folder: Path) -> dict[str, list[str]]:
    good = folder / "good.csv"
    good.write_text("t,x,y\n" + "\n".join(f"{i * 0.1:.1f},{i % 7},{(i * 3) % 11}" for i in range(60)) + "\n")
    dup = folder / "dup.csv"
    dup.write_text(good.read_text().replace("t,x,y", "t,x,x ", 1))
    return {
        "missing file": ["run", str(folder / "missing.csv")],
        "--seed -1": ["run", str(good), "--seed", "-1"],
        "--methods sindyy": ["run", str(good), "--methods", "sindyy"],
        "duplicate column": ["run", str(dup)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per case (the median is reported)")
    parser.add_argument("--exe", default=None, help="command to time (default: this checkout via python -m cli.main)")
    args = parser.parse_args()
    exe = shlex.split(args.exe) if args.exe else [sys.executable, "-m", "cli.main"]
    env = dict(os.environ)
    if not args.exe:
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    print(f"command: {' '.join(exe)}   cpus: {os.cpu_count()}   load: {os.getloadavg()[0]:.1f}")
    print(f"{'case':<20} {'median s':>9} {'min s':>7} {'max s':>7}  exit  message")
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv in _cases(Path(tmp)).items():
            times, last = [], None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                last = subprocess.run(exe + argv, check=False, cwd=tmp, env=env, capture_output=True, text=True)
                times.append(time.perf_counter() - t0)
            lines = last.stderr.strip().splitlines()
            message = (lines[-1] if lines else "")[:70]
            print(f"{name:<20} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f}  "
                  f"{last.returncode:4d}  {message}")


if __name__ == "__main__":
    main()
