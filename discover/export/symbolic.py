"""A discovered system as sympy expressions, or as text any sympy reads back."""

from __future__ import annotations

import json

from discover.core.expressions import identifiers, symbol_table, to_text
from discover.export.system import system_of

__all__ = ["to_sympy", "to_sympy_text"]


def to_sympy(source, names=None) -> dict:
    """``{label: sympy.Expr}``: d(label)/dt of the selected system, on symbols named by the labels."""
    system = system_of(source, names)
    return dict(zip(system.names, system.exprs))


def to_sympy_text(source, names=None) -> str:
    """JSON of the equations as ``equations.json`` writes them: Python syntax on identifiers.

    ``{"time": ..., "symbols": {identifier: label}, "equations": {label: text}}``; each text reads
    back with :func:`discover.core.expressions.parse_expression` (or ``sympy.sympify`` with the
    identifiers as ``locals``).
    """
    from discover.export.pde import field_result, field_sympy_text

    if field_result(source) is not None:
        return field_sympy_text(field_result(source))
    system = system_of(source, names)
    ids = identifiers(system.names)
    return json.dumps({"time": system.time, "symbols": symbol_table(system.names),
                       "equations": {n: to_text(e, ids) for n, e in zip(system.names, system.exprs)}},
                      indent=2, ensure_ascii=False) + "\n"
