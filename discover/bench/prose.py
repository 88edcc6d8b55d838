"""PROSE evaluation (`discover prose eval`): structure-recovery rates on generated and reference systems.

Two test sets, neither seen in training:

- **generated**: fresh random systems (a seed the training never uses), observed at 120
  random times with noise; derivatives are estimated from the noisy samples as for a user;
- **reference**: the catalog systems (kept out of the training distribution's exact
  coefficients), one noisy run each.

For each: exact structure of the top proposal and of any proposal in the beam; the rate of
R² > 0.9 when the top proposal is simulated, once with the constants the model wrote and once
with constants refitted on the data (the grammar's two options for numbers, measured on one
model); and seconds per data set, against symbolic regression on the same samples.
"""

from __future__ import annotations

import time

import numpy as np
import sympy as sp

from discover.core.integrate import integrate
from discover.core.metrics import r2
from discover.core.progress import NullProgress
from discover.core.structure import compare
from discover.data.dataset import Dataset, Trajectory
from discover.data.derivatives import estimate_derivatives

EVAL_SEED = 987_654  # training draws chunks from small seeds; this one is never used there


def _r2(exprs, names, t, x0, clean) -> float:
    sol = integrate(exprs, [sp.Symbol(n) for n in names], x0[None], [t], max_evals=20000)
    if not sol.ok:
        return float("-inf")
    return r2(clean, sol.x[0])


def _samples(t, x, names):
    der = estimate_derivatives(Dataset((Trajectory(t, x),), tuple(names)))
    return der.smoothed[0], der.derivatives[0]


def _refitted(eqs, names, X, Y):
    from discover.distillers.prose import refit_expression

    symbols = [sp.Symbol(n) for n in names]
    return [refit_expression(e, symbols, X, Y[:, i]) for i, e in enumerate(eqs)]


def _sindy_pick(candidates, names, X, Y):
    """SINDy's candidate with the lowest in-sample BIC on the derivatives: the evaluation's
    stand-in for the pipeline's held-out pick, which needs a held-out segment."""
    from discover.distillers.prose import bic

    symbols = [sp.Symbol(n) for n in names]
    scored = [(sum(bic(c.equations[n], symbols, X, Y[:, i]) for i, n in enumerate(names)), k)
              for k, c in enumerate(candidates)]
    scored = [(b, k) for b, k in scored if np.isfinite(b)]
    return candidates[min(scored)[1]] if scored else None


