"""The batch summary as a table: one row per data set, written to ``summary.csv``.

Columns, in order: ``dataset``, ``status`` ("ok", "no model", "failed", "timed out", "not run"),
``reason`` (one sentence when not ok), the manifest's metadata columns, ``method``, one column per
selected equation (``dx/dt``), ``confidence``, the key scores, ``complexity``, ``fit_s`` (seconds
the run's steps took), ``wall_s`` (seconds of this batch's task; 0 when it was skipped),
``recomputed``, ``run_folder``, then one column per constant (``dx/dt: x*y``, the coefficient
of that term) and its standard error (``se dx/dt: x*y``) where the runs recorded one.

In ``summary.csv`` a text cell or column name that a spreadsheet would read as a formula begins
with ``'`` (an equation ``-0.5*x`` is written ``'-0.5*x``); numbers are written as they are.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from discover.batch.manifest import DataSet
from discover.batch.rows import SCORES

STATUS_OK = ("ok",)


def summary_frame(datasets: list[DataSet], results: dict[str, dict], out: str | Path) -> pd.DataFrame:
    """The summary table of ``datasets`` in manifest order; a data set with no result is "not run"."""
    meta_cols = list(dict.fromkeys(k for d in datasets for k in d.metadata))
    eq_cols = list(dict.fromkeys(k for r in results.values() for k in (r.get("equations") or {})))
    const_cols = list(dict.fromkeys(k for r in results.values() for k in (r.get("constants") or {})))
    se_cols = [k for k in const_cols if any(k in (r.get("standard_errors") or {}) for r in results.values())]
    rows = []
    for d in datasets:
        r = results.get(d.name) or {"status": "not run", "reason": "The batch stopped before this data set ran."}
        done = r.get("status") in ("ok", "no model")
        row = {"dataset": d.name, "status": r.get("status"), "reason": r.get("reason") or "",
               **{k: d.metadata.get(k) for k in meta_cols}, "method": r.get("method")}
        row.update({k: (r.get("equations") or {}).get(k) for k in eq_cols})
        row.update({"confidence": r.get("confidence"), **{s: r.get(s) for s in SCORES},
                    "complexity": r.get("complexity"), "fit_s": r.get("fit_s"),
                    "wall_s": r.get("wall_s"), "recomputed": (not r.get("cached")) if done else None,
                    "run_folder": str(Path("runs") / d.folder) if done else None})
        row.update({k: (r.get("constants") or {}).get(k) for k in const_cols})
        row.update({f"se {k}": (r.get("standard_errors") or {}).get(k) for k in se_cols})
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs.update(metadata=meta_cols, equations=eq_cols, constants=const_cols, out=str(out))
    return frame


#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell):
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'`` (OWASP's advice);
    numbers, and text that cannot start a formula, as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name passed through :func:`neutral` (numeric
    columns are never touched: ``-0.5`` stays a number)."""
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(neutral)
    return out.rename(columns=lambda c: neutral(str(c)))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``summary.csv``, written through a temporary file; text cells from labels (data set names,
    metadata, equations, reasons) and column names that a spreadsheet would run as a formula
    (starting with ``= + - @``, a tab or a carriage return) begin with ``'`` (:func:`csv_safe`)."""
    from discover.batch.folder import write_atomic

    write_atomic(path, csv_safe(frame).to_csv(index=False, float_format="%.10g"))
