"""The facts a report shows, gathered once for the Markdown and the HTML templates."""

from __future__ import annotations

import sympy as sp

from discover.core import printing
from discover.core.section import fmt
from discover.core.structure import terms
from discover.report.constants import constants
from discover.report.numbers import r2_text
from discover.result import RunResult

CONFIDENCE_WORDS = {
    "high": "High: the equations predict held-out data well and every term is stable under resampling.",
    "medium": "Medium: the equations predict held-out data reasonably, but some evidence is weak.",
    "low": "Low: treat these equations as a hypothesis to check, not a finding.",
}


RULE_WORDS = {
    "simplest-within-tolerance": "the least complex candidate whose short-horizon held-out error, beyond what "
    "measurement noise explains, is within 10% (or 0.01% of the variance) of the best.",
    "simplest-within-tolerance (blocked cross-validation)": "the data were too short to hold a part out, so each "
    "candidate's terms were refitted without one block of time at a time and simulated across that block; the pick "
    "is the least complex candidate whose cross-validated error is within 10% (or 0.01% of the variance) of the best.",
}


def _readable(expr) -> dict:
    """The rational right-hand side rewritten with the fewest constants (:mod:`discover.core.readable`), when that
    reads differently from the form found: ``readable_text``, ``readable_latex`` and ``readable_form``."""
    from discover.core.readable import fewest_constants, rounded

    name, form = fewest_constants(expr)
    form = rounded(form)
    if name == "as found" or printing.text(form) == printing.text(expr):
        return {}
    return {"readable_text": printing.text(form), "readable_latex": printing.latex(form), "readable_form": name}


def _delay_methods(result: RunResult) -> list[str]:
    """The delay models the run asked for (from its plan)."""
    return [m for stage in result.settings.get("plan", []) if stage.get("stage") == "delay" for m in stage["models"]]


def _sections(result: RunResult) -> dict[str, list]:
    """The plug-ins' sections (:mod:`discover.report.sections`), by their place in the report."""
    from discover.core.section import PLACES
    from discover.report.sections import collect

    found = collect(result)
    return {place: [s for s in found if s.place == place] for place in PLACES}


def _training_text(result: RunResult) -> str:
    """'3200 in 2 runs' or, for one run cut around its held-out block, '3200 (one run, before and
    after the held-out block)'."""
    from discover.core.plotkit import source_runs

    n, pieces, runs = sum(len(t) for t in result.train), len(result.train), source_runs(result)
    if pieces == runs:
        return f"{n} in {runs} run{'s' if runs != 1 else ''}"
    what = "one run" if runs == 1 else f"{runs} runs"
    return f"{n} ({what}, before and after the held-out block)"


def _equivalent(result: RunResult) -> dict | None:
    """The structures the data cannot tell apart and the suggested experiment, for the templates."""
    from discover.report.equivalent import rows

    table = rows(result)
    if len(table) < 2:
        return None
    for r in table:
        r["short_r2"] = r2_text(r["short_r2"])
    s = result.suggestion
    proposal = None
    if s:
        proposal = {"start": ", ".join(f"{k} = {v:.4g}" for k, v in s["initial_state"].items()),
                    "duration": f"{s['duration']:.4g}", "separation": f"{s.get('separation', float('nan')):.3g}"}
    box = ", ".join(f"{k}: {lo:.4g}..{hi:.4g}" for k, (lo, hi) in result.design_box.items())
    missing = rival = None
    separates = (s or {}).get("separates")
    m = (result.settings or {}).get("missing_term") or {}
    if len(result.equivalent) < 2 and separates == "missing_term" and m.get("variable") is not None:
        missing = {"equation": printing.derivative_text(m["variable"], result.time_name), "share": f"{m['share']:.1%}"}
    elif len(result.equivalent) < 2:  # the pick, not rated high, beside its strongest rival
        rival = {"level": result.confidence}
    return {"rows": table, "box": box, "suggestion": proposal, "missing": missing, "rival": rival}


