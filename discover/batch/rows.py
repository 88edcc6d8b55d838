"""One data set's line of the batch summary, read from its run folder.

The run folder is the record: ``equations.json`` gives the selected equations (read through
the restricted parser, :meth:`~discover.core.candidates.Candidate.from_dict`), their scores and
confidence; ``run.json`` the time spent. Each selected equation is split into its terms, and
each term's coefficient is a *constant* of the data set, keyed ``"dx/dt: x*y"``; its standard
error is taken from the candidate's ``uncertainty`` (its refit) when the run recorded one.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from discover.core.errors import DataError

SCORES = ("short_r2", "validation_r2")


def term_key(var: str, time: str, term: str) -> str:
    """How a constant is named in the summary: ``"dx/dt: x*y"`` (the coefficient of ``x*y`` in dx/dt)."""
    from discover.core.printing import derivative_text

    return f"{derivative_text(var, time)}: {term}"


def _terms(expr) -> dict[str, float]:
    """``{term text: coefficient}`` of an expanded right-hand side (``"1"`` for a constant term)."""
    import sympy as sp

    from discover.core.printing import text

    out = {}
    for monomial, coeff in sp.expand(expr).as_coefficients_dict().items():
        try:
            value = float(coeff)
        except TypeError:
            continue
        label = "1" if monomial == 1 else text(monomial)
        out[label] = out.get(label, 0.0) + value
    return out


def _errors(cand, time: str, keys: set[str]) -> dict[str, float]:
    """Standard errors of the constants ``keys``, from the candidate's ``uncertainty`` (the refit of
    :mod:`discover.selection.uncertainty` stored in equations.json). A constant inside a term, or a
    term without an error, draws no error bar."""
    from discover.core.printing import text

    out = {}
    for v, rows in (cand.uncertainty or {}).items():
        for r in rows:
            if r.get("inner") or r.get("stderr") is None:
                continue
            key = term_key(v, time, "1" if r["term"] == 1 else text(r["term"]))
            try:
                e = float(r["stderr"])
            except (TypeError, ValueError):
                continue
            if key in keys and math.isfinite(e) and e >= 0:
                out[key] = e
    return out


def read_row(run_dir: str | Path) -> dict:
    """The summary facts of one finished run folder.

    Returns
    -------
    dict
        ``status`` ("ok", or "no model" when no candidate survived selection), ``method``,
        ``complexity``, ``confidence``, the scores in :data:`SCORES`, ``fit_s`` (seconds the
        run's steps took), ``equations`` (``{"dx/dt": text}``), ``constants`` and
        ``standard_errors`` (``{"dx/dt: x*y": value}``).

    Raises
    ------
    DataError
        ``run_dir`` does not hold discover's ``equations.json`` and ``run.json``.
    """
    from discover.core.candidates import Candidate
    from discover.core.printing import derivative_text, text

    d = Path(run_dir)
    try:
        eq = json.loads((d / "equations.json").read_text(encoding="utf-8"))
        run = json.loads((d / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"'{d}' is not a complete run folder ({exc}); run the batch again with `--force`.") from None
    names, time = tuple(eq["variables"]), eq["time"]
    timings = run.get("timings") or {}
    row = {"status": "ok", "method": None, "complexity": None, "confidence": None,
           **{s: None for s in SCORES}, "equations": {}, "constants": {}, "standard_errors": {},
           "fit_s": round(sum(v for v in timings.values() if isinstance(v, (int, float))), 3)}
    best = eq.get("best")
    if not best:
        return {**row, "status": "no model", "reason": "No candidate survived selection on held-out data."}
    if eq.get("space"):
        return _field_row(d, eq, run, row, best)
    cand = Candidate.from_dict(best, names, eq.get("symbols"), where=f"'{d / 'equations.json'}'")
    constants = {}
    for v in names:
        expr = cand.equations[v]
        row["equations"][derivative_text(v, time)] = text(expr)
        constants.update({term_key(v, time, t): c for t, c in _terms(expr).items()})
    row.update(method=best.get("method"), complexity=best.get("complexity"),
               confidence=(run.get("selection") or {}).get("confidence") or best.get("confidence"),
               constants=constants, standard_errors=_errors(cand, time, set(constants)))
    scores = best.get("scores") or {}
    row.update({s: scores.get(s) for s in SCORES})
    return row


def _field_row(d: Path, eq: dict, run: dict, row: dict, best: dict) -> dict:
    """:func:`read_row` of a field's run folder (``discover batch --space``): the PDE ``u_t = ...``,
    its terms (``u*u_x``) and their standard errors."""
    import sympy as sp

    from discover.core.expressions import parse_expression
    from discover.core.printing import text

    constants, errors = {}, {}
    std = best.get("std") or {}
    for v, formula in (best.get("equations") or {}).items():
        lhs = (eq.get("lhs") or {}).get(v, f"{v}_t")
        expr = parse_expression(str(formula), {}, f"'{d / 'equations.json'}'", new_symbol=sp.Symbol, error=DataError)
        row["equations"][lhs] = text(expr)
        for term, value in _terms(expr).items():
            constants[f"{lhs}: {term}"] = value
            if isinstance(std.get(term), (int, float)) and len(best["equations"]) == 1:
                errors[f"{lhs}: {term}"] = float(std[term])
    row.update(method=best.get("method"), complexity=best.get("complexity"),
               confidence=(run.get("selection") or {}).get("confidence") or eq.get("confidence"),
               constants=constants, standard_errors=errors)
    scores = best.get("scores") or {}
    row.update({s: scores.get(s) for s in SCORES})
    return row
