"""The batch summary as a table: one row per data set, written to ``summary.csv``.

Columns, in order: ``dataset``, ``status`` ("ok", "no model", "failed", "timed out", "not run"),
``reason`` (one sentence when not ok), the manifest's metadata columns, ``method``, one column per
selected equation (``dx/dt``), ``confidence``, the key scores, ``complexity``, ``fit_s`` (seconds
the run's steps took), ``wall_s`` (seconds of this batch's task; 0 when it was skipped),
``recomputed``, ``run_folder``, then one column per constant (``dx/dt: x*y``, the coefficient
of that term) and its standard error (``se dx/dt: x*y``) where the runs recorded one.
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


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``summary.csv``, written through a temporary file."""
    from discover.batch.folder import write_atomic

    write_atomic(path, frame.to_csv(index=False, float_format="%.10g"))
