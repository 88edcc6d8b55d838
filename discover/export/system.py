"""The system an export writes: labels, time, right-hand sides and named constants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp

from discover.core.candidates import Candidate
from discover.core.errors import ConfigError, NotFittedError


def candidate_constants(c: Candidate) -> tuple[dict[str, float], dict[str, float]]:
    """The named constants a candidate's settings hold and their standard errors.

    The hidden-term PINN records its learned parameters (``parameters``), the hidden term's
    coefficients (``hidden_constants``) and fixed ones (``fixed``), with ``standard_errors`` from
    its output-error refit; other routes record none (their constants are the numbers in the
    equations, with their standard errors in ``uncertainty``: see
    :func:`discover.core.candidates.contract_problems`). Returns ``({name: value}, {name: standard error})``.

    A run folder written before that contract held the errors of the equations' constants as lists
    under ``standard_errors`` (``{"x": [[value, se], ...]}``); entries that are not a named
    constant's number are not named constants and are left out.
    """
    st = c.settings or {}
    values = {}
    for key in ("parameters", "hidden_constants", "fixed"):
        table = st.get(key) or {}
        if isinstance(table, dict):
            values.update({str(k): float(v) for k, v in table.items() if _number(v)})
    errors = st.get("standard_errors") or {}
    errors = ({str(k): float(v) for k, v in errors.items() if _number(v)}
              if isinstance(errors, dict) else {})
    return values, errors


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@dataclass(frozen=True)
class System:
    """One candidate's right-hand sides in a fixed variable order.

    Attributes
    ----------
    names : tuple of str
        The state labels, in the order of ``x``.
    time : str
        The time label.
    exprs : tuple of sympy.Expr
        d(names[i])/dt, on symbols named by the labels.
    method : str
    complexity : int
    constants : dict of str to float
        Named constants the candidate's settings hold (the PINN's parameters).
    standard_errors : dict of str to float
    inputs : tuple of str
        Measured inputs the right-hand sides read (exported as ``u_0, u_1, ...``).
    value_errors : dict of float to float
        The standard error of each constant of the equations, by its value (from the candidate's
        ``uncertainty`` rows; empty when it has none).
    """

    names: tuple
    time: str
    exprs: tuple
    method: str
    complexity: int
    constants: dict
    standard_errors: dict
    inputs: tuple = ()
    value_errors: dict = field(default_factory=dict)

    @property
    def symbols(self) -> list[sp.Symbol]:
        return [sp.Symbol(n) for n in self.names]

    def internal(self, state: str = "x_", constant: str = "c_"):
        """The expressions on internal symbols ``x_0..``, every float a constant ``c_0..``.

        Returns
        -------
        exprs : list of sympy.Expr
            On symbols ``{state}{i}`` and ``{constant}{k}`` only.
        values : dict of str to float
            ``{constant name: value}``, in order of appearance.
        """
        states = {s: sp.Symbol(f"{state}{i}") for i, s in enumerate(self.symbols)}
        states |= {sp.Symbol(n): sp.Symbol(f"u_{j}") for j, n in enumerate(self.inputs)}
        values, out = {}, []
        for e in self.exprs:
            extra = e.free_symbols - set(states)
            if extra:
                raise ConfigError(f"The equations hold the symbol '{sorted(map(str, extra))[0]}', which is not a "
                                  "state variable; only a closed system dx/dt = f(x) can be exported.")
            floats = sorted(e.atoms(sp.Float), key=sp.default_sort_key)
            reps = {}
            for f in floats:
                name = f"{constant}{len(values)}"
                values[name] = float(f)
                reps[f] = sp.Symbol(name)
            out.append(e.xreplace({**states, **reps}))
        return out, values


def system_of(source, names: Sequence[str] | None = None, time: str = "t") -> System:
    """The system to export from a fitted model, a run result or a candidate.

    Parameters
    ----------
    source : Discoverer, RunResult or Candidate
        A fitted model (its selected candidate), a result read from a run folder (its best
        candidate) or one candidate.
    names : sequence of str, optional
        The state order; by default the model's or result's, or the candidate's own.
    time : str
        The time label when ``source`` is a candidate.
    """
    from discover.export.pde import field_result

    if field_result(source) is not None:
        raise ConfigError("A PDE exports as a Python module, LaTeX or sympy text (`to_python`, `to_latex`, "
                          "`to_sympy_text`; `discover export --to python|latex|sympy`), not as dx/dt = f(x).")
    inputs = tuple(getattr(getattr(source, "result_", source), "inputs", ()) or ())
    if isinstance(source, Candidate):
        cand, order, t = source, list(names or source.variables), time
    elif hasattr(source, "candidates_frame"):  # a Discoverer, fitted or not
        if not hasattr(source, "result_"):
            raise NotFittedError("This Discoverer is not fitted yet; call `fit(data)` first.")
        cand, order, t = source.best_, list(names or source.names_), source.result_.time_name
    elif hasattr(source, "best") and hasattr(source, "names"):
        cand, order, t = source.best, list(names or source.names), source.time_name
    else:
        raise ConfigError(f"Cannot export a {type(source).__name__}; give a fitted Discoverer, a run folder's "
                          "result or a Candidate.")
    if cand is None:
        raise NotFittedError("No candidate survived selection, so there is no model to export; see the report.")
    missing = [n for n in order if n not in cand.equations]
    if missing:
        raise ConfigError(f"The candidate has no equation for '{missing[0]}'; give `names` among "
                          f"{', '.join(map(repr, cand.variables))}.")
    values, errors = candidate_constants(cand)
    by_value = {float(r["value"]): float(r["stderr"]) for rows in (cand.uncertainty or {}).values()
                for r in rows if isinstance(r, dict) and _number(r.get("value")) and _number(r.get("stderr"))}
    return System(tuple(order), str(t), tuple(cand.equations[n] for n in order), cand.method, cand.complexity,
                  values, errors, inputs, by_value)
