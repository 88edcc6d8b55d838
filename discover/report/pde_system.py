"""What the PDE run folder shows for a system of fields or a field in two dimensions.

The same documents as one field on a line (:mod:`discover.report.pde`): one equation per field
(``u_t = 0.1*u_xx + 0.1*u_yy + ...``), one coefficient table with a field column, and the
images of every field: a space-time image per field on a line (data, model, residual), and in
two dimensions snapshots of the data and the model at four times. ``equations.json`` writes one
equation per variable, as for ODE systems, and the standard errors per field.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from discover.core.expressions import identifiers
from discover.core.printing import mathml, mathml_label


def _finite(v):
    return v if not isinstance(v, float) or math.isfinite(v) else None


def _ids(result):
    f = result.fields[0]
    ids = identifiers([*f.names, *f.space_names, f.time_name])
    return [ids[n] for n in f.names], [ids[s] for s in f.space_names], ids[f.time_name]


def equation_texts(cand, result) -> dict[str, str]:
    """Per field label, its right-hand side on identifiers, every coefficient as fitted."""
    names, space, _ = _ids(result)
    b = result.basis
    return {lab: b.to_text(eq, names, space, digits=None) for lab, eq in zip(result.fields[0].names, cand.equations)}


def to_dict(result, schema: str) -> dict:
    """The content of ``equations.json`` for a system."""
    f = result.fields[0]
    names, space, time = _ids(result)
    b = result.basis

    def one(c) -> dict:
        out = {"method": f"pde-{c.form}", "form": c.form, "equations": equation_texts(c, result),
               "complexity": c.complexity,
               "scores": {"validation_r2": _finite(c.scores.get("r2")), "validation_error": _finite(c.scores.get("error")),
                          "failed": c.scores.get("failed"), "residual": _finite(c.residual)}}
        if c.std:
            out["std"] = {lab: {b.term_text(m, names, space): s for m, s in std.items()}
                          for lab, std in zip(f.names, c.std)}
        return out

    return {"schema": schema, "time": f.time_name, "variables": list(f.names), "space": list(f.space_names),
            "lhs": {lab: f"{i}_{time}" for lab, i in zip(f.names, names)},
            "best": one(result.best) if result.best else None, "confidence": result.confidence,
            "candidates": [one(c) for c in result.candidates]}


def _subscripts(text: str, result) -> str:
    """``<mi>u_xy</mi>`` written as u with xy below (every part escaped)."""
    from markupsafe import escape

    f = result.fields[0]
    b = result.basis
    subs = [(b.atom_name(i), f.names[a[0]], b.atom_name(i)[len(f.names[a[0]]) + 1:])
            for i, a in enumerate(b.atoms) if any(a[1])]
    subs += [(f"{n}_{f.time_name}", n, f.time_name) for n in f.names]
    for full, name, sub in sorted(subs, key=lambda s: -len(s[0])):
        text = text.replace(f"<mi>{escape(full)}</mi>", f"<msub><mi>{escape(name)}</mi><mi>{escape(sub)}</mi></msub>")
    return text


def context(result) -> dict:
    """The template context of a system (the keys of the one-field context)."""
    from markupsafe import Markup

    f = result.fields[0]
    b = result.basis
    best = result.best
    grid = " × ".join(str(g.size) for g in f.coords)
    noise = ", ".join(f"{n} {s:.3g}" for n, s in zip(f.names, result.info.get("noise", [[0.0] * len(f.names)])[0]))
    w = result.info.get("weak", {})
    ctx = {"title": "PDE system discovered" if best else "PDE discovery: no model", "best": best is not None,
           "confidence": result.confidence, "reasons": result.reasons, "holdout": f"{result.holdout[0][1]}",
           "n_boot": result.info.get("bootstrap", 0), "field_column": True,
           "solver": ("spectral ETDRK4, periodic" if all(f.periodic) else "method of lines, edges held at the data"),
           "data_text": (f"{len(result.fields)} run(s) of {f.t.size} times × {grid} positions, fields "
                         f"{', '.join(f.names)}; estimated noise standard deviation {noise}. Weak form: "
                         f"{w.get('rows', 0)} test functions of half-width {w.get('m_t', '-')} times and "
                         f"{', '.join(map(str, w.get('m_x', [])))} positions (centres subsampled to at most 20,000 "
                         "per run; the integrals stream over the products of fields, so memory stays a few copies "
                         f"of one field), {w.get('columns', 0)} library columns."),
           "figure_alt": ("space-time images of each field: data, model and residual" if f.n_space == 1 else
                          "snapshots of each field at four times: data and model")}
    if best is not None:
        lines, maths = [], []
        for i, (n, eq) in enumerate(zip(f.names, best.equations)):
            lhs = f"{n}_{f.time_name}"
            lines.append(f"{lhs} = {b.to_text(eq)}")
            maths.append(Markup(_subscripts(str(mathml_label(lhs) + Markup("<mo>=</mo>") +
                                                mathml(b.to_sympy(eq), b.labels())), result)))
        ctx.update(equation_lines=lines, equation_text="\n".join(lines), equations_mathml=maths, best_form=best.form,
                   complexity=best.complexity, r2=f"{best.scores['r2']:.5f}")
        ctx["coefficients"] = [{"field": n, "term": b.term_text(m), "value": f"{c:.5g}",
                                "std": f"{std.get(m, float('nan')):.2g}"}
                               for n, eq, std in zip(f.names, best.equations, best.std or [{}] * len(f.names))
                               for m, c in sorted(eq.items(), key=lambda kv: b.sort_key(kv[0]))]
        ctx["inclusion"] = [(f"{n}: {k}", f"{v:.2f}") for n, inc in zip(f.names, best.inclusion or [])
                            for k, v in sorted(inc.items(), key=lambda kv: -kv[1])]
    ctx["candidates"] = [{"form": c.form, "text": "; ".join(f"{n}_{f.time_name} = {b.to_text(e)}"
                                                            for n, e in zip(f.names, c.equations)),
                          "complexity": c.complexity,
                          "error": "-" if not np.isfinite(c.scores.get("error", np.inf)) else f"{c.scores['error']:.4g}",
                          "status": c.scores.get("failed") or ("selected" if c is best else "ok")}
                         for c in result.candidates]
    return ctx


def figure(result, path: Path) -> None:
    """Each field's images (first run): space-time images on a line, snapshots in two dimensions."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.usetex"] = False
    import matplotlib.pyplot as plt

    f = result.fields[0]
    model = result.model_runs[0] if result.model_runs else None
    esc = lambda s: str(s).replace("$", r"\$")  # noqa: E731 - labels are shown literally
    nf = len(f.names)
    if f.n_space == 1:
        cols = 3 if model is not None else 1
        fig, axes = plt.subplots(nf, cols, figsize=(4.2 * cols, 3.4 * nf), squeeze=False)
        for k in range(nf):
            u = f.values[..., k]
            panels = [("data", u)] + ([("model", model[..., k]), ("residual (data - model)", u - model[..., k])]
                                      if model is not None else [])
            for ax, (title, z) in zip(axes[k], panels):
                resid = title.startswith("residual")
                lim = float(np.max(np.abs(z))) or 1.0
                im = ax.pcolormesh(f.coords[0], f.t, z, shading="auto", cmap="RdBu_r" if resid else "viridis",
                                   vmin=-lim if resid else float(u.min()), vmax=lim if resid else float(u.max()))
                ax.axhline(f.t[result.holdout[0][0]], color="w", lw=0.8, ls="--")
                ax.set_title(f"{esc(f.names[k])}: {title}", fontsize=9)
                ax.set_xlabel(esc(f.space_names[0]))
                ax.set_ylabel(esc(f.time_name))
                fig.colorbar(im, ax=ax)
    else:
        rows_t = result.info.get("snapshots", [[0, f.t.size - 1]])[0]
        n_rows = nf * (2 if model is not None else 1)
        fig, axes = plt.subplots(n_rows, len(rows_t), figsize=(3.0 * len(rows_t), 2.8 * n_rows), squeeze=False)
        r = 0
        for k in range(nf):
            u = f.values[..., k]
            sets = [("data", [u[i] for i in rows_t])]
            if model is not None:
                sets.append(("model", [model[j, ..., k] for j in range(len(rows_t))]))
            for title, snaps in sets:
                for c, (i, z) in enumerate(zip(rows_t, snaps)):
                    ax = axes[r, c]
                    ax.imshow(z.T, origin="lower", cmap="viridis", vmin=float(u.min()), vmax=float(u.max()),
                              extent=[f.coords[0][0], f.coords[0][-1], f.coords[1][0], f.coords[1][-1]])
                    ax.set_title(f"{esc(f.names[k])} {title}, {esc(f.time_name)} = {f.t[i]:.3g}", fontsize=8)
                    ax.set_xlabel(esc(f.space_names[0]), fontsize=8)
                    ax.set_ylabel(esc(f.space_names[1]), fontsize=8)
                    ax.tick_params(labelsize=7)
                r += 1
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


__all__ = ["context", "equation_texts", "figure", "to_dict"]
