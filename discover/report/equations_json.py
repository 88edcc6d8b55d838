"""``equations.json`` (schema ``discover.equations/1``): the machine-readable result."""

from __future__ import annotations

from discover.result import RunResult

SCHEMA = "discover.equations/1"


def _clean(scores: dict) -> dict:
    out = {}
    for k, v in scores.items():
        if isinstance(v, float):
            out[k] = round(v, 6) if v == v and abs(v) != float("inf") else None
        else:
            out[k] = v
    return out


def _entry(c) -> dict:
    return {
        "method": c.method,
        "equations": c.strings(),
        "latex": c.latex(),
        "complexity": c.complexity,
        "scores": _clean(c.scores),
        "settings": c.settings,
        "term_confidence": c.term_confidence,
    }


def to_dict(result: RunResult) -> dict:
    best = _entry(result.best) if result.best else None
    if best is not None:
        best["confidence"] = result.confidence
        best["agreement"] = result.agreement
    return {
        "schema": SCHEMA,
        "time": result.time_name,
        "variables": list(result.names),
        "best": best,
        "candidates": [_entry(c) for c in result.candidates],
    }
