"""``discover suggest RUN_DIR``: the experiment a run proposes, read from its ``suggestion.json``.

Light: plain JSON is read and printed; nothing of the library's science is imported.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.markup import escape

from discover.core.errors import DataError
from discover.core.rundir import is_run_folder


def read_suggestion(run_dir: Path) -> dict:
    """The document ``--json`` prints: ``initial_state``, ``duration``, ``time``, ``design_box``, ``models``
    (each with ``method``, ``equations``, ``t`` and ``x``), or ``initial_state`` None and a ``reason``."""
    d = Path(run_dir)
    if not d.is_dir() or not is_run_folder(d) or not (d / "equations.json").is_file():
        raise DataError(f"'{d}' is not a discover run folder; give the folder `discover run --out` wrote.")
    try:
        eq = json.loads((d / "equations.json").read_text(encoding="utf-8"))
        path = d / "suggestion.json"
        doc = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, ValueError) as exc:
        raise DataError(f"'{d}' holds an unreadable equations.json or suggestion.json ({exc}); run `discover run` "
                        "again to write them afresh.") from None
    if doc is not None:
        return {"run_folder": str(d), **{k: v for k, v in doc.items() if k != "schema"}}
    if eq.get("best") is not None and "equivalent" not in eq:
        raise DataError(f"'{d}' was written by an older discover that did not look for competing structures; "
                        "run `discover run` again on its data.")
    n = len(eq.get("equivalent") or [])
    reason = ("no model was selected, so there is nothing to separate" if eq.get("best") is None else
              "the data single out one structure: no other fits as well and differs from it in the design box"
              if n <= 1 else "the competing models could not be simulated from any state in the design box")
    return {"run_folder": str(d), "initial_state": None, "duration": None, "time": eq.get("time"),
            "design_box": eq.get("design_box"), "models": [], "reason": reason}


def show(doc: dict, out) -> None:
    """Print the suggestion for a person."""
    if doc.get("initial_state") is None:
        out.print(f"No measurement to suggest: {escape(doc['reason'])}.", highlight=False, soft_wrap=True)
        return
    time = doc.get("time") or "t"
    start = ", ".join(f"{escape(k)} = {v:.6g}" for k, v in doc["initial_state"].items())
    out.print(f"[bold]Next measurement[/bold]: start at {start} and measure for {doc['duration']:.6g} "
              f"(in the data's unit of {escape(time)}).", highlight=False, soft_wrap=True)
    box = ", ".join(f"{escape(k)}: {lo:.4g}..{hi:.4g}" for k, (lo, hi) in (doc.get("design_box") or {}).items())
    which = {"missing_term": "the selected structure and the one with the term the data ask for",
             "rival": "the selected structure and its strongest rival of another structure"}.get(
        doc.get("separates"), f"the {len(doc['models'])} models that fit the data equally well")
    out.print(f"Chosen in the design box {box}, where {which} differ most (smallest pairwise distance {doc.get('separation', float('nan')):.3g} times the "
              "data's spread).", highlight=False, soft_wrap=True)
    names = list(doc["initial_state"])
    for m in doc["models"]:
        eqs = "; ".join(f"d{k}/d{time} = {v}" for k, v in (m.get("equations") or {}).items())
        t = m["t"]
        mid = len(t) // 2
        at = lambda i: ", ".join(f"{escape(n)} = {m['x'][n][i]:.4g}" for n in names)  # noqa: E731
        out.print(f"  {escape(m.get('method', ''))}: {escape(eqs)}", highlight=False, soft_wrap=True)
        out.print(f"    predicts at {time} = {t[mid]:.4g}: {at(mid)}; at {time} = {t[-1]:.4g}: {at(-1)}",
                  highlight=False, soft_wrap=True)
