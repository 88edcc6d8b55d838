"""Labels and expressions printed for display: plain text, LaTeX, MathML and Markdown.

Names read from data (columns, the time column, trajectory ids, file names) are labels:
arbitrary strings that may hold markup (``<script>``), Markdown or LaTeX specials
(``S [mM]``, ``rate_%``) or names sympy treats as its own (``E``, ``I``, ``S``). Sympy
prints a symbol's name as it is in LaTeX and MathML, and rewrites some of them (``hare``
becomes :math:`h a r e`, a function ``S`` becomes ``s``), so an expression is printed on
placeholder symbols with safe names (same order, same assumptions) and each placeholder in
the output is replaced by its label escaped for the medium:

- plain text: the label itself, in parentheses when it is not an identifier (``0.5*(S [mM])``);
- LaTeX (math mode): a one-letter label as it is, any other as ``\\mathrm{...}`` with the
  specials ``\\ { } _ ^ # $ % & ~`` escaped, spaces kept and ``< >`` braced;
- MathML: one ``<mi>`` per label holding its XML-escaped text.

Constants are rounded here, for display only, to :data:`DIGITS` significant digits (``digits=None``
writes them as stored: a model keeps every constant as fitted).

Derivatives are written the same way in every medium: ``dx/dt`` for one-letter labels and
``d(hare)/d(year)`` otherwise; in LaTeX ``\\frac{dx}{dt}`` or ``\\frac{d\\,\\mathrm{hare}}{d\\,\\mathrm{year}}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sympy as sp
from markupsafe import Markup, escape
from sympy.printing.str import StrPrinter

from discover.core.errors import visible
from discover.core.expressions import as_expr

_LETTERS = "abcdefghijklmnopqrstuvwxyz"

_LATEX_SPECIALS = {
    "\\": r"\backslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&",
    "~": r"\sim{}", "^": r"\hat{}", " ": r"\ ", "\t": r"\ ", "\n": r"\ ", "\r": r"\ ", "<": "{<}", ">": "{>}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIALS))

_MARKDOWN_RE = re.compile(r"([\\`*_{}\[\]<>#!|~$&])")


# --- labels, one medium each ------------------------------------------------------------------

def text_label(label: str) -> str:
    """A label in a plain-text formula: as it is when it is an identifier, else in parentheses
    (control and format characters written visibly, see :func:`visible`)."""
    label = visible(label)
    return label if label.isidentifier() else f"({label})"


def latex_label(label: str) -> str:
    """A label in LaTeX math mode: one ASCII letter as it is, anything else as ``\\mathrm{...}``.

    Every LaTeX special is escaped; the result is valid in LaTeX, KaTeX and MathJax (and in matplotlib's
    mathtext unless it holds ``&`` or ``#``), and holds no ``<`` directly followed by a letter (so no
    HTML tag can open in a Markdown file).
    """
    if len(label) == 1 and label.isascii() and label.isalpha():
        return label
    return r"\mathrm{" + _LATEX_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], visible(label)) + "}"


def mathml_label(label: str) -> Markup:
    """A label as one MathML identifier, ``<mi>...</mi>``, with its text XML-escaped."""
    return Markup("<mi>{}</mi>").format(visible(label))


def _latex_operand(label: str) -> str:
    """:func:`latex_label`, in parentheses when the label is not an identifier (as in plain text)."""
    out = latex_label(label)
    return out if label.isidentifier() else r"\left(" + out + r"\right)"


def _mathml_operand(label: str) -> Markup:
    """:func:`mathml_label`, in parentheses when the label is not an identifier (as in plain text)."""
    out = mathml_label(label)
    return out if label.isidentifier() else Markup("<mrow><mo>(</mo>") + out + Markup("<mo>)</mo></mrow>")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as it is: specials backslash-escaped, line breaks made spaces.

    Escapes ``\\ ` * _ { } [ ] < > # ! | ~ $ &`` (so ``|`` cannot split a table cell, ``<`` cannot
    open an HTML tag and ``$`` cannot open math).
    """
    return _MARKDOWN_RE.sub(r"\\\1", visible(" ".join(str(text).splitlines())))


