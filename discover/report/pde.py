"""The run folder of a PDE discovery: report.md, report.html, equations.json, figures/, run.json, data.npz.

The PDE is written ``u_t = ...`` with subscript derivative names (``u_x``, ``u_xx``); labels
read from the data are escaped by the templates (:mod:`discover.report.markup`) and by
:mod:`discover.core.printing`. ``equations.json`` keeps the ODE schema's fields and adds ``space``
(the spatial coordinates) and ``form`` per candidate. The folder is written through
:func:`discover.core.rundir.replace_folder`, like every run folder.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np

from discover.core.expressions import identifiers
from discover.core.printing import mathml, mathml_label
from discover.core.rundir import replace_folder
from discover.fields.fit import FieldResult, PdeCandidate
from discover.fields.terms import derivative_name, labels, term_text, to_sympy, to_text
from discover.report import markup

SCHEMA = "discover.equations/1"


def _ids(result: FieldResult) -> tuple[str, str, str, str]:
    f = result.fields[0]
    ids = identifiers([*f.names, *f.space_names, f.time_name])
    return f.names[0], f.space_names[0], ids[f.names[0]], ids[f.space_names[0]]


def equation_text(cand: PdeCandidate, result: FieldResult) -> str:
    """``-1.0003*u*u_x + 0.10012*u_xx`` on identifiers (sympy reads it with the derivative names as
    symbols), every coefficient as fitted (``repr``)."""
    _, _, name, space = _ids(result)
    return to_text(cand.terms, name, space, digits=None)


def equation_texts(cand, result: FieldResult) -> dict[str, str]:
    """Per field label, the right-hand side of its equation on identifiers, every coefficient as fitted."""
    if result.basis is not None:
        from discover.report.pde_system import equation_texts as system_texts

        return system_texts(cand, result)
    return {result.fields[0].names[0]: equation_text(cand, result)}


def to_dict(result: FieldResult) -> dict:
    """The content of ``equations.json``."""
    if result.basis is not None:
        from discover.report.pde_system import to_dict as system_dict

        return system_dict(result, SCHEMA)
    f = result.fields[0]
    name = f.names[0]

    def finite(v):
        # JSON has no NaN or infinity: a score that does not exist (a blow-up, the PINN's regression
        # residual) is written as null.
        return v if not isinstance(v, float) or math.isfinite(v) else None

    def one(c: PdeCandidate) -> dict:
        return {"method": f"pde-{c.form}", "form": c.form, "equations": {name: equation_text(c, result)},
                "complexity": c.complexity,
                "scores": {"validation_r2": finite(c.scores.get("r2")), "validation_error": finite(c.scores.get("error")),
                           "failed": c.scores.get("failed"), "residual": finite(c.residual)},
                **({"std": {term_text(m, *_ids(result)[2:]): s for m, s in c.std.items()}} if c.std else {})}

    best = one(result.best) if result.best else None
    return {"schema": SCHEMA, "time": f.time_name, "variables": list(f.names), "space": list(f.space_names),
            "lhs": {name: derivative_name(_ids(result)[2], 1, identifiers([f.time_name])[f.time_name])},
            "best": best, "confidence": result.confidence,
            "candidates": [one(c) for c in result.candidates]}


def spacetime_figure(result: FieldResult, path: Path) -> None:
    """Space-time images of the data, the selected model (free run) and their difference (first run)."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.usetex"] = False
    import matplotlib.pyplot as plt

    f = result.fields[0]
    u = f.values[..., 0]
    model = result.model_runs[0] if result.model_runs else None
    panels = [("data", u)]
    if model is not None:
        panels += [("model (simulated from the first sample)", model), ("residual (data - model)", u - model)]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    x = f.coords[0]
    lo, hi = float(np.min(u)), float(np.max(u))
    for ax, (title, z) in zip(axes[0], panels):
        resid = title.startswith("residual")
        lim = float(np.max(np.abs(z))) or 1.0
        im = ax.pcolormesh(x, f.t, z, shading="auto", cmap="RdBu_r" if resid else "viridis",
                           vmin=-lim if resid else lo, vmax=lim if resid else hi)
        ax.axhline(f.t[result.holdout[0][0]], color="w", lw=0.8, ls="--")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f.space_names[0].replace("$", r"\$"))
        ax.set_ylabel(f.time_name.replace("$", r"\$"))
        fig.colorbar(im, ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _context(result: FieldResult) -> dict:
    if result.basis is not None:
        from discover.report.pde_system import context

        return context(result)
    f = result.fields[0]
    name, space = f.names[0], f.space_names[0]
    best = result.best
    lhs = derivative_name(name, 1, f.time_name)
    ctx = {"title": f"PDE discovered: {lhs} = …" if best else "PDE discovery: no model", "best": best is not None,
           "figure_alt": "space-time images of data, model and residual",
           "confidence": result.confidence, "reasons": result.reasons,
           "holdout": f"{result.holdout[0][1]}", "n_boot": 0,
           "solver": "spectral ETDRK4, periodic in x" if f.periodic and f.periodic[0] else
           "method of lines, edges held at the data",
           "data_text": (f"{len(result.fields)} run(s) of {f.t.size} times × {f.coords[0].size} positions; "
                         f"estimated noise standard deviation {result.info.get('noise', [0])[0]:.3g}. "
                         "The dashed line marks the start of the held-out samples.")}
    if best is not None:
        ctx["equation_text"] = f"{lhs} = {to_text(best.terms, name, space)}"
        ctx["equation_lines"] = [ctx["equation_text"]]
        lab = labels(name, space)
        ctx["equations_mathml"] = [_subscripts(mathml_label(lhs) + markup_eq() + mathml(to_sympy(best.terms), lab),
                                               name, space, f.time_name)]
        ctx["best_form"] = best.form
        ctx["complexity"] = best.complexity
        ctx["r2"] = f"{best.scores['r2']:.5f}"
        ctx["coefficients"] = [{"term": term_text(m, name, space), "value": f"{c:.5g}",
                                "std": f"{best.std.get(m, float('nan')):.2g}"} for m, c in best.terms.items()]
        ctx["inclusion"] = [(k, f"{v:.2f}") for k, v in sorted(best.inclusion.items(), key=lambda kv: -kv[1])]
        ctx["n_boot"] = result.info.get("bootstrap", "bootstrap")
    ctx["candidates"] = [{"form": c.form, "text": to_text(c.terms, name, space), "complexity": c.complexity,
                          "error": "-" if not np.isfinite(c.scores.get("error", np.inf)) else f"{c.scores['error']:.4g}",
                          "status": c.scores.get("failed") or ("selected" if c is best else "ok")}
                         for c in result.candidates]
    return ctx


def _subscripts(m, name: str, space: str, time: str):
    """``<mi>u_xx</mi>`` written as a subscript, u with xx below (every part escaped)."""
    from markupsafe import Markup, escape

    text = str(m)
    for sub in [time] + [space * j for j in range(4, 0, -1)]:
        text = text.replace(f"<mi>{escape(name + '_' + sub)}</mi>",
                            f"<msub><mi>{escape(name)}</mi><mi>{escape(sub)}</mi></msub>")
    return Markup(text)


def markup_eq():
    from markupsafe import Markup

    return Markup("<mo>=</mo>")


def write_field_run(result: FieldResult, out: str | Path, provenance: dict, settings: dict,
                    force: bool = False, figures: bool = True) -> str:
    """Write the PDE run folder at ``out`` (built beside it, swapped in when complete).

    ``figures=False`` draws no figure (matplotlib is not imported): the reports keep their text and
    tables and say where the figure would be; ``discover report DIR`` draws it later.
    """
    from discover.report.context import budget_cuts, budget_text
    from discover.report.versions import versions

    def build(tmp: Path) -> None:
        images = {}
        if figures:
            (tmp / "figures").mkdir()
            if result.basis is not None:
                from discover.report.pde_system import figure

                figure(result, tmp / "figures" / "spacetime.png")
            else:
                spacetime_figure(result, tmp / "figures" / "spacetime.png")
            images["spacetime"] = ("data:image/png;base64,"
                                   + base64.b64encode((tmp / "figures" / "spacetime.png").read_bytes()).decode())
        ctx = {**_context(result), "figures": figures, "budget": budget_text(settings),
               "budget_cuts": budget_cuts(settings.get("plan"))}
        (tmp / "report.md").write_text(markup.markdown_environment().get_template("pde.md.j2").render(**ctx),
                                       encoding="utf-8")
        html = markup.html_environment().get_template("pde.html.j2").render(images=images, **ctx)
        (tmp / "report.html").write_text(html, encoding="utf-8")
        (tmp / "equations.json").write_text(json.dumps(to_dict(result), indent=2) + "\n", encoding="utf-8")
        arrays = {}
        for i, f in enumerate(result.fields):
            arrays[f"fields/{i}/t"] = f.t
            for name, g in zip(("x", "y"), f.coords):
                arrays[f"fields/{i}/{name}"] = g
            arrays[f"fields/{i}/u"] = f.values
            model = result.model_runs[i] if i < len(result.model_runs) else None
            if model is not None:  # the selected model's free run, so `discover report` need not simulate
                arrays[f"fields/{i}/model"] = model
        np.savez_compressed(tmp / "data.npz", **arrays)
        run = {"schema": "discover.run/1", "kind": "field", "settings": settings,
               "provenance": {**provenance, "versions": provenance.get("versions") or versions()},
               "timings": result.timings,
               "selection": {"confidence": result.confidence, "reasons": result.reasons},
               "field": field_record(result), "info": plain(result.info)}
        (tmp / "run.json").write_text(json.dumps(run, indent=2, default=str) + "\n", encoding="utf-8")

    replace_folder(Path(out), build, force=force)
    return str(out)


def plain(value):
    """``value`` as JSON writes it faithfully: arrays and NumPy numbers as lists and Python numbers."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def field_record(result: FieldResult) -> dict:
    """What ``run.json`` keeps of a field run besides the equations, so the folder reads back whole: the
    runs' labels, the held-out rows, the periodic axes, the derivative order of a system's atoms and
    the pick's bootstrap inclusion probabilities."""
    f = result.fields[0]
    best = result.best
    inclusion = None
    if best is not None:
        inclusion = list(best.inclusion) if result.basis is not None else best.inclusion
    return {"runs": [g.run for g in result.fields], "holdout": [[int(a), int(b)] for a, b in result.holdout],
            "periodic": [bool(p) for p in f.periodic],
            "max_order": result.basis.max_order if result.basis is not None else None,
            "inclusion": plain(inclusion)}


__all__ = ["equation_text", "equation_texts", "field_record", "spacetime_figure", "to_dict", "write_field_run"]
