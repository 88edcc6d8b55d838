"""Calibration of the confidence over any reference systems, under two agreement rules at once.

Each case is ``discover bench``'s (same data: systems, seeds, noise, points, trajectories; the same
``auto`` fit and scoring against the truth), and the fit's verdict is drawn twice from the same
candidates: with the provenance of their terms (agreement counts only between searches that proposed
a form independently, :mod:`discover.selection.provenance`; what ``discover run`` says) and without
it (any other method with the same structure agrees, as before). Provenance changes the verdict only,
never the selected equations, so one fit gives both.

Rows are written to ``DIR/rows.jsonl`` as each case finishes (a rerun skips the cases already there);
``table DIR`` prints the Markdown tables.

Usage (from the repository root)::

    PYTHONPATH=$PWD python benchmarks/calibration.py run runs/cal --systems duffing_forced,heated_room --noise 0,0.01,0.05
    PYTHONPATH=$PWD python benchmarks/calibration.py table runs/cal > benchmarks/results/calibration-more.md
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

SEED, POINTS, TRAJECTORIES = 0, 2000, 3  # discover bench's defaults (discover.bench.recovery.BenchConfig)
_LAST: dict = {}


def _both_rules() -> None:
    """Make the pipeline's final verdict also record the level it would give without provenance."""
    from dataclasses import replace

    from discover.selection import provenance, verdict

    if getattr(verdict.assess, "both_rules", False):
        return
    assess = verdict.assess

    def both(selection, prepared, validation):
        kept = {id(c): c.settings for c in selection.ranked}
        try:
            for c in selection.ranked:
                c.settings = {k: v for k, v in c.settings.items() if k != provenance.KEY}
            ok = [c for c in selection.ranked if not c.scores.get("failed", True)]
            ind, dep = provenance.agreement(selection.best, ok)
            old = assess(replace(selection, agreement=ind, forms=provenance.own_forms(selection.best, ok),
                                 dependent=dep), prepared, validation)
            _LAST["before"] = old.confidence
            _LAST["before_reason"] = old.deciding
        finally:
            for c in selection.ranked:
                c.settings = kept[id(c)]
        return assess(selection, prepared, validation)

    both.both_rules = True
    verdict.assess = both


def run(out: Path, systems, noises) -> None:
    from discover.bench.recovery import score_case
    from discover.pipeline.estimator import Discoverer
    from discover.systems import generate, get_system

    _both_rules()
    out.mkdir(parents=True, exist_ok=True)
    path = out / "rows.jsonl"
    done = {(r["system"], r["noise"]) for r in _rows(out)}
    for name in systems:
        system = get_system(name)
        new_x0 = system.initial_states(2, np.random.default_rng(SEED + 1000))[1]
        if system.inputs:
            from discover.bench.sindyc import new_driven_run

            new_x0 = new_driven_run(system, SEED + 1000, POINTS, new_x0)
        for noise in noises:
            if (name, noise) in done:
                continue
            kw = dict(points=POINTS, trajectories=TRAJECTORIES, seed=SEED)
            data, clean = generate(system, noise=noise, **kw), generate(system, noise=0.0, **kw)
            _LAST.clear()
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = Discoverer(methods="auto", random_state=SEED).fit(data)
            row = {"system": name, "noise": noise, "method": "auto", **score_case(model.equations_ or None, system,
                                                                                  clean, new_x0)}
            row.update(confidence=model.confidence_, deciding=model.result_.reasons[0] if model.confidence_ != "high"
                       else "", before=_LAST.get("before", model.confidence_), before_reason=_LAST.get("before_reason"),
                       seconds=round(time.perf_counter() - t0, 1), **_forms(model))
            with path.open("a") as f:
                f.write(json.dumps(row, default=float) + "\n")
            print(f"{name} {noise:g}: exact={row['exact']} {row['before']} -> {row['confidence']} "
                  f"({row['seconds']:.0f} s)", flush=True)


def _forms(model) -> dict:
    """Which forms of SINDy's regression ran, which found the selected structure, and who agreed."""
    from discover.core.structure import shape

    best = model.best_
    if best is None:
        return {}
    key = shape(best.equations)
    ran = sorted({c.settings["form"] for c in model.candidates_ if c.settings.get("form")})
    same = sorted({c.settings["form"] for c in model.candidates_ if c.settings.get("form") and shape(c.equations) == key})
    return {"best_method": best.method, "forms_ran": ran, "forms_same": same, "agreement": model.result_.agreement}


