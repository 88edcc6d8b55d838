"""Is the confidence calibrated? The table ``discover bench`` prints under its results.

For each confidence level the selection gave (``high``, ``medium``, ``low``), over the bench's
runs: how many runs, the share whose selected equations have the exact structure of the true
system, and the share whose simulation from a new initial state has R² above
:data:`GENERALISES`. A calibrated level means what it says: "high" comes with the exact
structure in at least :data:`TARGET_PRECISION` of runs, and at least :data:`TARGET_RECALL` of
the exact recoveries are rated "high" (issue 18).
"""

from __future__ import annotations

import math

LEVELS = ("high", "medium", "low")
GENERALISES = 0.9
TARGET_PRECISION = 0.9
TARGET_RECALL = 0.5


def calibration(rows: list[dict], recall: float = TARGET_RECALL) -> dict:
    """Per level: ``runs``, ``exact`` (share), ``generalises`` (share); and the two targets.

    ``rows`` are bench rows with a ``confidence`` (rows without one, such as the PySINDy
    baseline's, are left out).

    Returns
    -------
    dict
        ``levels``: {level: {"runs", "exact", "generalises"}}; ``high_exact`` (share of "high"
        runs with the exact structure, NaN without any), ``exact_rated_high`` (share of exact
        recoveries rated "high", NaN without any), ``met`` (both targets reached).
    """
    rated = [r for r in rows if r.get("confidence") in LEVELS]
    levels = {}
    for level in LEVELS:
        runs = [r for r in rated if r["confidence"] == level]
        n = len(runs)
        levels[level] = {
            "runs": n,
            "exact": sum(bool(r["exact"]) for r in runs) / n if n else math.nan,
            "generalises": sum(_ok(r.get("r2_new")) for r in runs) / n if n else math.nan,
        }
    exact = [r for r in rated if r["exact"]]
    high_exact = levels["high"]["exact"]
    rated_high = sum(r["confidence"] == "high" for r in exact) / len(exact) if exact else math.nan
    met = (not math.isnan(high_exact) and high_exact >= TARGET_PRECISION
           and not math.isnan(rated_high) and rated_high >= recall)
    return {"levels": levels, "high_exact": high_exact, "exact_rated_high": rated_high, "met": met}


def _ok(v) -> bool:
    return isinstance(v, (int, float)) and not math.isnan(v) and v > GENERALISES


def _pct(v: float) -> str:
    return "—" if math.isnan(v) else f"{v:.0%}"


def markdown(rows: list[dict], recall: float = TARGET_RECALL) -> str:
    """The calibration table in Markdown, with the two targets (``recall``: the share of exact recoveries rated
    high asked for) and whether they were met."""
    cal = calibration(rows, recall)
    lines = [f"| confidence | runs | exact structure | R² new > {GENERALISES:g} |", "|---|---|---|---|"]
    for level, c in cal["levels"].items():
        lines.append(f"| {level} | {c['runs']} | {_pct(c['exact'])} | {_pct(c['generalises'])} |")
    lines.append("")
    lines.append(f"\"high\" runs with the exact structure: {_pct(cal['high_exact'])} (target ≥ {TARGET_PRECISION:.0%}); "
                 f"exact recoveries rated \"high\": {_pct(cal['exact_rated_high'])} (target ≥ {recall:.0%}); "
                 f"{'targets met' if cal['met'] else 'targets not met'}.")
    return "\n".join(lines)
