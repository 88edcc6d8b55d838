"""ODEBench subset, discover's rows only (the peers do not change between two versions of discover).

    python benchmarks/odebench_subset.py 1,2,3 0,0.05 rows.json

Rows as `discover bench --suite odebench` scores them (exact structure, confidence, equivalence set,
whether it holds the truth, seconds), written after each case; a line per case on stderr. To measure
another version of discover beside this one, put its checkout first on PYTHONPATH.
"""
import json
import sys

import discover
import discover.bench.odebench as ob
from discover.systems.odebench import load, select

print("discover from", discover.__file__, file=sys.stderr)
ids = tuple(sys.argv[1].split(","))
sigmas = tuple(float(s) for s in sys.argv[2].split(","))
out = sys.argv[3]
cfg = ob.OdeBenchConfig(systems=ids, noises=sigmas, methods="auto", peers=(), seed=0, jobs=1, points=ob.POINTS)
rows = []
for s in select(load(), ids):
    for sigma in sigmas:
        rows += ob.run_case(s, sigma, cfg)
        with open(out, "w") as f:
            json.dump(rows, f, default=str)
        r = rows[-1]
        print(r["id"], sigma, r.get("exact"), r.get("confidence"), r.get("equivalent"), r.get("truth_in_equivalent"),
              r["seconds"], r.get("error", "")[:80], file=sys.stderr, flush=True)