def evaluate_generated(n: int = 50, noise: float = 0.01, beam: int = 8, weights=None, progress=None,
                       with_sindy: bool = True, with_guess: bool = True) -> dict:
    """Rates on ``n`` held-out generated systems; SINDy on the same samples beside PROSE, and
    PROSE again given SINDy's pick as its symbolic guess (as ``--methods sindy,prose`` runs it)."""
    from dataclasses import replace

    from discover.distillers import Samples, SINDy
    from discover.distillers.prose import Prose, ProseConfig
    from discover.prose.generator import make_examples
    from discover.prose.grammar import from_sympy, to_sympy

    examples, chunk = [], 0
    while len(examples) < n:
        examples += make_examples(EVAL_SEED, chunk, 4 * n)
        chunk += 1
    rng = np.random.default_rng(EVAL_SEED)
    rows = []
    with (progress or NullProgress()).task("PROSE on generated systems", total=n) as task:
        for ex in examples[:n]:
            names = [f"x{i}" for i in range(ex.dim)]
            truth = dict(zip(names, to_sympy(ex.system, names)))
            idx = np.sort(rng.choice(len(ex.traj), 120, replace=False))
            t = idx / (len(ex.traj) - 1)
            clean = ex.traj[idx, : ex.dim]
            x = clean + noise * rng.standard_normal(clean.shape)
            X, Y = _samples(t, x, names)
            samples = Samples(X, Y, tuple(names), trajectories=((t, X, Y),))
            t0 = time.perf_counter()
            prose = Prose(ProseConfig(beam=beam, weights=weights)).fit(samples)
            seconds = time.perf_counter() - t0
            props = getattr(prose, "proposals_", [])
            shapes = []
            for p in props:
                try:
                    shapes.append(from_sympy(p.equations, names).shapes() == ex.system.shapes())
                except ValueError:
                    shapes.append(False)
            row = {"dim": ex.dim, "top1": bool(shapes and shapes[0]), "any": any(shapes),
                   "refit_any": any(compare(c.equations, truth)["exact"] for c in prose.candidates_),
                   "seconds": seconds, "model_seconds": prose.facts_["seconds"],
                   "r2_decoded": float("-inf"), "r2_refitted": float("-inf")}
            if props:
                top = props[0].equations
                row["r2_decoded"] = _r2(top, names, t, clean[0], clean)
                row["r2_refitted"] = _r2(_refitted(top, names, X, Y), names, t, clean[0], clean)
            if with_sindy:
                t0 = time.perf_counter()
                sindy = SINDy().fit(samples).candidates_
                row["sindy_seconds"] = time.perf_counter() - t0
                row["sindy_any"] = any(compare(c.equations, truth)["exact"] for c in sindy)
                pick = _sindy_pick(sindy, names, X, Y) if with_guess else None
                if pick is not None:
                    guided = Prose(ProseConfig(beam=beam, weights=weights)).fit(replace(samples, guess=pick))
                    row["guided_any"] = any(compare(c.equations, truth)["exact"] for c in guided.candidates_)
                    row["pick_exact"] = compare(pick.equations, truth)["exact"]
            rows.append(row)
            task.advance()
    return _summary(rows)


def evaluate_reference(noise: float = 0.01, beam: int = 8, weights=None, with_sr: bool = True, progress=None,
                       points: int = 500) -> dict:
    from discover.distillers import Samples, SINDy
    from discover.distillers.prose import Prose, ProseConfig
    from discover.systems import SYSTEMS
    from discover.systems.synthetic import generate

    SYSTEMS = {k: s for k, s in SYSTEMS.items() if not s.inputs}  # PROSE reads no input signal
    rows = {}
    with (progress or NullProgress()).task("PROSE on reference systems", total=len(SYSTEMS)) as task:
        for name, system in SYSTEMS.items():
            data = generate(system, points=points, noise=noise, seed=1)
            clean = generate(system, points=points, noise=0.0, seed=1).trajectories[0].x
            tr = data.trajectories[0]
            X, Y = _samples(tr.t, tr.x, system.variables)
            samples = Samples(X, Y, system.variables, trajectories=((tr.t, X, Y),))
            truth = system.equations()
            t0 = time.perf_counter()
            prose = Prose(ProseConfig(beam=beam, weights=weights)).fit(samples)
            cands = prose.candidates_
            seconds = time.perf_counter() - t0
            found = [compare(c.equations, truth)["exact"] for c in cands]
            r2 = [_r2([c.equations[v] for v in system.variables], system.variables, tr.t, clean[0], clean) for c in cands[:4]]
            row = {"top1": bool(found and found[0]), "any": any(found), "best_r2": max(r2, default=float("-inf")),
                   "seconds": seconds, "model_seconds": prose.facts_["seconds"], "candidates": len(cands)}
            sindy = SINDy().fit(samples).candidates_
            row["sindy_any"] = any(compare(c.equations, truth)["exact"] for c in sindy)
            if with_sr:
                from discover.distillers.symbolic_regression import SymbolicRegression

                t0 = time.perf_counter()
                sr = SymbolicRegression().fit(samples).candidates_
                row["sr_seconds"] = time.perf_counter() - t0
                row["sr_any"] = any(compare(c.equations, truth)["exact"] for c in sr)
            rows[name] = row
            task.advance()
    return rows


