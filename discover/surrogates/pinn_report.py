"""What the hidden-term PINN adds to a report: its model as known part plus hidden term, the named
constants with their standard errors, and the hidden-term network beside the distilled formula.

The section is built from the run's result alone (a candidate's :class:`~discover.core.candidates.KnownAndHidden`,
its named constants in ``settings`` and the fitted curves of the surrogate's record), so a run
folder read back shows the same; nothing here imports torch.
"""

from __future__ import annotations

from pathlib import Path

import sympy as sp

from discover.core import printing
from discover.core.section import Figure, Section, Table, Text

LOOSE = 0.25  # a standard error above this share of the value: the data barely fix the constant


def _loose(value: float, se: float | None) -> bool:
    return se is not None and value != 0 and abs(se / value) > LOOSE


def _spread(value: float, se: float | None) -> str:
    """'± 0.021 (1.6%)': one standard error from the output-error fit, and relative."""
    if se is None:
        return "—"
    rel = f" ({abs(se / value):.0%})" if value else ""
    return f"± {se:.2g}{rel}"


def shown_candidate(result):
    """The candidate whose known and hidden parts the report shows: the pick when it has them, else the
    best ranked that has (None when no candidate has)."""
    pinned = [c for c in result.candidates if c.parts is not None]
    if not pinned:
        return None
    return result.best if result.best is not None and result.best.parts is not None else pinned[0]


def _constants(st: dict) -> list[tuple[str, float, str, str, str]]:
    """``(name, value, standard error, PINN's estimate, how)`` of every named constant."""
    se, pinn = st.get("standard_errors", {}), st.get("pinn_parameters", {})
    fitted = [(k, k, v, f"{pinn.get(k, float('nan')):.4g}", "learned") for k, v in st.get("parameters", {}).items()]
    fitted += [(f"coefficient of {k}", k, v, "—", "hidden term") for k, v in st.get("hidden_constants", {}).items()]
    rows = [(name, f"{v:.4g}", _spread(v, se.get(k)), est, how, _loose(v, se.get(k))) for name, k, v, est, how in fitted]
    rows += [(k, f"{v:.4g}", "—", "—", "fixed", False) for k, v in st.get("fixed", {}).items()]
    return rows


def section(result) -> Section | None:
    """The known and hidden terms of the PINN's model shown (None when no candidate has them)."""
    c = shown_candidate(result)
    if c is None:
        return None
    lead = ("The selected model" if c is result.best
            else f"The best model of the hidden-term PINN ({c.method}; not selected)")
    blocks = [Text.plain(f"{lead} is the known part you stated plus the hidden term the network learned, distilled "
                         "to a formula; all constants were refitted together on the data."),
              Table(("variable", "known part (fitted)", "hidden term", "full right-hand side"),
                    tuple((printing.derivative_text(v, result.time_name),
                           printing.text(c.parts.known.get(v, sp.Integer(0))),
                           printing.text(c.parts.hidden.get(v, sp.Integer(0))), printing.text(c.equations[v]))
                          for v in result.names), code=(1, 2, 3))]
    rows = _constants(c.settings)
    if rows:
        loose = [r[0] for r in rows if r[5]]
        spans = [("Standard errors come from the output-error fit to the measurements (Gauss-Newton covariance, "
                  "initial states free).", "")]
        if loose:
            spans += [(" ", ""), (f"The data fix {', '.join(loose)} only loosely", "strong"),
                      (" (standard error above a quarter of the value): more points, a longer record or another "
                       f"initial state would pin {'it' if len(loose) == 1 else 'them'} down.", "")]
        blocks += [Table(("constant", "value in the model", "standard error", "PINN's estimate", ""),
                         tuple(r[:5] for r in rows)), Text(tuple(spans))]
    blocks.append(Figure("hidden", "hidden term", hidden_term, cost=2.0))
    return Section("pinn", "Known and hidden terms (hidden-term PINN)", tuple(blocks), level=3, place="evidence")


def _curves(result) -> list[dict] | None:
    """Fitted curves a surrogate left in its record (t, states u, hidden term G, known part F)."""
    for record in result.surrogates.values():
        if record.curves:
            return record.curves
    return None


def hidden_term(result, path: Path) -> bool:
    """The hidden-term network along the fitted runs beside the distilled hidden formula."""
    from discover.core.integrate import compile_rhs
    from discover.core.plotkit import MODEL, figure, plain, save

    curves = _curves(result)
    c = shown_candidate(result)
    if not curves or c is None:
        return False
    syms = [sp.Symbol(n) for n in result.names]
    inputs = [sp.Symbol(n) for n in result.inputs]  # with measured inputs, the curves hold them as "w"
    zero = sp.Integer(0)
    f = compile_rhs([c.parts.hidden.get(n, zero) for n in result.names], syms, inputs)
    # The model's constants were refitted after training, so its hidden term is compared with G
    # at the PINN's own parameters: (known part fitted + hidden formula) - known part at the PINN's.
    fitted_known = compile_rhs([c.parts.known.get(n, zero) for n in result.names], syms, inputs)
    d = len(result.names)
    fig, axes = figure(d, 1, (8, 1.7 * d + 0.9))
    for k, curve in enumerate(curves):
        at = (curve["u"].T, curve["w"].T) if inputs else (curve["u"].T,)
        shifted = f(*at).T + fitted_known(*at).T - curve["F"]
        for j, name in enumerate(result.names):
            ax = axes[j, 0]
            ax.plot(curve["t"], curve["G"][:, j], "-", lw=1.6, color=MODEL[1],
                    label="hidden-term network G" if (j == 0 and k == 0) else None)
            ax.plot(curve["t"], shifted[:, j], "--", lw=1.2, color=MODEL[0],
                    label="distilled model, at the PINN's known parameters" if (j == 0 and k == 0) else None)
            ax.set_ylabel(plain(f"hidden {printing.derivative_text(name, result.time_name)}"))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    axes[0, 0].set_title("Hidden term along the fitted trajectories")
    axes[0, 0].legend(loc="upper right")
    return save(fig, path)
