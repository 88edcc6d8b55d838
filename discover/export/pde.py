"""A discovered PDE (or system of PDEs) as a Python module, a LaTeX table or sympy text.

The Python module defines ``rhs(u, u_x, u_xx, ...)``: the right-hand side u_t as a function of the
field and its spatial derivatives (every atom of the equations up to their highest derivative order,
in the order of ``ARGUMENTS``); a system returns one array per field. Code is printed by sympy's
NumPy printer from expressions on the atoms' identifiers (built by
:func:`discover.core.expressions.identifiers` from the labels: plain Python names, checked again
here) and constants ``c_0, c_1, ...`` at full double precision; labels reach the file otherwise only
as string literals written by :func:`repr`.
"""

from __future__ import annotations

import json
import keyword

import sympy as sp

from discover.core import printing
from discover.core.errors import NotFittedError
from discover.core.expressions import identifiers, symbol_table, to_text
from discover.fields.basis import Basis
from discover.fields.fit import FieldResult

__all__ = ["FieldSystem", "field_latex", "field_python", "field_result", "field_sympy_text"]


def field_result(source) -> FieldResult | None:
    """The :class:`FieldResult` behind ``source`` (itself, or a loaded PDE model's ``result_``), else None."""
    r = getattr(source, "result_", source)
    return r if isinstance(r, FieldResult) else None


class FieldSystem:
    """The selected PDE(s) of a field result on its basis: labels, identifiers and one model per field."""

    def __init__(self, result: FieldResult):
        if result.best is None:
            raise NotFittedError("No candidate survived selection, so there is no PDE to export; see the report.")
        f = result.fields[0]
        self.names, self.space, self.time = tuple(f.names), tuple(f.space_names), f.time_name
        self.basis = result.basis or Basis(self.names, self.space, 4)
        best = result.best
        self.models = list(best.equations) if result.basis is not None else [best.terms]
        self.errors = (list(best.std) if best.std else [{}] * len(self.names)) if result.basis is not None \
            else [best.std or {}]
        self.method, self.complexity = f"pde-{best.form}", best.complexity
        ids = identifiers([*self.names, *self.space, self.time])
        top = max((self.basis.order_of(m) for eq in self.models for m in eq), default=0)
        used = [i for i, (_, orders) in enumerate(self.basis.atoms) if sum(orders) <= top]
        self.atoms = used
        self.labels = [self.basis.atom_name(i) for i in used]
        self.idents = [self.basis.atom_name(i, [ids[n] for n in self.names], [ids[s] for s in self.space]) for i in used]
        self.lhs = [f"{n}_{self.time}" for n in self.names]

    def exprs(self, symbols) -> list[sp.Expr]:
        """Each right-hand side on ``symbols`` (one per atom of :attr:`atoms`), every coefficient as fitted."""
        table = dict(zip(self.atoms, symbols))
        out = []
        for model in self.models:
            e = sp.Integer(0)
            for m, c in sorted(model.items(), key=lambda kv: self.basis.sort_key(kv[0])):
                term = sp.Float(float(c), 17)
                for i, k in enumerate(m):
                    if k:
                        term = term * table[i] ** k
                e = e + term
            out.append(e)
        return out


def _arguments(system: FieldSystem) -> list[str]:
    """The argument names of ``rhs``: the atoms' identifiers, or ``a_0, a_1, ...`` when one of them could
    clash with the module's own names."""
    own = {"numpy", "rhs", "zero", "FIELDS", "SPACE", "TIME", "ARGUMENTS", "METHOD", "EQUATIONS", "CONSTANTS",
           "CONSTANT_ERRORS"}
    ok = all(s.isidentifier() and not keyword.iskeyword(s) and s not in own and not s.startswith("c_")
             for s in system.idents) and len(set(system.idents)) == len(system.idents)
    return list(system.idents) if ok else [f"a_{i}" for i in range(len(system.idents))]


