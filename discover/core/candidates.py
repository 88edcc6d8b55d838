"""Candidate: one proposed system of equations, where it came from, and how it scored."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from discover.core import printing
from discover.core.errors import DataError
from discover.core.expressions import as_expr, identifiers, label_symbols, parse_expression, to_text
from discover.core.structure import system_complexity


def tidy(expr: sp.Expr, digits: int = 4) -> sp.Expr:
    """Round every float in ``expr`` to ``digits`` significant digits and drop zero terms."""
    expr = as_expr(expr)
    reps = {}
    for f in expr.atoms(sp.Float):
        v = float(f"{float(f):.{digits}g}")
        reps[f] = sp.Integer(int(v)) if abs(v) == 1 else sp.Float(v, 15)  # "x", not "1.0*x"
    if not reps:
        return expr
    out = expr.xreplace(reps)
    if not any(p.exp.is_negative and p.base.free_symbols for p in out.atoms(sp.Pow)):
        return sp.expand(out)  # no symbol in a denominator (the common case; ``together`` is slow on long sums)
    num, den = sp.fraction(sp.together(out))
    return out if not den.is_number else sp.expand(out)


@dataclass
class Candidate:
    """A system of right-hand sides, one per state variable.

    Attributes
    ----------
    equations : dict of str to sympy.Expr
        d(variable)/dt for every state variable, in the data's own names.
    method : str
        Route that produced it, for example ``"sindy"`` or ``"node+sindy"``.
    settings : dict
        What the distiller used (library, threshold, form, ...), for the report.
    term_confidence : dict of str to dict of str to float
        Per variable, the bootstrap inclusion probability of each term (empty if the
        distiller does not estimate one).
    scores : dict
        Filled by selection: held-out errors, valid-prediction time, ``failed``.
    uncertainty : dict of str to list of dict
        Per variable, each constant's ``term`` (sympy expression it belongs to), ``value``,
        ``stderr`` (from a least-squares refit of the structure on the data; None if unknown)
        and ``inner`` (a constant inside the term rather than its coefficient). Filled after selection.
    window_errors : numpy.ndarray or None
        The normalised short-horizon error in each held-out window (filled by selection, for
        paired comparisons between candidates on the same windows; not written to the report).
    """

    equations: dict[str, sp.Expr]
    method: str
    settings: dict = field(default_factory=dict)
    term_confidence: dict[str, dict[str, float]] = field(default_factory=dict)
    scores: dict = field(default_factory=dict)
    uncertainty: dict = field(default_factory=dict)
    # per held-out window, the normalised short-horizon error (filled by selection; not written out)
    window_errors: object = field(default=None, repr=False, compare=False)

    @property
    def complexity(self) -> int:
        return system_complexity(self.equations)

    @property
    def variables(self) -> list[str]:
        return list(self.equations)

    def key(self) -> tuple:
        """Identity of the formulas (used to merge duplicates from different settings)."""
        return tuple(sp.srepr(self.equations[v]) for v in self.variables)

    def strings(self, ids: dict[str, str] | None = None) -> dict[str, str]:
        """Equations as Python-syntax text on identifiers (``ids``: label -> identifier; by default
        :func:`discover.core.expressions.identifiers` of the variables). Names that are plain identifiers
        are written as they are, so ``sympy.sympify(text, locals=...)`` reads the text back too."""
        ids = identifiers(self.variables) if ids is None else ids
        return {v: to_text(e, ids) for v, e in self.equations.items()}

    def latex(self) -> dict[str, str]:
        """LaTeX of each right-hand side, every name written as an escaped label (:func:`discover.core.printing.latex`)."""
        return {v: printing.latex(e) for v, e in self.equations.items()}

    @classmethod
    def from_dict(cls, d: dict, names, symbols: dict[str, str] | None = None,
                  where: str = "equations.json") -> "Candidate":
        """Read a candidate written by :meth:`to_dict`, through the restricted parser.

        ``symbols`` is the file's ``{identifier: label}`` table; without one (files written before
        it existed) each name in ``names`` is its own identifier.
        """
        table = label_symbols(symbols, names, where, DataError)
        if not isinstance(d, dict) or not isinstance(d.get("equations"), dict):
            raise DataError(f"{where}: a candidate has no 'equations' mapping; give a file discover wrote.")
        eqs = {v: parse_expression(s, table, f"{where}: d{v}/dt", error=DataError)
               for v, s in d["equations"].items()}
        # equations.json writes a score that is NaN or infinite as null, and its value as text under
        # ``non_finite_scores`` ("-inf": a simulation that blew up); in memory it is that float again
        text = d.get("non_finite_scores") or {}
        scores = {k: (float(text[k]) if text.get(k) in ("inf", "-inf", "nan") else float("nan")) if v is None else v
                  for k, v in d.get("scores", {}).items()}
        uncertainty = {v: [{**r, "term": parse_expression(r["term"], table, f"{where}: a term of d{v}/dt", error=DataError)}
                           for r in rows] for v, rows in (d.get("uncertainty") or {}).items()}
        return cls(eqs, d["method"], d.get("settings", {}), d.get("term_confidence", {}), scores, uncertainty)


def merge_duplicates(candidates: list[Candidate]) -> list[Candidate]:
    """Merge candidates with identical formulas, keeping the first and noting the others' routes."""
    seen: dict[tuple, Candidate] = {}
    for c in candidates:
        k = c.key()
        if k in seen:
            seen[k].settings.setdefault("also_found_by", []).append(c.method)
        else:
            seen[k] = c
    return list(seen.values())


@dataclass
class Alternative:
    """One member of the equivalence set (:mod:`discover.selection.equivalence`): a structure the data cannot
    tell from the selected one, with where their fields differ most in the design box.

    Attributes
    ----------
    candidate : Candidate
    typical : float
        90th percentile over the design box of the largest relative difference (over variables)
        of its field from the pick's (0 for the pick).
    largest : float
        The largest relative difference found in the box.
    variable : str or None
        The equation where it is largest.
    at : dict of str to float
        The state where it is largest.
    """

    candidate: Candidate
    typical: float = 0.0
    largest: float = 0.0
    variable: str | None = None
    at: dict = field(default_factory=dict)