def markdown_code(text: str, table: bool = False) -> str:
    """``text`` as a Markdown code span, fenced by more backticks than it holds.

    With ``table=True`` a ``|`` is escaped as ``\\|`` (GitHub tables split cells on it even in code).
    """
    text = visible(" ".join(str(text).splitlines()))
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ") and text.strip()):
        text = f" {text} "
    if table:
        text = text.replace("|", r"\|")
    return f"{fence}{text}{fence}"


def markdown_code_block(lines, info: str = "") -> str:
    """Lines as a fenced Markdown code block whose fence no line can close."""
    lines = [visible(" ".join(str(line).splitlines())) for line in lines]
    fence = "`" * max(3, max((len(r) + 1 for line in lines for r in re.findall("`+", line)), default=0))
    return "\n".join([fence + info, *lines, fence])


# --- expressions --------------------------------------------------------------------------------

#: Significant digits of the constants a display shows (stored and exported models keep them all).
DIGITS = 4


def for_display(expr: sp.Expr, digits: int | None = DIGITS) -> sp.Expr:
    """``expr`` with every float rounded to ``digits`` significant digits, a coefficient that rounds to
    1 or -1 written as the integer (``x``, not ``1.0*x``), one that rounds to 0 dropped; ``digits=None``
    returns ``expr`` as it is. For display only: never store the result."""
    expr = as_expr(expr)
    if digits is None:
        return expr
    reps = {}
    for f in expr.atoms(sp.Float):
        v = float(f"{float(f):.{digits}g}")
        reps[f] = sp.Integer(int(v)) if v in (0.0, 1.0, -1.0) else sp.Float(v, 15)
    return expr.xreplace(reps) if reps else expr


def _placeholders(expr: sp.Expr, labels: Mapping[sp.Symbol, str] | None, digits: int | None = DIGITS):
    """``expr`` (constants rounded by :func:`for_display`) on placeholder symbols ``Qa..Q`` (in the labels'
    order) and {placeholder: label}."""
    expr = for_display(as_expr(expr), digits)  # numbers and expressions, never a string
    labels = labels or {}
    syms = sorted(expr.free_symbols, key=lambda s: (labels.get(s, s.name), s.name))
    width, n = 1, len(_LETTERS)
    while n < len(syms):
        width, n = width + 1, n * len(_LETTERS)
    subs, names = {}, {}
    for i, s in enumerate(syms):
        digits = []
        for _ in range(width):
            i, r = divmod(i, len(_LETTERS))
            digits.append(_LETTERS[r])
        name = "Q" + "".join(reversed(digits)) + "Q"
        subs[s] = sp.Symbol(name, **s.assumptions0)
        names[name] = labels.get(s, s.name)
    return expr.xreplace(subs), names


def _fill(printed: str, names: dict[str, tuple[str, object]]) -> str:
    """Replace each placeholder (longest first, in one pass) by ``medium(label)``."""
    if not names:
        return printed
    pattern = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda m: str(names[m.group(0)][1](names[m.group(0)][0])), printed)


def _mul(names: dict[str, str]) -> str | None:
    """Products as a visible dot when a label is longer than one letter (``hare lynx`` would read as one word)."""
    return "dot" if any(len(v) > 1 for v in names.values()) else None


def text(expr: sp.Expr, labels: Mapping[sp.Symbol, str] | None = None, digits: int | None = DIGITS) -> str:
    """Plain text of ``expr`` (sympy's ``sstr``) with each symbol written as :func:`text_label` of its label.

    Parameters
    ----------
    expr : sympy.Expr
        The expression.
    labels : mapping of sympy.Symbol to str, optional
        The label of each symbol; a symbol not in it is labelled by its name.
    digits : int or None
        Significant digits of the constants shown (:func:`for_display`); None writes them as stored.

    Examples
    --------
    >>> text(sp.Symbol("S [mM]") * sp.Symbol("I") / 2)
    'I*(S [mM])/2'
    """
    e, names = _placeholders(expr, labels, digits)
    printed = sp.sstr(e) if digits is not None else _ExactPrinter().doprint(e)
    return _fill(printed, {k: (v, text_label) for k, v in names.items()})


