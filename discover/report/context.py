"""The facts a report shows, gathered once for the Markdown and the HTML templates."""

from __future__ import annotations

import sympy as sp

from discover.core import printing
from discover.core.errors import DiscoverError
from discover.core.expressions import identifiers, parse_expression
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


def _fmt(v, digits=3):
    if v is None:
        return "—"
    if isinstance(v, float):
        if v != v:
            return "—"
        if abs(v) == float("inf"):
            return "failed"
        return f"{v:.{digits}f}"
    return str(v)


def _with_labels(text: str, names) -> str:
    """A formula stored on equations.json's identifiers, written with the data's own names."""
    table = {ident: sp.Symbol(label) for label, ident in identifiers(names).items()}
    try:
        return printing.text(parse_expression(text, table, "a stored formula", new_symbol=sp.Symbol))
    except DiscoverError:
        return text


def _readable(expr) -> dict:
    """The rational right-hand side rewritten with the fewest constants (:mod:`discover.core.readable`), when that
    reads differently from the form found: ``readable_text``, ``readable_latex`` and ``readable_form``."""
    from discover.core.readable import fewest_constants, rounded

    name, form = fewest_constants(expr)
    form = rounded(form)
    if name == "as found" or printing.text(form) == printing.text(expr):
        return {}
    return {"readable_text": printing.text(form), "readable_latex": printing.latex(form), "readable_form": name}


def hidden_terms(result: RunResult) -> dict | None:
    """The hidden-term PINN's model, from the best candidate it produced: known part with its
    fitted parameters, the hidden term as a formula, and the parameters."""
    pinned = [c for c in result.candidates if "hidden" in c.settings]
    if not pinned:
        return None
    c = result.best if result.best is not None and "hidden" in result.best.settings else pinned[0]
    st = c.settings
    names = result.names
    labels = (*names, *result.inputs)  # formulas may read measured inputs
    rows = [{"var": v, "lhs": printing.derivative_text(v, result.time_name),
             "known": _with_labels(st.get("known_fitted", {}).get(v, "0"), labels),
             "hidden": _with_labels(st["hidden"].get(v, "0"), labels), "full": printing.text(c.equations[v])}
            for v in names]
    se, pinn = st.get("standard_errors", {}), st.get("pinn_parameters", {})
    fitted = [(k, k, v, f"{pinn.get(k, float('nan')):.4g}", "learned") for k, v in st.get("parameters", {}).items()]
    fitted += [(f"coefficient of {k}", k, v, "—", "hidden term") for k, v in st.get("hidden_constants", {}).items()]
    params = [{"name": name, "value": f"{v:.4g}", "se": _spread(v, se.get(k)), "pinn": est, "how": how,
               "loose": _loose(v, se.get(k))} for name, k, v, est, how in fitted]
    params += [{"name": k, "value": f"{v:.4g}", "se": "—", "pinn": "—", "how": "fixed", "loose": False}
               for k, v in st.get("fixed", {}).items()]
    return {"method": c.method, "selected": c is result.best, "rows": rows, "params": params,
            "known_given": {v: _with_labels(t, names) for v, t in st.get("known", {}).items()},
            "loose": [p["name"] for p in params if p["loose"]]}


LOOSE = 0.25  # a standard error above this share of the value: the data barely fix the constant


def _loose(value: float, se: float | None) -> bool:
    return se is not None and value != 0 and abs(se / value) > LOOSE


def _spread(value: float, se: float | None) -> str:
    """'± 0.021 (1.6%)': one standard error from the output-error fit, and relative."""
    if se is None:
        return "—"
    rel = f" ({abs(se / value):.0%})" if value else ""
    return f"± {se:.2g}{rel}"


def delay_models(result: RunResult) -> dict | None:
    """The delay embedding, HAVOK's equations and the forecast comparison."""
    d = result.delay
    if d is None:
        return None
    rows = [{"method": r["method"], "parameters": "—" if r["parameters"] is None else r["parameters"],
             "seconds": _fmt(r["seconds"], 2), "operations": "—" if r["operations"] is None else r["operations"],
             "rmse": [_fmt(e, 3) for e in r["rmse"]], "note": r["note"]} for r in d.rows]
    h = d.models.get("havok")
    havok = {"equations": h["equations"], "r2": _fmt(h["regression_r2"], 4), "forcing": h["forcing"]} if h else None
    return {"delays": d.delays, "spacing": d.spacing, "rank": d.rank, "window": _fmt(d.window, 4),
            "dt": _fmt(d.dt, 5), "horizons": [_fmt(x, 3) for x in d.horizons], "rows": rows, "havok": havok}


def _delay_methods(result: RunResult) -> list[str]:
    """The delay models the run asked for (from its plan)."""
    return [m for stage in result.settings.get("plan", []) if stage.get("stage") == "delay" for m in stage["models"]]


def _training_text(result: RunResult) -> str:
    """'3200 in 2 runs' or, for one run cut around its held-out block, '3200 (one run, before and
    after the held-out block)'."""
    from discover.report.plotkit import source_runs

    n, pieces, runs = sum(len(t) for t in result.train), len(result.train), source_runs(result)
    if pieces == runs:
        return f"{n} in {runs} run{'s' if runs != 1 else ''}"
    what = "one run" if runs == 1 else f"{runs} runs"
    return f"{n} ({what}, before and after the held-out block)"


def _equivalent(result: RunResult) -> dict | None:
    """The structures the data cannot tell apart and the suggested experiment, for the templates."""
    from discover.report.equivalent import rows

    if len(result.equivalent) < 2:
        return None
    table = rows(result)
    for r in table:
        r["short_r2"] = r2_text(r["short_r2"])
    s = result.suggestion
    proposal = None
    if s:
        proposal = {"start": ", ".join(f"{k} = {v:.4g}" for k, v in s["initial_state"].items()),
                    "duration": f"{s['duration']:.4g}", "separation": f"{s.get('separation', float('nan')):.3g}"}
    box = ", ".join(f"{k}: {lo:.4g}..{hi:.4g}" for k, (lo, hi) in result.design_box.items())
    return {"rows": table, "box": box, "suggestion": proposal}


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
            "valid_time": "—" if s.get("failed") else _fmt(s.get("valid_time"), 2),
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
            "valid_time": _fmt(scores.get("valid_time"), 2),
            "valid_fraction": _fmt(scores.get("valid_fraction"), 2),
        },
        "horizon": _fmt(result.settings.get("validation_horizon"), 3),
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
        "hidden": hidden_terms(result),
        "equivalent": _equivalent(result),
        "constants": constants(result),
        "delay": delay_models(result),
        "surrogates": [
            {"label": k, "epochs": v.get("epochs"), "loss": _fmt(v.get("validation_loss"), 3),
             "nfe": "—" if v.get("nfe_per_forecast") is None else f"{v['nfe_per_forecast']:.0f}", "seconds": _fmt(v.get("seconds"), 3),
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
