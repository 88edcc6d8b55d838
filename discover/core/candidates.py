"""Candidate: one proposed system of equations, where it came from, and how it scored."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp

from discover.core import printing
from discover.core.errors import DataError
from discover.core.expressions import as_expr, identifiers, label_symbols, parse_expression, to_text
from discover.core.structure import system_complexity

#: Significant digits of the constants inside :func:`expression_key`: formulas whose constants agree
#: to this many digits are the same finding (two routes rarely fit the same structure to the last bit).
KEY_DIGITS = 4


def tidy(expr: sp.Expr) -> sp.Expr:
    """``expr`` expanded, its terms with an exact zero coefficient dropped, every constant kept as fitted.

    No constant is rounded (rounding belongs to displays: :mod:`discover.core.printing`); a
    float that is exactly 0, 1 or -1 is written as that integer (``x``, not ``1.0*x``), which
    changes no value.
    """
    expr = as_expr(expr)
    reps = {f: sp.Integer(int(f)) for f in expr.atoms(sp.Float) if float(f) in (0.0, 1.0, -1.0)}
    out = expr.xreplace(reps) if reps else expr
    if not any(p.exp.is_negative and p.base.free_symbols for p in out.atoms(sp.Pow)):
        return sp.expand(out)  # no symbol in a denominator (the common case; ``together`` is slow on long sums)
    num, den = sp.fraction(sp.together(out))
    return out if not den.is_number else sp.expand(out)


def rounded(expr: sp.Expr, digits: int = KEY_DIGITS) -> sp.Expr:
    """``expr`` with every float rounded to ``digits`` significant digits (for keys and displays only:
    a stored model keeps its constants as fitted)."""
    expr = as_expr(expr)
    reps = {f: sp.Float(float(f"{float(f):.{digits}g}"), 15) for f in expr.atoms(sp.Float)}
    return expr.xreplace(reps) if reps else expr


def expression_key(expr: sp.Expr, digits: int = KEY_DIGITS) -> str:
    """Identity of a formula for merging duplicates: its structure and its constants to ``digits``
    significant digits (the rounding lives in the key only; the formula keeps its constants)."""
    return sp.srepr(rounded(expr, digits))


def simplest_within(value: float, stderr: float | None):
    """The simplest number within one standard error of ``value``: 0, else the nearest integer, else
    the nearest half; None when the standard error is unknown or no such number differs from ``value``.

    A report shows it beside the constant as fitted ("≈ 1, within its standard error"); the
    constant itself is never replaced by it.
    """
    if stderr is None or not math.isfinite(stderr) or not math.isfinite(value):
        return None
    for c in (0, round(value), round(2 * value) / 2):
        if c != value and abs(value - c) <= stderr:
            return int(c) if float(c).is_integer() else float(c)
    return None


def contract_problems(c: "Candidate") -> list[str]:
    """What in ``c`` breaks the contract on a candidate's constants (empty when it keeps it).

    The contract, one for every plug-in:

    - a candidate's constants are the floats in its ``equations``, as fitted (finite doubles);
    - their standard errors are the rows of ``uncertainty``: per variable, a list of
      ``{"term": sympy expression, "value": float, "stderr": float or None, "inner": bool}``
      (``"simpler"``: a number within one standard error, optional); a plug-in that estimates
      them fills it, and selection refits every candidate's structure and fills it the same way;
    - ``settings`` holds plain data only (it is written to ``equations.json``); named constants
      (a hidden-term PINN's ``parameters``, ``hidden_constants``, ``fixed``) are ``{name: float}``
      and ``settings["standard_errors"]``, where present, is ``{name: float or None}`` for them.
    """
    import json

    out = []
    for v, e in c.equations.items():
        if not isinstance(e, sp.Basic):
            out.append(f"d{v}/dt is a {type(e).__name__}, not a sympy expression")
            continue
        if any(not math.isfinite(float(f)) for f in e.atoms(sp.Float)):
            out.append(f"d{v}/dt holds a non-finite constant")
    if not isinstance(c.uncertainty, dict):
        out.append("uncertainty is not a mapping of variable to rows")
    else:
        for v, rows in c.uncertainty.items():
            if v not in c.equations or not isinstance(rows, list):
                out.append(f"uncertainty[{v!r}] is not a list of rows for a variable")
                continue
            for r in rows:
                ok = (isinstance(r, dict) and {"term", "value", "stderr", "inner"} <= set(r)
                      and isinstance(r["term"], sp.Basic) and isinstance(r["value"], float)
                      and (r["stderr"] is None or isinstance(r["stderr"], float)) and isinstance(r["inner"], bool)
                      and (r.get("simpler") is None or isinstance(r["simpler"], (int, float))))
                if not ok:
                    out.append(f"uncertainty[{v!r}] holds a row that is not term/value/stderr/inner: {r!r}")
    st = c.settings if isinstance(c.settings, dict) else {}
    try:
        json.dumps(st, allow_nan=True)
    except (TypeError, ValueError) as exc:
        out.append(f"settings are not plain data ({exc})")
    named = set()
    for key in ("parameters", "hidden_constants", "fixed"):
        table = st.get(key)
        if table is None:
            continue
        if not isinstance(table, dict) or not all(isinstance(x, (int, float)) for x in table.values()):
            out.append(f"settings[{key!r}] is not a mapping of name to number")
        else:
            named |= set(table)
    errors = st.get("standard_errors")
    if errors is not None:
        if not isinstance(errors, dict) or not all(x is None or isinstance(x, (int, float)) for x in errors.values()):
            out.append("settings['standard_errors'] is not a mapping of a named constant to a number; "
                       "the errors of the equations' constants belong in `uncertainty`")
        elif set(errors) - named:
            out.append(f"settings['standard_errors'] names {sorted(set(errors) - named)[0]!r}, not a named constant")
    return out


#: The keys under which ``equations.json`` writes a candidate's :class:`KnownAndHidden` in its ``settings``.
PART_KEYS = {"known_fitted": "known", "hidden": "hidden"}


@dataclass
class KnownAndHidden:
    """A candidate written as a known part plus a hidden term (a hidden-term PINN's model).

    Attributes
    ----------
    known : dict of str to sympy.Expr
        Per variable, the known part the user stated, with its parameters as fitted.
    hidden : dict of str to sympy.Expr
        Per variable, the hidden term the network learned, distilled (its constants refitted with the rest).
    """

    known: dict
    hidden: dict

    def texts(self, ids: dict[str, str]) -> dict:
        """The settings keys of ``equations.json`` (formulas on its identifiers): ``known_fitted``, ``hidden``."""
        return {key: {v: to_text(e, ids) for v, e in getattr(self, part).items()} for key, part in PART_KEYS.items()}

    def written_into(self, settings: dict, ids: dict[str, str]) -> dict:
        """``settings`` as ``equations.json`` writes them: the parts' formulas where files have always held
        them (``hidden`` before ``bic``, ``known_fitted`` after ``known``; at the end without those), so a
        file read back and written again is the same text."""
        texts = self.texts(ids)
        out = {}
        for key, value in settings.items():
            if key == "bic":
                out["hidden"] = texts["hidden"]
            out[key] = value
            if key == "known":
                out["known_fitted"] = texts["known_fitted"]
        return {**out, **{k: v for k, v in texts.items() if k not in out}}

    @classmethod
    def from_texts(cls, settings: dict, table: dict, where: str) -> "KnownAndHidden | None":
        """The parts a file wrote under ``settings`` (None where it wrote none), read by the restricted parser."""
        if not isinstance(settings.get("hidden"), dict):
            return None
        parts = {}
        for key, part in PART_KEYS.items():
            texts = settings.get(key) or {}
            if not isinstance(texts, dict) or not all(isinstance(t, str) for t in texts.values()):
                raise DataError(f"{where}: a candidate's '{key}' is not a mapping of variable to formula; "
                                "give a file discover wrote.")
            parts[part] = {v: parse_expression(t, table, f"{where}: the {part} part of d{v}/dt", error=DataError)
                           for v, t in texts.items()}
        return cls(**parts)


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
        Per variable, each constant's ``term`` (sympy expression it belongs to), ``value`` (as
        fitted), ``stderr`` (from a least-squares refit of the structure on the data; None if
        unknown), ``inner`` (a constant inside the term rather than its coefficient) and, where a
        simpler number lies within one standard error, ``simpler`` (:func:`simplest_within`).
        A plug-in that estimates its constants' errors fills it; selection refits every candidate
        and fills it the same way for all. The one contract: :func:`contract_problems`.
    window_errors : numpy.ndarray or None
        The normalised short-horizon error in each held-out window (filled by selection, for
        paired comparisons between candidates on the same windows; not written to the report).
    parts : KnownAndHidden or None
        The model as a known part plus a hidden term, when a plug-in built it so (written to
        ``equations.json`` as the settings ``known_fitted`` and ``hidden``, as before).
    """

    equations: dict[str, sp.Expr]
    method: str
    settings: dict = field(default_factory=dict)
    term_confidence: dict[str, dict[str, float]] = field(default_factory=dict)
    scores: dict = field(default_factory=dict)
    uncertainty: dict = field(default_factory=dict)
    # per held-out window, the normalised short-horizon error (filled by selection; not written out)
    window_errors: object = field(default=None, repr=False, compare=False)
    parts: KnownAndHidden | None = None

    @property
    def complexity(self) -> int:
        return system_complexity(self.equations)

    @property
    def variables(self) -> list[str]:
        return list(self.equations)

    def key(self) -> tuple:
        """Identity of the formulas (used to merge duplicates from different settings): the structure
        and the constants to :data:`KEY_DIGITS` significant digits (:func:`expression_key`)."""
        return tuple(expression_key(self.equations[v]) for v in self.variables)

    def strings(self, ids: dict[str, str] | None = None) -> dict[str, str]:
        """Equations as Python-syntax text on identifiers (``ids``: label -> identifier; by default
        :func:`discover.core.expressions.identifiers` of the variables). Names that are plain identifiers
        are written as they are, so ``sympy.sympify(text, locals=...)`` reads the text back too."""
        ids = identifiers(self.variables) if ids is None else ids
        return {v: to_text(e, ids) for v, e in self.equations.items()}

    def latex(self, digits: int | None = None) -> dict[str, str]:
        """LaTeX of each right-hand side, every name written as an escaped label (:func:`discover.core.printing.latex`);
        constants as stored (15 significant digits) unless ``digits`` rounds them for a display."""
        return {v: printing.latex(e, digits=digits) for v, e in self.equations.items()}

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
        settings = dict(d.get("settings") or {})
        parts = KnownAndHidden.from_texts(settings, table, where)
        if parts is not None:
            settings = {k: v for k, v in settings.items() if k not in PART_KEYS}
        return cls(eqs, d["method"], settings, d.get("term_confidence", {}), scores, uncertainty, parts=parts)


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
