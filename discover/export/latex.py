"""A discovered system as a LaTeX table: the equations and the named constants with their errors.

Every label is written by :mod:`discover.core.printing` (``\\mathrm{...}`` with LaTeX's specials
escaped), so a column called ``rate_%`` or ``\\input{x}`` is shown, never run.
"""

from __future__ import annotations

import math

import sympy as sp

from discover.core import printing
from discover.export.latex_table import closing, equation_table
from discover.export.system import system_of

__all__ = ["closing", "equation_table", "to_latex"]


def _num(v: float) -> str:
    v = float(v)
    if not math.isfinite(v):
        return r"\text{" + ("nan" if math.isnan(v) else ("-" if v < 0 else "") + "inf") + "}"
    return printing.latex(sp.Float(v, 4)) if v else "0"


def to_latex(source, names=None) -> str:
    """A LaTeX ``table`` of the selected system's equations, then its named constants.

    Parameters
    ----------
    source : Discoverer, RunResult or Candidate
        See :func:`discover.export.system_of`; a PDE run's result is written by
        :func:`discover.export.pde.field_latex`.
    names : sequence of str, optional
        The order of the equations (default: the model's).

    Returns
    -------
    str
        A ``table`` environment (``booktabs`` rules) with one row per equation,
        :math:`\\frac{dx}{dt} = f(x)`, and, when the candidate holds named constants (the
        hidden-term PINN's parameters), a second ``tabular`` of value :math:`\\pm` standard error.
    """
    from discover.export.pde import field_latex, field_result

    if field_result(source) is not None:
        return field_latex(field_result(source))
    system = system_of(source, names)
    method = printing.latex_label(system.method)
    rows = [f"    ${printing.derivative_latex(n, system.time)}$ & ${printing.latex(e)}$ \\\\"
            for n, e in zip(system.names, system.exprs)]
    out = equation_table(rows)
    if system.constants:
        out += [
            r"  \par\medskip",
            r"  \begin{tabular}{@{}lr@{}}",
            r"    \toprule",
            r"    Constant & Value \\",
            r"    \midrule",
            *(f"    ${printing.latex_label(k)}$ & ${_num(v)}"
              + (f" \\pm {_num(system.standard_errors[k])}" if k in system.standard_errors else "") + r"$ \\"
              for k, v in system.constants.items()),
            r"    \bottomrule",
            r"  \end{tabular}",
        ]
    return "\n".join(out + closing(f"Equations found by discover (${method}$, complexity {system.complexity})."))