def build(result: RunResult, figures: dict[str, str]) -> dict:
    best = result.best
    eqs = []
    t = result.time_name
    if best is not None:
        for v in result.names:
            e = best.equations[v]
            eqs.append({
                "var": v,
                "lhs_text": printing.derivative_text(v, t),
                "text": printing.text(e),
                "lhs_latex": printing.derivative_latex(v, t),
                "latex": printing.latex(e),
                "mathml": printing.equation_mathml(v, t, e),
                **_readable(e),
                "terms": [  # term_confidence is keyed by sympy's own string of the term
                    {"term": printing.text(term), "coef": c, "prob": best.term_confidence.get(v, {}).get(sp.sstr(term))}
                    for term, c in terms(e, 1e-12).items()
                ],
            })
    rows = []
    for i, c in enumerate(result.candidates):
        s = c.scores
        rows.append({
            "rank": i + 1,
            "selected": c is best,
            "method": c.method,
            "form": c.settings.get("form", ""),
            "library": c.settings.get("library", ""),
            "complexity": c.complexity,
            "short_r2": "failed" if s.get("failed") else r2_text(s.get("short_r2")),
            "validation_r2": "failed" if s.get("failed") else r2_text(s.get("validation_r2")),
            "valid_time": "—" if s.get("failed") else fmt(s.get("valid_time"), 2),
            "equations": "; ".join(f"{printing.derivative_text(v, t)} = {printing.text(e)}" for v, e in c.equations.items()),
            "note": s.get("message", ""),
        })
    scores = best.scores if best is not None else {}
    prov = result.provenance
    return {
        "title": "Equations found by discover" if bool(result.candidates) or result.delay is None
        else "Time-delay models of the measured signals",
        "names": result.names,
        "time": result.time_name,
        "best": best,
        "equations": eqs,
        "equation_lines": [f"{e['lhs_text']} = {e['text']}" for e in eqs],
        "confidence": result.confidence,
        "confidence_text": CONFIDENCE_WORDS[result.confidence],
        "reasons": result.reasons,
        "deciding": result.deciding,
        "agreement": result.agreement,
        "rule": result.rule,
        "rule_text": RULE_WORDS.get(result.rule, ""),
        "split": result.split,
        "in_sample": result.in_sample,
        "scores": {
            "short_r2": r2_text(scores.get("short_r2")),
            "validation_r2": r2_text(scores.get("validation_r2")),
            "valid_time": fmt(scores.get("valid_time"), 2),
            "valid_fraction": fmt(scores.get("valid_fraction"), 2),
        },
        "horizon": fmt(result.settings.get("validation_horizon"), 3),
        "rows": rows,
        "figures": figures,
        "sources": prov.get("inputs", []),
        "n_train": sum(len(t) for t in result.train),
        "n_val": sum(len(t) for t in result.validation),
        "n_traj": len(result.train),
        "train_text": _training_text(result),
        "methods": ", ".join([*result.settings.get("methods", []), *_delay_methods(result)]),
        "equation_run": bool(result.candidates) or result.delay is None,
        "seed": result.settings.get("seed"),
        "timings": result.timings,
        "budget": budget_text(result.settings),
        "budget_cuts": budget_cuts(result.settings.get("plan")),
        "warnings": result.warnings,
        "inputs": list(getattr(result, "inputs", ())),
        "input_hold": "held between samples (zero-order hold)" if getattr(result, "hold", "linear") == "zoh"
        else "interpolated linearly between samples",
        "versions": prov.get("versions", {}),
        "command": prov.get("command", ""),
        "sections": _sections(result),
        "equivalent": _equivalent(result),
        "constants": constants(result),
        "surrogates": [
            {"label": k, "epochs": v.epochs, "loss": fmt(v.validation_loss, 3),
             "nfe": "—" if v.nfe_per_forecast is None else f"{v.nfe_per_forecast:.0f}", "seconds": fmt(v.seconds, 3),
             "file": f"models/{k}.pt"}
            for k, v in result.surrogates.items()
        ],
    }


def budget_text(settings: dict) -> str:
    """The run's time budget in words ("20 s, 14.2 s spent"), or "" when run.json has none."""
    b = settings.get("budget")
    if not isinstance(b, dict) or not isinstance(b.get("seconds"), (int, float)):
        return ""
    spent = b.get("spent_s")
    return (f"{b['seconds']:,.4g} s" + (" (the default for the data's size)" if b.get("default") else "")
            + (f", {spent:,.3g} s of it spent by the fit" if isinstance(spent, (int, float)) else ""))


def budget_cuts(plan) -> list[str]:
    """One short line per stage the time budget skipped or cut short (from ``run.json``'s plan)."""
    out = []
    for stage in plan if isinstance(plan, list) else []:
        if isinstance(stage, dict) and stage.get("outcome") in ("cut", "skipped") and stage.get("budget"):
            out.append(f"{stage.get('stage', '?')} {stage['budget']}")  # "search skipped: 3.10 s left, ..."
    return out
