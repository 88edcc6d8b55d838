"""The tables of ``discover bench --suite odebench`` (rows from :mod:`discover.bench.odebench`).

Per noise level and method: runs, the share with the exact structure, the shares whose
reconstruction and generalisation R² exceed 0.9, the median seconds; for discover, the
calibration of its confidence (:mod:`discover.bench.calibration`: per level runs, share exact,
share generalising; "high" ⇒ exact; exact rated "high") and, for the runs that are not exact,
whether the true structure is in the run's equivalence set or the run was rated below "high";
then every run.
"""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

from discover.bench.calibration import calibration
from discover.bench.calibration import markdown as markdown_calibration

#: Issue 30 asks that at least this share of ODEBench's exact recoveries be rated high (the reference
#: bench's own target, :data:`discover.bench.calibration.TARGET_RECALL`, is a half).
ODEBENCH_RECALL = 0.6

SUCCESS = 0.9


def _share(rows, key) -> float:
    return sum(bool(key(r)) for r in rows) / len(rows) if rows else math.nan


def _pct(v: float) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0%}"


def _num(v: float) -> str:
    return "—" if isinstance(v, float) and math.isnan(v) else f"{v:.1f}"


def _cell(text) -> str:
    """Text in a Markdown table cell: pipes, backticks and line breaks escaped."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'").replace("\n", " ")


def _calibration_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "r2_new": r["r2_gen"]} for r in rows if r["method"] == "discover"]


def summary(rows: list[dict]) -> list[dict]:
    """One line per (noise, method): runs, exact, reconstruction and generalisation shares, median s;
    for discover also "high" ⇒ exact and the share of exact recoveries rated "high"."""
    out = []
    for noise in sorted({r["noise"] for r in rows}):
        methods = list(dict.fromkeys(r["method"] for r in rows if r["noise"] == noise))
        for m in methods:
            rs = [r for r in rows if r["noise"] == noise and r["method"] == m]
            line = {"noise": noise, "method": m, "runs": len(rs),
                    "exact": _share(rs, lambda r: r["exact"]),
                    "reconstruction": _share(rs, lambda r: r["r2_rec"] > SUCCESS),
                    "generalisation": _share(rs, lambda r: r["r2_gen"] > SUCCESS),
                    "median_seconds": statistics.median(r["seconds"] for r in rs),
                    "median_cpu": statistics.median(r["cpu_seconds"] for r in rs) if all(
                        "cpu_seconds" in r for r in rs) else math.nan,
                    "failed": sum(bool(r.get("error")) for r in rs)}
            if m == "discover":
                cal = calibration(_calibration_rows(rs))
                line.update(high_exact=cal["high_exact"], exact_rated_high=cal["exact_rated_high"])
            out.append(line)
    return out


def _equivalence(rows: list[dict]) -> str:
    ours = [r for r in rows if r["method"] == "discover" and not r["exact"]]
    if not ours:
        return "Every discover run found the exact structure."
    reported = [r for r in ours if r.get("truth_in_equivalent") is not None]
    covered = [r for r in ours if r.get("truth_in_equivalent") or r.get("confidence") != "high"]
    text = (f"Runs without the exact structure: {len(ours)}; of these, the true structure is in the "
            f"equivalence set or the run is rated below high in {len(covered)} ({_pct(len(covered) / len(ours))}).")
    if not reported:
        text += " (These runs report no equivalence set: the result has no `equivalent` list.)"
    else:
        text += f" The true structure is in the equivalence set in {sum(bool(r['truth_in_equivalent']) for r in reported)}."
    return text


def markdown(rows: list[dict], title: str = "ODEBench") -> str:
    """Summary, calibration per noise level, and every run, in Markdown."""
    lines = [f"# {title}", "",
             "ODEBench (63 systems; d'Ascoli et al. 2024, ODEFormer) at ODEFormer's protocol: 512 samples on t ∈ [0, 10] "
             "from the first published initial state, noise x·(1 + σε); reconstruction R² from the first "
             "initial state, generalisation R² from the second (variance-weighted; a failed simulation scores 0); "
             f"success is R² > {SUCCESS:g}. Exact: the same terms after expansion in every equation.", "",
             "| σ | method | runs | exact | reconstruction R² > 0.9 | generalisation R² > 0.9 | median s | "
             "median CPU s | high ⇒ exact | exact rated high | failed |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in summary(rows):
        lines.append(f"| {s['noise']:g} | {s['method']} | {s['runs']} | {_pct(s['exact'])} | {_pct(s['reconstruction'])} | "
                     f"{_pct(s['generalisation'])} | {s['median_seconds']:.1f} | {_num(s['median_cpu'])} | {_pct(s.get('high_exact'))} | "
                     f"{_pct(s.get('exact_rated_high'))} | {s['failed']} |")
    for noise in sorted({r["noise"] for r in rows}):
        rs = [r for r in rows if r["noise"] == noise]
        lines += ["", f"## discover's confidence at σ = {noise:g}", "", markdown_calibration(_calibration_rows(rs), ODEBENCH_RECALL),
                  "", _equivalence(rs)]
    lines += ["", "## Every run", "",
              "| id | σ | method | exact | R² rec. | R² gen. | confidence | truth in equivalence set | s | equations or error |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        eq = r.get("equations") or r.get("error") or "none"
        eq = eq if len(eq) <= 160 else eq[:159] + "…"
        tie = r.get("truth_in_equivalent")
        lines.append(f"| {r['id']} | {r['noise']:g} | {r['method']} | {'yes' if r['exact'] else 'no'} | "
                     f"{r['r2_rec']:.3f} | {r['r2_gen']:.3f} | {_cell(r.get('confidence') or '—')} | "
                     f"{'—' if tie is None else ('yes' if tie else 'no')} | {r['seconds']:.1f} | `{_cell(eq)}` |")
    return "\n".join(lines) + "\n"


def write_results(rows: list[dict], out_dir, title: str = "ODEBench") -> Path:
    """Write ``odebench.md``, ``odebench.csv`` and ``odebench.json`` into ``out_dir``; return the Markdown path."""
    import pandas as pd

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out / "odebench.csv", index=False)
    (out / "odebench.json").write_text(json.dumps(rows, indent=1, default=str) + "\n")
    md = out / "odebench.md"
    md.write_text(markdown(rows, title))
    return md
