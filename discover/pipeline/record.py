"""What a fit records about itself for ``run.json``: its resolved settings and its surrogates' facts."""

from __future__ import annotations

import numpy as np

from discover.core.outputs import SurrogateRecord
from discover.data.prepared import Prepared


def settings_record(model, plan, run) -> dict:
    """The resolved settings of a fit, as ``run.json`` records them (``model`` is the estimator)."""
    from discover.selection import select

    tables = {k: v if isinstance(v, dict) else _plain(v) for k, v in (model.settings or {}).items()}
    return {
        "methods": sorted({c.method for c in run.candidates}),
        "requested_methods": model.methods if isinstance(model.methods, str) else ",".join(model.methods),
        "seed": model.random_state,
        "device": model.device,
        **({"budget": run.budget.describe()} if run.budget is not None else {}),
        "plan": run.stages + ([{"stage": "delay", "models": list(plan.delay), "ran": True}] if plan.delay else []),
        "tables": tables,
        "smoothing_half_widths": run.prepared.half_widths.tolist(),
        "validation_horizon": run.prepared.horizon,
        "noise_estimate": run.prepared.noise,
        "selection_rule": (run.selection or select([], run.prepared.in_sample)).rule,
        **({"distiller_facts": run.facts} if run.facts else {}),
    }


def _plain(settings) -> dict:
    from dataclasses import asdict, is_dataclass

    return asdict(settings) if is_dataclass(settings) else {"value": str(settings)}


def surrogate_facts(surrogate, prepared: Prepared, seconds: float) -> SurrogateRecord:
    """Forecasts of the held-out segments, what they cost, and the surrogate's own facts."""
    facts = {"seconds": round(seconds, 2), "forecasts": []}
    nfe = []
    for seg in prepared.validation_smoothed:
        x, n = surrogate.forecast(seg.t, seg.x[0], **({"u": seg.u} if prepared.inputs else {}))
        facts["forecasts"].append(x)
        if n is not None:
            nfe.append(n)
    if nfe:
        facts["nfe_per_forecast"] = float(np.mean(nfe))
    return SurrogateRecord.from_facts({**facts, **surrogate.facts()})
