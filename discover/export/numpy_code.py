"""NumPy code of right-hand sides and constant tables, shared by the ODE and PDE Python exports."""

from __future__ import annotations

import ast
import math
from importlib import metadata

from sympy.printing.numpy import NumPyPrinter

from discover.core.errors import ConfigError


def _version() -> str:
    try:
        return metadata.version("discover-equations")
    except metadata.PackageNotFoundError:
        return "(version unknown)"


def _number(v: float) -> str:
    v = float(v)
    return repr(v) if math.isfinite(v) else f"float({str(v)!r})"


def _table(values: dict) -> str:
    if not values:
        return "{}"
    return "{\n" + "".join(f"    {str(k)!r}: {_number(v)},\n" for k, v in values.items()) + "}"


def _code(expr, allowed: set[str]) -> str:
    """NumPy code of one right-hand side, refused unless it names only ``allowed`` and ``numpy``."""
    printer = NumPyPrinter({"fully_qualified_modules": True, "strict": True})
    code = printer.doprint(expr)
    tree = ast.parse(code, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in allowed | {"numpy"}:
            raise ConfigError(f"An equation holds '{node.id}', which a NumPy module cannot compute.")
        if isinstance(node, ast.Attribute) and not (isinstance(node.value, ast.Name) and node.value.id == "numpy"):
            raise ConfigError("An equation holds a function a NumPy module cannot compute.")
        if isinstance(node, (ast.Lambda, ast.Subscript, ast.Starred, ast.keyword)):
            raise ConfigError("An equation could not be written as NumPy code.")
    return code