def _rows(out: Path) -> list[dict]:
    path = out / "rows.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def recorded(path: Path) -> list[dict]:
    """The ``auto`` rows of a ``discover bench`` Markdown table (benchmarks/results/bench-*.md), as rows of
    this script: their confidence is the rule without provenance, and with it too where the selected
    structure is polynomial (provenance changes nothing then: see :mod:`discover.selection.provenance`)."""
    rows = []
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 10 or cells[2] != "auto":
            continue
        r2 = {"—": float("nan"), "blew up": float("-inf")}.get(cells[7])
        rows.append({"system": cells[0], "noise": float(cells[1]), "exact": cells[3] == "yes", "f1": float(cells[4]),
                     "r2_new": float(cells[7]) if r2 is None else r2, "before": cells[8], "confidence": cells[8],
                     "deciding": "(from the recorded bench: not rerun)", "seconds": float(cells[9])})
    return rows


def table(out: Path, groups=None, base=()) -> str:
    """The rows of ``out`` (with those of the recorded bench tables ``base`` for cases not rerun) and their calibration."""
    from discover.bench.calibration import markdown as calibration

    rows, seen = [], set()
    for r in _rows(out):  # a case run twice (same data, same seed: the same fit) counts once
        if (r["system"], r["noise"]) not in seen:
            seen.add((r["system"], r["noise"]))
            rows.append(r)
    for r in (r for path in base for r in recorded(Path(path))):
        if (r["system"], r["noise"]) not in seen:  # a case in both recorded benches counts once
            seen.add((r["system"], r["noise"]))
            rows.append(r)
    lines = ["| system | noise | exact | F1 | R² new | confidence without provenance | confidence (provenance) | "
             "deciding reason | time (s) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        r2 = r["r2_new"]
        r2 = "—" if r2 is None or r2 != r2 else ("blew up" if r2 == float("-inf") else f"{r2:.3f}")
        why = "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in r.get("deciding") or "")  # text, not markup
        lines.append(f"| {r['system']} | {r['noise']:g} | {'yes' if r['exact'] else 'no'} | {r['f1']:.3f} | {r2} | "
                     f"{r['before'] or '—'} | {r['confidence'] or '—'} | {why} | {r['seconds']:.0f} |")
    blocks = ["\n".join(lines)]
    for title, (names, noises) in (groups or {"all": ([r["system"] for r in rows], None)}).items():
        subset = [r for r in rows if r["system"] in names and (noises is None or r["noise"] in noises)]
        if not subset:
            continue
        before = [{**r, "confidence": r["before"]} for r in subset]
        blocks.append(f"Calibration, {title} ({len(subset)} runs), without provenance (any method with the same "
                      f"structure agrees):\n\n{calibration(before)}")
        blocks.append(f"Calibration, {title} ({len(subset)} runs), with provenance (what `discover run` says):"
                      f"\n\n{calibration(subset)}")
    return "\n\n".join(blocks)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("step", choices=["run", "table"])
    p.add_argument("dir", type=Path)
    p.add_argument("--systems", default="duffing_forced,heated_room,lotka_volterra_harvest,chemostat_dilution,"
                                        "quintic_duffing,hopf_quintic,rotating_hoop,kuramoto_pair")
    p.add_argument("--noise", default="0,0.01,0.05")
    p.add_argument("--groups", default="", help="title=a,b;title=c,d@0.01,0.05 (calibration per group of systems, at some noise levels)")
    p.add_argument("--base", default="", help="recorded bench tables (comma-separated) for the cases not rerun")
    a = p.parse_args(argv)
    if a.step == "run":
        run(a.dir, a.systems.split(","), [float(v) for v in a.noise.split(",")])
    else:
        groups = {}
        for g in (g for g in a.groups.split(";") if "=" in g):  # title=a,b or title=a,b@0.01,0.05
            title, spec = g.split("=", 1)
            names, _, noises = spec.partition("@")
            groups[title] = (names.split(","), [float(v) for v in noises.split(",")] if noises else None)
        print(table(a.dir, groups or None, [b for b in a.base.split(",") if b]))


if __name__ == "__main__":
    main()
