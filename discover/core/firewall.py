"""The candidate firewall: no single candidate, and no single failing search, can end a run.

Every candidate of every distiller (and of every surrogate's post-processing) passes one gate
before selection sees it (:func:`gate`): its right-hand sides must be real expressions in the
run's variables, hold only finite constants, compile, and evaluate to finite real numbers on
the training states. What fails is dropped with a reason that ``run.json`` keeps
(``dropped``); what cannot be simulated is marked failed by selection, never raised.
A distiller whose search raises an unexpected exception (a degenerate fit, an engine's
formula that sympy cannot print) loses its own candidates only (:func:`contained`): the
reason goes to ``run.json`` (``failed``) and the traceback to the ``discover`` logger.
Errors of the user's own making (:class:`~discover.core.errors.DiscoverError`: bad settings,
bad data) still stop the run with their one sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import sympy as sp

from discover.core.errors import DiscoverError
from discover.core.expressions import as_expr, safe_lambdify

LOG = logging.getLogger("discover.firewall")

#: The training states a candidate is evaluated on (evenly spaced rows; evaluation is cheap,
#: but a million-row run need not compile its check into a million evaluations).
MAX_ROWS = 2000

#: Larger numeric exponents are refused before anything evaluates them: Python works out
#: ``(2**10**6)**(2**10**6)`` exactly, for ever, and no model of measured data needs them.
MAX_EXPONENT = 1000.0

_NON_FINITE = (sp.zoo, sp.oo, -sp.oo, sp.nan)


def _too_large(exponent) -> bool:
    """Whether a numeric exponent is beyond :data:`MAX_EXPONENT`, or an expression of numbers
    (``2**10**6``) that only evaluating could size: nothing here evaluates it, since exact integer
    powers in sympy and mpmath alike can take for ever."""
    if not exponent.is_number:
        return False
    if exponent.is_Rational or exponent.is_Float:
        return not abs(float(exponent)) <= MAX_EXPONENT
    return True


def one_line(exc: BaseException, most: int = 200) -> str:
    """An exception as one short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= most else text[: most - 1] + "…"


def reason(equations: dict, states: np.ndarray, names: Sequence[str]) -> str | None:
    """Why a system of right-hand sides cannot enter selection (None when it can).

    Parameters
    ----------
    equations : dict of str to sympy.Expr
        d(variable)/dt per variable, on symbols named by ``names``.
    states : numpy.ndarray of shape (n_samples, len(names))
        Training states (and measured inputs) the equations must evaluate finitely on.
    names : sequence of str
        The variables (then the inputs) the equations may read.
    """
    symbols = [sp.Symbol(n) for n in names]
    allowed = set(symbols)
    exprs = []
    for v, e in equations.items():
        try:
            e = as_expr(e)
        except Exception as exc:  # noqa: BLE001 - anything that is not an expression is refused here
            return f"d{v}/dt is not an expression ({one_line(exc)})"
        if e.has(*_NON_FINITE):
            return f"d{v}/dt holds an infinite or undefined constant"
        if e.has(sp.I):
            return f"d{v}/dt is complex"
        if not e.free_symbols <= allowed:
            return f"d{v}/dt reads symbols that are not variables of the run"
        if any(not np.isfinite(float(f)) for f in e.atoms(sp.Float)):
            return f"d{v}/dt holds a non-finite constant"
        if any(_too_large(p.exp) for p in e.atoms(sp.Pow)):
            return f"d{v}/dt holds a power beyond {MAX_EXPONENT:g}"
        exprs.append(e)
    if not exprs:
        return "it has no equation"
    try:
        f = safe_lambdify(symbols, exprs, "numpy")
    except Exception as exc:  # noqa: BLE001 - sympy's printers raise KeyError, TypeError, RecursionError...
        return f"it cannot be compiled ({one_line(exc)})"
    X = np.asarray(states, dtype=float)
    if X.shape[0] > MAX_ROWS:
        X = X[np.unique(np.linspace(0, X.shape[0] - 1, MAX_ROWS).astype(int))]
    try:
        with np.errstate(all="ignore"):
            out = [np.asarray(y) for y in f(*X.T)]
    except Exception as exc:  # noqa: BLE001 - evaluation of an engine's formula may raise anything
        return f"it cannot be evaluated on the training states ({one_line(exc)})"
    for v, y in zip(equations, out):
        if np.iscomplexobj(y) or y.dtype == object:
            return f"d{v}/dt does not evaluate to real numbers"
        bad = int(np.size(y) - np.count_nonzero(np.isfinite(y)))
        if bad:
            return f"d{v}/dt is not finite at {bad} of {X.shape[0]} training states"
    return None


def gate(candidates: list, states: np.ndarray, names: Sequence[str]) -> tuple[list, list[dict]]:
    """The candidates that pass :func:`reason`, and a record of each one dropped.

    Returns
    -------
    kept : list of Candidate
    dropped : list of dict
        ``method``, ``reason`` and ``equations`` (plain text) of each candidate dropped.
    """
    kept, dropped = [], []
    for c in candidates:
        try:
            why = reason(c.equations, states, names)
        except Exception as exc:  # noqa: BLE001 - the gate itself must not end the run either
            why = f"it could not be checked ({one_line(exc)})"
        if why is None:
            kept.append(c)
            continue
        try:
            text = {v: sp.sstr(e) for v, e in c.equations.items()}
        except Exception:  # noqa: BLE001
            text = {}
        LOG.info("dropped a candidate of %s: %s", getattr(c, "method", "?"), why)
        dropped.append({"method": getattr(c, "method", "?"), "reason": why, "equations": text})
    return kept, dropped


def contained(search, what: str):
    """Run ``search()``; an unexpected exception becomes ``(None, reason)`` instead of ending the run.

    A :class:`~discover.core.errors.DiscoverError` (bad settings or data: the user's to fix) and
    interrupts pass through. Returns ``(result, None)`` when the search ran.
    """
    try:
        return search(), None
    except DiscoverError:
        raise
    except (MemoryError, RecursionError, Exception) as exc:  # noqa: BLE001 - the firewall's whole job
        LOG.info("%s failed; its candidates are left out", what, exc_info=True)
        return None, f"{what} failed and its candidates were left out ({one_line(exc)})"
