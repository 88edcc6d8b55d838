"""``summary.html``: the batch summary a person reviews, self-contained (figures as data URIs).

Rendered from ``templates/summary.html.j2`` with autoescaping on: data set names, metadata,
column names and equations are labels from the user's files and are escaped like any text.
It shows the table of :mod:`discover.batch.summary`, which terms appear in which data set (with
their coefficients), and the figures of :mod:`discover.batch.plots`.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path

import pandas as pd

from discover.batch.plots import constant_figure, numeric_columns, plotted_constants
from discover.batch.rows import SCORES


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def context(frame: pd.DataFrame, title: str) -> dict:
    """What the template shows, as plain strings."""
    meta, eqs, consts = (frame.attrs.get(k, []) for k in ("metadata", "equations", "constants"))
    columns = ["dataset", "status", *meta, "method", *eqs, "confidence", *SCORES, "complexity", "fit_s", "wall_s"]
    rows = [{"cells": [_cell(r.get(c)) for c in columns], "status": r["status"], "reason": r.get("reason") or "",
             "folder": r.get("run_folder")} for r in frame.to_dict("records")]
    ok = frame[frame["status"] == "ok"]
    terms = [{"term": k, "cells": [_cell(v) for v in ok[k]], "count": int(ok[k].notna().sum())} for k in consts]
    figures = [{"column": col, "src": "data:image/png;base64," + base64.b64encode(constant_figure(frame, col)).decode()}
               for col in numeric_columns(frame)] if plotted_constants(frame) else []
    counts = frame["status"].value_counts().to_dict()
    return {"title": title, "columns": columns, "rows": rows, "datasets": list(ok["dataset"]), "terms": terms,
            "figures": figures, "counts": counts, "total": len(frame),
            "errors": any(c.startswith("se ") for c in frame.columns)}


def write_html(frame: pd.DataFrame, path: Path, title: str = "discover batch summary") -> None:
    """Render ``summary.html`` into ``path`` (through a temporary file)."""
    import jinja2

    from discover.batch.folder import write_atomic

    env = jinja2.Environment(loader=jinja2.PackageLoader("discover.batch", "templates"), autoescape=True,
                             keep_trailing_newline=True)
    write_atomic(path, env.get_template("summary.html.j2").render(**context(frame, title)))