def field_python(result: FieldResult) -> str:
    """A NumPy module defining ``rhs(...)`` of the field and its spatial derivatives; its source."""
    from discover.export.numpy_code import _code, _table, _version

    system = FieldSystem(result)
    args = _arguments(system)
    syms = [sp.Symbol(a) for a in args]
    values, errors, bodies = {}, {}, []
    for k, expr in enumerate(system.exprs(syms)):
        reps = {}
        for fl in sorted(expr.atoms(sp.Float), key=sp.default_sort_key):
            name = f"c_{len(values)}"
            values[name] = float(fl)
            reps[fl] = sp.Symbol(name)
        for m, c in system.models[k].items():  # the standard error of each coefficient, by its constant
            name = next((n for n, v in values.items() if v == float(c)), None)
            if name is not None and m in system.errors[k]:
                errors[name] = system.errors[k][m]
        bodies.append(_code(expr.xreplace(reps), set(args) | set(values)))
    labels = dict(zip(syms, system.labels))
    text = tuple(f"{lhs} = {printing.text(e, labels, digits=None)}" for lhs, e in zip(system.lhs, system.exprs(syms)))
    several = len(bodies) > 1
    lines = [
        f"# Generated by discover {_version()}: the PDE it found, as NumPy code.",
        "# Method " + repr(system.method) + f", {system.complexity} terms. Labels appear only in string literals.",
        '"""The right-hand side of the PDE(s) discover found, u_t = f(u, u_x, u_xx, ...).',
        "",
        "``rhs`` takes the field(s) and their spatial derivatives, arrays of one shape, in the order of",
        "``ARGUMENTS`` (their labels), and returns " + ("one array per field, in the order of ``FIELDS``."
                                                        if several else "the time derivative of the field."),
        '"""',
        "",
        "import numpy",
        "",
        f"FIELDS = {system.names!r}",
        f"SPACE = {system.space!r}",
        f"TIME = {system.time!r}",
        f"ARGUMENTS = {tuple(system.labels)!r}",
        f"METHOD = {system.method!r}",
        "EQUATIONS = (\n" + "".join(f"    {s!r},\n" for s in text) + ")",
        f"CONSTANTS = {_table(values)}",
        f"CONSTANT_ERRORS = {_table(errors)}",
        "",
        "",
        f"def rhs({', '.join(args)}):",
        '    """The time derivative of ' + ("each field" if several else "the field") + ' (see ``EQUATIONS``)."""',
        *(f"    {c} = CONSTANTS[{c!r}]" for c in values),
        f"    zero = numpy.zeros(numpy.shape({args[0]}))",
        *([f"    return ({', '.join(f'zero + ({b})' for b in bodies)},)"] if several else
          [f"    return zero + ({bodies[0]})"]),
        "",
    ]
    code = "\n".join(lines)
    compile(code, "<discover export>", "exec")  # what is written is valid Python
    return code


def field_latex(result: FieldResult) -> str:
    """A LaTeX ``table`` of the PDE(s): one row per field, u_t = f(u, u_x, ...), labels escaped."""
    system = FieldSystem(result)
    syms = [sp.Symbol(f"_a{i}") for i in range(len(system.labels))]
    labels = dict(zip(syms, system.labels))
    rows = [f"    ${printing.latex_label(lhs)}$ & ${printing.latex(e, labels)}$ \\\\"
            for lhs, e in zip(system.lhs, system.exprs(syms))]
    from discover.export.latex_table import closing, equation_table

    caption = f"PDE found by discover (${printing.latex_label(system.method)}$, {system.complexity} terms)."
    return "\n".join(equation_table(rows) + closing(caption))


def field_sympy_text(result: FieldResult) -> str:
    """JSON of the PDE(s) as ``equations.json`` writes them: Python syntax on the atoms' identifiers.

    ``{"time", "space", "symbols": {identifier: label}, "lhs": {label: identifier}, "equations": {label: text}}``;
    each text reads back with :func:`discover.core.expressions.parse_expression`.
    """
    system = FieldSystem(result)
    syms = [sp.Symbol(f"_a{i}") for i in range(len(system.labels))]
    ids = {s.name: ident for s, ident in zip(syms, system.idents)}
    table = dict(zip(system.idents, system.labels))
    lhs_ids = identifiers([*system.names, system.time])
    return json.dumps({"time": system.time, "space": list(system.space),
                       "symbols": {**symbol_table([*system.names, *system.space, system.time]), **table},
                       "lhs": {n: f"{lhs_ids[n]}_{lhs_ids[system.time]}" for n in system.names},
                       "equations": {n: to_text(e, ids) for n, e in zip(system.names, system.exprs(syms))}},
                      indent=2, ensure_ascii=False) + "\n"
