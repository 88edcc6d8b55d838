"""Could the data have told the truth from the pick? An oracle check of ODEBench results.

For each system of an ODEBench results file (``discover.bench.odebench``'s CSV) whose pick is
not the exact structure, the true equations, with their published constants and with their
linear coefficients refitted on the noisy data's weak form (as every candidate's are), are
scored on the same held-out windows as the pick, and the paired test of selection
(:func:`discover.selection.paired.beats`) says which, if either, the data prefer:

- **truth better**: the held-out data prefer the truth: a search that had proposed it would
  have won. These misses are the searches' to fix.
- **indistinguishable**: neither beats the other: no selection on these data can prefer the
  truth, so the miss is a limit of the data (one trajectory, its range, its noise), not of
  the method. Confidence should not be high there.
- **pick better**: the data prefer the pick to the truth (noise the pick fits, or a range where
  the pick is a closer law than the truth with its published constants).

The same comparison is made a second time by the likelihood of the whole measured runs
(:mod:`discover.selection.trajectory`: truth and pick refitted to every sample by multiple shooting,
compared by BIC), the judge selection consults among the structures the windows cannot reject.

It reruns no search: the pick is read back from the CSV with the restricted parser, the data
are rebuilt exactly as the benchmark built them (same seed, same noise), and only the two
models are simulated. Usage::

    python benchmarks/odebench_oracle.py benchmarks/results/odebench-after2-s005.csv [out.md]
"""

from __future__ import annotations

import csv
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import sympy as sp


def _pick(text: str, names: list[str]) -> dict | None:
    from discover.core.errors import DiscoverError
    from discover.core.expressions import parse_expression

    table = {n: sp.Symbol(n) for n in names}
    out = {}
    for part in text.split("; "):
        if " = " not in part:
            return None
        lhs, rhs = part.split(" = ", 1)
        var = lhs[1:].split("/dt")[0]
        try:
            out[var] = parse_expression(rhs, table, "a pick")
        except DiscoverError:
            return None
    return out if set(out) == set(names) else None


def _verdict(a, b, error) -> str:
    from discover.selection.paired import beats

    if beats(a, b, error):
        return "truth better"
    if beats(b, a, error):
        return "pick better"
    return "indistinguishable"


def oracle(row: dict, seed: int = 0) -> dict:
    """The oracle's verdict for one results row (a dict of the CSV's columns)."""
    from discover.bench.odebench import add_noise, case_rng, trajectories
    from discover.core.candidates import Candidate
    from discover.data.dataset import Dataset, Trajectory
    from discover.data.prepared import prepare
    from discover.distillers.refit import refit_on_data
    from discover.selection.scoring import Validation, score
    from discover.systems.odebench import load, select

    bench = select(load(), (row["id"],))[0]
    system = bench.system
    names = list(system.variables)
    sigma = float(row["noise"])
    t, clean, _ = trajectories(bench)
    x = add_noise(clean, sigma, case_rng(seed, bench.id, sigma))
    data = Dataset((Trajectory(t, x, label="0"),), system.variables, time_name="t")
    prepared = prepare(data)
    validation = Validation.from_prepared(prepared)
    truth = system.equations()
    truth = {str(k): v for k, v in truth.items()}
    pick = _pick(row["equations"], names)
    if pick is None:
        return {"verdict": "pick unreadable"}
    samples = prepared.samples()
    models = {"truth": Candidate(truth, "truth"), "pick": Candidate(pick, "pick")}
    refit = refit_on_data(models["truth"], samples.weak, samples.raw_states, names)
    if refit is not None:
        models["truth refitted"] = refit
    errors = {}
    for key, c in models.items():
        c.scores = score(c, validation, names)
        c.window_errors = c.scores.get("window_errors")
        s = c.scores
        errors[key] = float("inf") if s.get("failed", True) else max(0.0, 1.0 - s["short_r2"])

    def error(c):
        return next(v for k, v in errors.items() if models[k] is c)

    from discover.selection.trajectory import BIC_MARGIN, fit, segments

    segs, scale = segments(prepared), np.sqrt(np.where(prepared.variance > 0, prepared.variance, 1.0))
    bic = {k: (fit(models[k].equations, names, segs, scale) or {}).get("bic", np.inf) for k in ("truth", "pick")}
    gap = bic["pick"] - bic["truth"]
    likelihood = ("truth better" if gap > BIC_MARGIN else "pick better" if gap < -BIC_MARGIN else
                  "indistinguishable") if np.isfinite(gap) else "not fitted"
    out = {"likelihood": likelihood, "bic_gap": gap, "pick_error": errors["pick"], "truth_error": errors["truth"], "noise": prepared.noise,
           "verdict": _verdict(models["truth"], models["pick"], error)}
    if "truth refitted" in models:
        out["refit_error"] = errors["truth refitted"]
        out["refit_verdict"] = _verdict(models["truth refitted"], models["pick"], error)
    return out


def main(path: str, out: str | None = None) -> None:
    rows = [r for r in csv.DictReader(open(path)) if r["method"] == "discover"]
    misses = [r for r in rows if r["exact"] != "True" and r["equations"]]
    lines = ["| id | σ | confidence | pick error | truth error | truth refitted error | verdict (truth) | "
             "verdict (refitted) | whole runs: pick's BIC − truth's | verdict (whole runs) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    tally, tally_any, tally_lik = Counter(), Counter(), Counter()
    for r in misses:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                o = oracle(r)
            except Exception as exc:  # a case the oracle cannot score is reported, not fatal
                o = {"verdict": f"not scored ({type(exc).__name__})"}
        tally[o["verdict"]] += 1
        tally_lik[o.get("likelihood", "not fitted")] += 1
        either = (o["verdict"], o.get("refit_verdict", o["verdict"]))
        tally_any["truth better" if "truth better" in either else
                  "pick better" if set(either) == {"pick better"} else o["verdict"]] += 1
        lines.append(f"| {r['id']} | {r['noise']} | {r['confidence']} | {o.get('pick_error', float('nan')):.3g} | "
                     f"{o.get('truth_error', float('nan')):.3g} | {o.get('refit_error', float('nan')):.3g} | "
                     f"{o['verdict']} | {o.get('refit_verdict', '')} | {o.get('bic_gap', float('nan')):.1f} | "
                     f"{o.get('likelihood', '')} |")
        print(lines[-1], flush=True)
    head = [f"# Oracle check of {Path(path).name}", "",
            f"{len(rows)} runs, {len(misses)} without the exact structure.", "",
            "Misses by what the held-out data say of the truth (published constants):", ""]
    head += [f"- {k}: {v}" for k, v in tally.most_common()]
    head += ["", "Counting the truth as better when either its published or its refitted constants beat the pick:", ""]
    head += [f"- {k}: {v}" for k, v in tally_any.most_common()]
    head += ["", "By the likelihood of the whole measured runs (`discover.selection.trajectory`: both refitted by "
             "multiple shooting; a BIC lower by more than the margin):", ""]
    head += [f"- {k}: {v}" for k, v in tally_lik.most_common()]
    text = "\n".join(head + [""] + lines) + "\n"
    print(text)
    if out:
        Path(out).write_text(text)


if __name__ == "__main__":
    main(*sys.argv[1:3])
