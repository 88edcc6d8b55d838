"""Text <-> sympy expressions, without ever running text as code.

Names read from data (column names, trajectory ids) are labels, not code, and a column may be
called ``S [mM]``, ``lambda`` or ``__import__('os').system('...')``. ``sympy.sympify`` and
``parse_expr`` run Python ``eval`` on their text, and ``sympy.lambdify`` prints symbol names
into the Python source it executes. So this module is the only way text becomes an expression
or an expression becomes a function:

- :func:`parse_expression` walks Python's own syntax tree (``ast.parse`` in ``eval`` mode) and
  builds sympy objects from an allow-list (numbers, names mapped to given symbols, ``+ - * / **``,
  a few named functions), within limits on length, size, nesting and exponents;
- :func:`safe_lambdify` renames every argument to an internal identifier before calling
  :func:`sympy.lambdify`, and refuses an expression with any other free symbol;
- :func:`identifiers` maps labels to the identifiers equations are written on (``S [mM]`` ->
  ``S_mM``), and :func:`to_text` writes an expression on them.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from discover.core.errors import ConfigError, did_you_mean

__all__ = ["CONSTANTS", "FUNCTIONS", "Limits", "as_expr", "identifiers", "label_symbols", "parse_expression",
           "safe_lambdify", "symbol_table", "to_text"]

FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
    "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "abs": sp.Abs, "Abs": sp.Abs,
}
CONSTANTS = {"pi": sp.pi, "E": sp.E}
# Labels written as another identifier: a variable called ``sin`` would make ``sin(x)`` unreadable
# to sympify, and the constant pi has no other spelling. (``E`` keeps its name: the constant is
# then written ``exp(1)``.)
RESERVED = frozenset(FUNCTIONS) | {"pi"}
_NOT_REAL = (sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I)
_FLOAT_MAX = 1.7976931348623157e308


@dataclass(frozen=True)
class Limits:
    """Bounds on what :func:`parse_expression` reads; beyond them it refuses at once.

    Attributes
    ----------
    max_length : int
        Characters of text.
    max_nodes : int
        Nodes of the syntax tree.
    max_depth : int
        Nesting depth, counting a chain of ``+``/``-`` (or of ``*``/``/``) as one level.
    max_terms : int
        Operands of one sum.
    max_exponent : float
        Magnitude of a numeric exponent (``x**3`` is fine, ``9**9**9`` is not).
    """

    max_length: int = 20_000
    max_nodes: int = 8_000
    max_depth: int = 40
    max_terms: int = 500
    max_exponent: float = 100.0


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


_ADD = (ast.Add, ast.Sub)
_MUL = (ast.Mult, ast.Div)


def _chain(node, ops) -> list[tuple[bool, ast.AST]]:
    """Operands of a left-nested chain ``a + b - c`` as (inverted, operand), iteratively."""
    out = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ops):
        out.append((isinstance(node.op, (ast.Sub, ast.Div)), node.right))
        node = node.left
    out.append((False, node))
    return out[::-1]


def _depth(tree: ast.AST) -> int:
    """Nesting depth of an expression tree, chains of one operator family counting once."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(node, ast.BinOp) and isinstance(node.op, _ADD + _MUL):
            ops = _ADD if isinstance(node.op, _ADD) else _MUL
            stack += [(child, d + 1) for _, child in _chain(node, ops)]
        else:
            stack += [(child, d + 1) for child in ast.iter_child_nodes(node)]
    return deepest