def _summary(rows: list[dict]) -> dict:
    n = len(rows)
    extra = {}
    if rows and "sindy_any" in rows[0]:
        extra = {"sindy_exact": sum(r["sindy_any"] for r in rows) / n,
                 "sindy_seconds": float(np.mean([r["sindy_seconds"] for r in rows]))}
    if any("guided_any" in r for r in rows):
        extra |= {"guided_exact": sum(r.get("guided_any", False) for r in rows) / n,
                  "pick_exact": sum(r.get("pick_exact", False) for r in rows) / n}
    return {
        **extra,
        "n": n,
        "refit_exact": sum(r["refit_any"] for r in rows) / n,
        "model_seconds": float(np.mean([r["model_seconds"] for r in rows])),
        "top1_exact": sum(r["top1"] for r in rows) / n,
        "beam_exact": sum(r["any"] for r in rows) / n,
        "r2_over_0.9_decoded": sum(r["r2_decoded"] > 0.9 for r in rows) / n,
        "r2_over_0.9_refitted": sum(r["r2_refitted"] > 0.9 for r in rows) / n,
        "seconds_per_system": float(np.mean([r["seconds"] for r in rows])),
        "by_dim": {d: sum(r["any"] for r in rows if r["dim"] == d) / max(1, sum(r["dim"] == d for r in rows))
                   for d in (1, 2, 3)},
    }


def markdown(generated: dict | None, reference: dict | None) -> str:
    lines = []
    if generated:
        g = generated
        lines += ["| generated systems | value |", "|---|---|",
                  f"| systems | {g['n']} |",
                  f"| exact structure, top proposal | {g['top1_exact']:.0%} |",
                  f"| exact structure, any of the beam | {g['beam_exact']:.0%} |",
                  f"| exact structure, any refitted and pruned candidate | {g['refit_exact']:.0%} |",
                  *([f"| SINDy on the same samples: exact structure on its front | {g['sindy_exact']:.0%} |"]
                    if "sindy_exact" in g else []),
                  *([f"| SINDy's pick (lowest in-sample BIC) exact | {g['pick_exact']:.0%} |",
                     f"| PROSE given SINDy's pick as its guess: any refitted candidate exact | {g['guided_exact']:.0%} |"]
                    if "guided_exact" in g else []),
                  f"| R² > 0.9, decoded constants | {g['r2_over_0.9_decoded']:.0%} |",
                  f"| R² > 0.9, refitted constants | {g['r2_over_0.9_refitted']:.0%} |",
                  f"| beam exact by dimension 1/2/3 | {' / '.join(f'{v:.0%}' for v in g['by_dim'].values())} |",
                  f"| seconds per system, model only (CPU) | {g['model_seconds']:.2f} |",
                  f"| seconds per system, model + refit (CPU) | {g['seconds_per_system']:.2f} |",
                  *([f"| seconds per system, SINDy | {g['sindy_seconds']:.2f} |"] if "sindy_seconds" in g else []),
                  ""]
    if reference:
        sr = any("sr_seconds" in r for r in reference.values())
        head = "| system | top proposal exact | any exact | SINDy exact | best R² | model s | model + refit s |" + (
            " SR exact | SR s |" if sr else "")
        lines += [head, "|---" * (7 + 2 * sr) + "|"]
        yes = {True: "yes", False: "no"}
        for name, r in reference.items():
            line = (f"| {name} | {yes[r['top1']]} | {yes[r['any']]} | {yes[r['sindy_any']]} | {r['best_r2']:.3f} "
                    f"| {r['model_seconds']:.1f} | {r['seconds']:.1f} |")
            if sr:
                line += f" {'yes' if r.get('sr_any') else 'no'} | {r.get('sr_seconds', float('nan')):.1f} |"
            lines.append(line)
        lines.append(f"| **exact, of {len(reference)}** | {sum(r['top1'] for r in reference.values())} "
                     f"| {sum(r['any'] for r in reference.values())} | {sum(r['sindy_any'] for r in reference.values())} "
                     "| | | |" + (" | |" if sr else ""))
    return "\n".join(lines)