class _ExactPrinter(StrPrinter):
    """``sstr`` with each float written as Python's ``repr`` of the double (the value as stored)."""

    def _print_Float(self, expr):
        return repr(float(expr))


def latex(expr: sp.Expr, labels: Mapping[sp.Symbol, str] | None = None, digits: int | None = DIGITS) -> str:
    """LaTeX (math mode) of ``expr``, each symbol written as :func:`latex_label` of its label.

    Examples
    --------
    >>> latex(-sp.Symbol("hare") * sp.Symbol("rate_%"))
    '- \\\\mathrm{hare} \\\\mathrm{rate\\\\_\\\\%}'
    """
    e, names = _placeholders(expr, labels, digits)
    return _fill(sp.latex(e, mul_symbol=_mul(names)), {k: (v, _latex_operand) for k, v in names.items()})


def mathml(expr: sp.Expr, labels: Mapping[sp.Symbol, str] | None = None, digits: int | None = DIGITS) -> Markup:
    """Presentation MathML of ``expr`` (no ``<math>`` element), one escaped ``<mi>`` per label."""
    e, names = _placeholders(expr, labels, digits)
    printed = sp.mathml(e, printer="presentation", mul_symbol=_mul(names))
    tagged = {f"<mi>{k}</mi>": (v, _mathml_operand) for k, v in names.items()}
    bare = {k: (v, escape) for k, v in names.items()}  # a placeholder outside an <mi> (none seen): its text
    return Markup(_fill(printed, {**tagged, **bare}))


def differential_text(label: str) -> str:
    """``dx``, or ``d(hare)`` when the label is longer than one letter."""
    label = visible(label)
    return "d" + (label if len(label) == 1 and label.isalpha() else f"({label})")


def derivative_text(var: str, time: str) -> str:
    """``dx/dt``, or ``d(hare)/d(year)`` when a label is longer than one letter."""
    return f"{differential_text(var)}/{differential_text(time)}"


def _d_latex(label: str) -> str:
    out = _latex_operand(label)
    return "d" + out if len(out) == 1 else r"d\," + out


def derivative_latex(var: str, time: str) -> str:
    """``\\frac{dx}{dt}``, or ``\\frac{d\\,\\mathrm{hare}}{d\\,\\mathrm{year}}``."""
    return r"\frac{" + _d_latex(var) + "}{" + _d_latex(time) + "}"


def _d_mathml(label: str) -> Markup:
    gap = Markup("") if len(label) == 1 else Markup('<mspace width="0.167em"></mspace>')
    return Markup("<mrow><mi>d</mi>") + gap + _mathml_operand(label) + Markup("</mrow>")


def derivative_mathml(var: str, time: str) -> Markup:
    """Presentation MathML of d(var)/d(time) as a fraction."""
    return Markup("<mfrac>") + _d_mathml(var) + _d_mathml(time) + Markup("</mfrac>")


def equation_mathml(var: str, time: str, expr: sp.Expr, labels: Mapping[sp.Symbol, str] | None = None) -> Markup:
    """The block ``<math>`` element of d(var)/d(time) = expr."""
    return (Markup('<math display="block"><mrow>') + derivative_mathml(var, time) + Markup("<mo>=</mo>")
            + mathml(expr, labels) + Markup("</mrow></math>"))


__all__ = [
    "derivative_latex", "derivative_mathml", "derivative_text", "differential_text", "equation_mathml", "escape_markdown",
    "for_display", "latex", "latex_label", "markdown_code", "markdown_code_block", "mathml", "mathml_label", "text", "text_label",
]