def parse_expression(text: str, symbols: Mapping[str, sp.Symbol], where: str, *,
                     new_symbol: Callable[[str], sp.Symbol] | None = None, caret: bool = False,
                     error: type[Exception] = ConfigError, limits: Limits = Limits()) -> sp.Expr:
    """A sympy expression from arithmetic text, never evaluating the text.

    Parameters
    ----------
    text : str
        Python syntax as :func:`sympy.sstr` writes it: numbers (``3``, ``0.5``, ``1.2e-5``), names,
        ``+ - * / **``, unary minus, calls of :data:`FUNCTIONS`, the constants ``pi`` and ``E``
        (unless ``symbols`` gives those names to variables).
    symbols : mapping of str to sympy.Symbol
        What each identifier stands for (``{"S_mM": Symbol("S [mM]")}``).
    where : str
        Start of every error message, naming the text's origin (``"--known for x"``).
    new_symbol : callable, optional
        Called with an identifier not in ``symbols`` to create its symbol (parameters of
        ``--known``); without it such an identifier is an error.
    caret : bool
        Read ``^`` as a power (user-typed formulas); otherwise ``^`` is refused.
    error : exception class
        Raised with one sentence when the text is refused (ConfigError or DataError).
    limits : Limits

    Returns
    -------
    sympy.Expr

    Raises
    ------
    error
        The text is not such a formula, exceeds a limit, names an unknown identifier or
        function, or evaluates to something infinite, undefined or complex.
    """
    if not isinstance(text, str):
        raise error(f"{where}: expected a formula as text, got {type(text).__name__}.")
    if len(text) > limits.max_length:
        raise error(f"{where}: the formula has {len(text)} characters, more than the {limits.max_length} allowed.")
    source = text.strip().replace("^", "**") if caret else text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise error(f"{where}: '{_short(text)}' is not a formula; write arithmetic such as 'a*x - b*x*y'.") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > limits.max_nodes:
        raise error(f"{where}: the formula is too large ({nodes} syntax nodes, at most {limits.max_nodes}).")
    if _depth(tree) > limits.max_depth:
        raise error(f"{where}: the formula is nested more than {limits.max_depth} levels deep.")
    lookup = {unicodedata.normalize("NFKC", k): v for k, v in symbols.items()}
    created: dict[str, sp.Symbol] = {}
    allowed = ", ".join(sorted(FUNCTIONS))

    def number(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise error(f"{where}: '{_short(text)}' holds {value!r}, which is not a real number.")
        if isinstance(value, float) and not math.isfinite(value):
            raise error(f"{where}: '{_short(text)}' holds a number beyond floating-point range.")
        return sp.Integer(value) if isinstance(value, int) else sp.Float(value)

    def name(ident: str):
        if ident in lookup:
            return lookup[ident]
        if ident in CONSTANTS:
            return CONSTANTS[ident]
        if ident in FUNCTIONS:
            raise error(f"{where}: '{ident}' is a function; call it, e.g. {ident}(x).")
        if ident in created:
            return created[ident]
        if new_symbol is None:
            raise error(f"{where}: '{_short(ident, 40)}' is not a variable here{did_you_mean(ident, lookup)}; "
                        f"variables: {', '.join(sorted(lookup)) or 'none'}.")
        created[ident] = new_symbol(ident)
        return created[ident]

    def power(base, exp):
        if exp.is_number:
            if not exp.is_real or abs(float(exp)) > limits.max_exponent:
                raise error(f"{where}: an exponent in '{_short(text)}' is larger than {limits.max_exponent:g} "
                            f"in magnitude.")
            if base.is_number and base != 0 and abs(float(exp)) * abs(math.log10(abs(complex(base)))) > 308:
                raise error(f"{where}: '{_short(text)}' holds a power beyond floating-point range.")
        return base**exp

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            return number(node.value)
        if isinstance(node, ast.Name):
            return name(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, _ADD):
            operands = _chain(node, _ADD)
            if len(operands) > limits.max_terms:
                raise error(f"{where}: the formula has {len(operands)} terms, more than the {limits.max_terms} allowed.")
            return sp.Add(*[-build(n) if neg else build(n) for neg, n in operands])
        if isinstance(node, ast.BinOp) and isinstance(node.op, _MUL):
            return sp.Mul(*[power(build(n), sp.Integer(-1)) if inv else build(n) for inv, n in _chain(node, _MUL)])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return power(build(node.left), build(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = build(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            fname = node.func.id
            if fname not in FUNCTIONS:
                raise error(f"{where}: unknown function '{_short(fname, 40)}'{did_you_mean(fname, FUNCTIONS)}; "
                            f"allowed: {allowed}.")
            if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise error(f"{where}: {fname}() takes one argument.")
            return FUNCTIONS[fname](build(node.args[0]))
        raise error(f"{where}: '{_short(text)}' uses something other than numbers, names, + - * / ** "
                    f"and the functions {allowed}.")

    expr = build(tree)
    if expr.has(*_NOT_REAL):
        raise error(f"{where}: '{_short(text)}' evaluates to something infinite, undefined or complex; "
                    f"check for a division by zero or the root or log of a negative number.")
    for a in expr.atoms(sp.Number):
        try:
            big = abs(float(a)) > _FLOAT_MAX
        except OverflowError:
            big = True
        if big:
            raise error(f"{where}: '{_short(text)}' holds a number beyond floating-point range.")
    return expr


def as_expr(obj) -> sp.Expr:
    """``obj`` as a sympy expression if it already is one, or a plain number; text is refused.

    This is what code that used to call ``sympy.sympify`` on its argument calls instead.
    """
    if isinstance(obj, sp.Basic):
        return obj
    if isinstance(obj, bool) or not isinstance(obj, (int, float)):
        raise TypeError(f"expected a sympy expression or a number, got {type(obj).__name__}; "
                        f"text becomes an expression only through discover.core.expressions.parse_expression")
    return sp.Integer(obj) if isinstance(obj, int) else sp.Float(obj)


def _flat_symbols(args) -> list:
    out = []
    for a in args if isinstance(args, (list, tuple)) else [args]:
        out += _flat_symbols(a) if isinstance(a, (list, tuple)) else [a]
    return out


def _map_nested(obj, fn):
    if isinstance(obj, (list, tuple)):
        return type(obj)(_map_nested(o, fn) for o in obj)
    return fn(obj)


def safe_lambdify(args, exprs, modules="numpy"):
    """:func:`sympy.lambdify` with every argument renamed to an internal identifier first.

    lambdify prints symbol names into the Python source it executes; a symbol named by a label
    (``S [mM]``, ``lambda``, a payload) must never reach it. Each symbol in ``args`` (a symbol, or
    a list of them, nested as lambdify allows) is replaced by a fresh ``_sK``.

    Parameters
    ----------
    args : sympy.Symbol or (nested) list of sympy.Symbol
    exprs : sympy expression, number, or (nested) list of them
    modules : as for :func:`sympy.lambdify`

    Raises
    ------
    ValueError
        An argument is not a symbol, or an expression has a free symbol (or an undefined
        function) not among ``args``.
    """
    flat = _flat_symbols(args)
    if not all(isinstance(s, sp.Symbol) for s in flat):
        raise ValueError("safe_lambdify takes symbols as arguments")
    fresh = {s: sp.Symbol(f"_s{i}") for i, s in enumerate(dict.fromkeys(flat))}
    allowed = set(fresh)

    def rename(e):
        e = as_expr(e)
        if not e.free_symbols <= allowed or e.atoms(AppliedUndef):
            raise ValueError("an expression has a symbol or function that is not an argument of the function")
        return e.xreplace(fresh)

    return sp.lambdify(_map_nested(args, fresh.__getitem__), _map_nested(exprs, rename), modules=modules)


def _plain(name: str) -> bool:
    return (name.isidentifier() and unicodedata.normalize("NFKC", name) == name and not keyword.iskeyword(name)
            and name not in RESERVED)


def _sanitise(label: str) -> str:
    text = unicodedata.normalize("NFKC", str(label))
    s = "".join(ch if ("a" + ch).isidentifier() else "_" for ch in text)
    s = re.sub(r"_+", "_", s).strip("_") or "v"
    if not s[0].isidentifier():
        s = "v_" + s
    if keyword.iskeyword(s) or s in RESERVED:
        s += "_"
    return s


def identifiers(names: Iterable[str]) -> dict[str, str]:
    """The identifier each label is written as: ``{label: identifier}``, one-to-one.

    A label that is a Python identifier (Greek letters included, in NFKC form), not a keyword
    and not a function name of the parser keeps its name (``x``, ``hare``, ``E``, ``beta``);
    any other gets a sanitised one (``S [mM]`` -> ``S_mM``, ``lambda`` -> ``lambda_``,
    ``sin`` -> ``sin_``, ``1x`` -> ``v_1x``), made unique with ``_2``, ``_3``, ...
    """
    names = list(dict.fromkeys(str(n) for n in names))
    out = {n: n for n in names if _plain(n)}
    used = set(out.values())
    for n in names:
        if n in out:
            continue
        base = cand = _sanitise(n)
        k = 2
        while cand in used or not _plain(cand):
            cand = f"{base}_{k}"
            k += 1
        out[n] = cand
        used.add(cand)
    return {n: out[n] for n in names}


def symbol_table(names: Iterable[str]) -> dict[str, str]:
    """``{identifier: label}``, as ``equations.json`` stores it under ``"symbols"``."""
    return {ident: label for label, ident in identifiers(names).items()}


def label_symbols(table: Mapping[str, str] | None, names: Iterable[str] = (), where: str = "equations.json",
                  error: type[Exception] = ConfigError, **assumptions) -> dict[str, sp.Symbol]:
    """``{identifier: Symbol(label)}`` for :func:`parse_expression`, from a ``symbols`` table.

    Without a table (files written before it existed) each name is its own identifier.
    """
    if table is None:
        return {str(n): sp.Symbol(str(n), **assumptions) for n in names}
    if not isinstance(table, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise error(f"{where}: 'symbols' must map identifiers to names (strings to strings).")
    bad = [k for k in table if not k.isidentifier() or keyword.iskeyword(k)]
    if bad:
        raise error(f"{where}: '{_short(bad[0], 40)}' in 'symbols' is not an identifier.")
    return {k: sp.Symbol(v, **assumptions) for k, v in table.items()}


class _IdentifierPrinter(StrPrinter):
    """sympy's ``sstr`` with each symbol written as its identifier."""

    def __init__(self, ids: Mapping[str, str]):
        super().__init__()
        self._ids = ids
        self._shadow = set(ids.values())

    def _print_Symbol(self, expr):
        ident = self._ids.get(expr.name)
        if ident is None:
            if not _plain(expr.name) or expr.name in CONSTANTS:
                raise ValueError(f"symbol {expr.name!r} has no identifier to be written as")
            return expr.name
        return ident

    def _print_Dummy(self, expr):
        raise ValueError("an internal symbol cannot be written as text")

    def _print_Function(self, expr):
        if isinstance(expr, AppliedUndef):
            raise TypeError(f"undefined function {type(expr).__name__!r} cannot be written as text")
        return super()._print_Function(expr)

    def _print_Exp1(self, expr):
        return "exp(1)" if "E" in self._shadow else "E"

    def _print_Float(self, expr):
        # every constant as fitted: the shortest text that reads back as the same double (``repr``),
        # not sympy's 15 digits, which can differ from the double in the last bit
        return repr(float(expr))


def to_text(expr, ids: Mapping[str, str]) -> str:
    """``expr`` in Python syntax with each symbol written as ``ids[symbol.name]``.

    A symbol not in ``ids`` keeps its name if that is a plain identifier (a parameter), else
    ValueError. Every float is written as Python's ``repr`` of the double (up to 17 significant
    digits: the value as fitted, read back exactly); otherwise, with identity ``ids``, the text equals
    :func:`sympy.sstr`'s. It reads back with :func:`parse_expression` (and with
    ``sympy.sympify(text, locals=...)``).
    """
    return _IdentifierPrinter(ids).doprint(as_expr(expr))
