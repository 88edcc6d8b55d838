"""The selected equations' constants with their standard errors, for the report's table.

Every constant of the selected candidate, whatever method found it, carries the standard error
of the least-squares refit of its structure on the data
(:mod:`discover.selection.uncertainty`); a constant whose standard error is above
:data:`LOOSE` of its value is one the data barely fix, and the report names it.
"""

from __future__ import annotations

import math

from discover.core import printing

LOOSE = 0.25


def _se_text(value: float, se) -> str:
    """'± 0.021 (1.6%)'."""
    if se is None or not math.isfinite(se):
        return "—"
    rel = f" ({abs(se / value):.1%})" if value else ""
    return f"± {se:.2g}{rel}"


def constants(result) -> dict | None:
    """Rows (derivative, term, value, standard error, loose) and the loose constants' names, or None."""
    best = result.best
    if best is None or not best.uncertainty:
        return None
    rows = []
    for v in result.names:
        for r in best.uncertainty.get(v, []):
            term = printing.text(r["term"])
            what = f"constant inside {term}" if r["inner"] else term
            se = r["stderr"]
            loose = se is not None and math.isfinite(se) and r["value"] != 0 and abs(se / r["value"]) > LOOSE
            simpler = r.get("simpler")
            rows.append({"lhs": printing.derivative_text(v, result.time_name), "term": what,
                         "value": f"{r['value']:.4g}", "se": _se_text(r["value"], se), "loose": loose,
                         "simpler": None if simpler is None else f"≈ {simpler:g}, within its standard error"})
    loose = [f"{r['term']} in {r['lhs']}" for r in rows if r["loose"]]
    return {"rows": rows, "loose": loose}
