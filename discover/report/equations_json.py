"""``equations.json`` (schema ``discover.equations/1``): the machine-readable result.

Equations are written in Python syntax on identifiers: a variable whose name is a plain
identifier (``x``, ``hare``, ``E``) is written as itself, any other (``S [mM]``, ``lambda``) as a
sanitised identifier (``S_mM``, ``lambda_``); the top-level ``"symbols"`` maps each identifier
to its variable's name. Reading the file back goes through the restricted parser
(:meth:`discover.core.candidates.Candidate.from_dict`), never through ``sympify``.
"""

from __future__ import annotations

from discover.core.expressions import identifiers, symbol_table, to_text
from discover.result import RunResult

SCHEMA = "discover.equations/1"
SUGGESTION_SCHEMA = "discover.suggestion/1"


def _clean(scores: dict) -> dict:
    """Scores as computed (no rounding: rounding belongs to displays); a non-finite one as null."""
    out = {}
    for k, v in scores.items():
        if isinstance(v, float):
            out[k] = v if v == v and abs(v) != float("inf") else None
        else:
            out[k] = v
    return out


def _entry(c, ids: dict[str, str]) -> dict:
    return {
        "method": c.method,
        "equations": c.strings(ids),
        "latex": c.latex(),
        "complexity": c.complexity,
        "scores": _clean(c.scores),
        **({"non_finite_scores": _non_finite(c.scores)} if _non_finite(c.scores) else {}),
        "settings": c.parts.written_into(c.settings, ids) if c.parts is not None else c.settings,
        "term_confidence": c.term_confidence,
        **({"uncertainty": _uncertainty(c, ids)} if c.uncertainty else {}),
    }


def _uncertainty(c, ids: dict[str, str]) -> dict:
    """Each constant as fitted with its standard error, both full double precision (an additive field:
    readers of schema 1 ignore it); ``simpler`` where a simpler number lies within one standard error."""
    return {v: [{"term": to_text(r["term"], ids), "value": float(r["value"]),
                 "stderr": _finite_or_none(r["stderr"]), "inner": bool(r["inner"]),
                 **({"simpler": r["simpler"]} if r.get("simpler") is not None else {})}
                for r in rows] for v, rows in c.uncertainty.items()}


def _finite_or_none(x):
    return float(x) if x is not None and x == x and abs(x) != float("inf") else None


def _readable(c, ids: dict[str, str]) -> dict:
    """Rational right-hand sides rewritten with the fewest constants (:mod:`discover.core.readable`), where that
    differs from the form found (an additive field)."""
    from discover.core.readable import fewest_constants, rounded

    out = {}
    for v, e in c.equations.items():
        name, form = fewest_constants(e)
        if name != "as found" and to_text(rounded(form), ids) != to_text(e, ids):
            out[v] = to_text(rounded(form), ids)
    return out


def _non_finite(scores: dict) -> dict:
    """Scores JSON cannot hold as numbers (written as null in ``scores``), as text: "inf", "-inf", "nan"."""
    return {k: str(v) for k, v in scores.items() if isinstance(v, float) and not (v == v and abs(v) != float("inf"))}


def _rank(result: RunResult, c) -> int:
    return next(i for i, r in enumerate(result.candidates) if r is c)


def equivalent(result: RunResult, ids: dict[str, str]) -> list[dict]:
    """The structures the data cannot tell apart, the pick first, as ``best`` is written (an additive field):
    each with ``rank`` (its place in ``candidates``), ``held_out_r2`` and ``differs`` (how far its field is
    from the pick's in the design box: the 90th percentile and the largest relative difference, the
    equation and the state where it is largest)."""
    out = []
    for a in result.equivalent:
        c = a.candidate
        out.append({**_entry(c, ids), "rank": _rank(result, c), "held_out_r2": _clean({"r": c.scores.get("short_r2")})["r"],
                    "differs": {"typical": float(a.typical), "largest": float(a.largest),
                                "variable": a.variable, "at": {k: float(v) for k, v in a.at.items()}}})
    return out


def suggestion(result: RunResult) -> dict | None:
    """``suggestion.json``: the experiment that separates the equivalent structures, each model's equations
    written as in ``equations.json`` beside its predicted trajectory."""
    if not result.suggestion:
        return None
    ids = identifiers(result.names + tuple(getattr(result, "inputs", ())))
    s = result.suggestion
    models = []
    for m in s["models"]:
        c = result.candidates[m["rank"]] if 0 <= m.get("rank", -1) < len(result.candidates) else None
        models.append({**({"equations": c.strings(ids)} if c is not None else {}), **m})
    return {"schema": SUGGESTION_SCHEMA, **{k: v for k, v in s.items() if k != "models"},
            "symbols": symbol_table(result.names), "models": models}


def to_dict(result: RunResult) -> dict:
    inputs = tuple(getattr(result, "inputs", ()))
    ids = identifiers(result.names + inputs)
    best = _entry(result.best, ids) if result.best else None
    if best is not None:
        best["confidence"] = result.confidence
        best["agreement"] = result.agreement
        readable = _readable(result.best, ids)
        if readable:
            best["readable"] = readable
    return {
        "schema": SCHEMA,
        "time": result.time_name,
        "variables": list(result.names),
        # measured inputs the equations read (no equation of their own); additive to the schema
        **({"inputs": list(inputs)} if inputs else {}),
        "symbols": symbol_table(result.names + inputs),
        "best": best,
        "candidates": [_entry(c, ids) for c in result.candidates],
        # the structures the data cannot tell apart, and where they were compared (additive)
        **({"equivalent": equivalent(result, ids)} if result.best is not None and result.equivalent else {}),
        **({"design_box": {k: list(v) for k, v in result.design_box.items()}} if result.design_box else {}),
    }
