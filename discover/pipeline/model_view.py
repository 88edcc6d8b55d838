"""Using a fitted :class:`~discover.pipeline.estimator.Discoverer`: any candidate, as a table, printed, exported.

:class:`ModelView` holds what a fitted model offers after ``fit`` (mixed into the estimator so the
pipeline module keeps to fitting): ``predict`` and ``simulate`` with any candidate (``index=``),
:meth:`~ModelView.candidates_frame` (one row per candidate, best first, as PySR's ``equations_``),
:meth:`~ModelView.use` (a copy whose selected candidate is another one), ``print(model)`` and a
notebook display (``_repr_html_``), and the exports of :mod:`discover.export`. Every label is
escaped for the medium it is shown in (:mod:`discover.core.printing`).
"""

from __future__ import annotations

import copy

import numpy as np
import sympy as sp
from markupsafe import Markup, escape

from discover.core import printing
from discover.core.candidates import Candidate
from discover.core.errors import ConfigError, DataError, NotFittedError
from discover.data.dataset import Dataset
from discover.export.system import candidate_constants

__all__ = ["ModelView", "candidates_frame"]

_FIRST_SCORES = ("short_r2", "validation_r2", "valid_time", "valid_fraction")


def candidates_frame(candidates, names, time_name: str, selected: Candidate | None = None, equivalent=()):
    """One row per candidate, in the given order (best first), as a pandas DataFrame.

    Columns: ``method``, ``complexity``, ``selected``, the scores (``short_r2``, ``validation_r2``,
    ``valid_time``, ``valid_fraction`` first, then any other), ``equations`` (plain text, one
    ``dx/dt = ...`` per variable joined by ``"; "``), ``equivalent`` (its place in the equivalence set, the
    structures the data cannot tell apart: 0 for the pick, 1, 2, ...; None outside it), ``sympy`` (dict of variable to sympy
    expression, an object column), ``constants`` and ``standard_errors`` (dicts, empty when the
    candidate's settings hold none).
    """
    import pandas as pd

    keys = [k for k in _FIRST_SCORES if any(k in c.scores for c in candidates)]
    keys += sorted({k for c in candidates for k in c.scores} - set(keys))
    rows = []
    place = {id(a.candidate): i for i, a in enumerate(equivalent)}
    for c in candidates:
        values, errors = candidate_constants(c)
        rows.append({
            "method": c.method, "complexity": c.complexity, "selected": c is selected,
            **{k: c.scores.get(k) for k in keys},
            "equations": "; ".join(f"{printing.derivative_text(v, time_name)} = {printing.text(c.equations[v])}"
                                   for v in names if v in c.equations),
            "equivalent": place.get(id(c)),
            "sympy": {v: c.equations[v] for v in names if v in c.equations},
            "constants": values, "standard_errors": errors,
        })
    columns = ["method", "complexity", "selected", *keys, "equations", "equivalent", "sympy", "constants", "standard_errors"]
    return pd.DataFrame(rows, columns=columns)


class ModelView:
    """What a fitted model offers: predictions, simulations, tables and exports of any candidate.

    Mixed into :class:`~discover.pipeline.estimator.Discoverer`; it reads ``best_``, ``candidates_``,
    ``equations_``, ``names_``, ``confidence_`` and ``result_``.
    """

    def _ode_only(self) -> None:
        """Refuse an ODE operation on a model fitted on field data, in one sentence."""
        if getattr(self, "kind_", "trajectories") == "field":
            raise ConfigError("This model was fitted on field data (a PDE): `predict`, `simulate(t, x0)`, `score`, `use` "
                              "and `candidates_frame` are for ODEs; read `equations_` and `coefficients_`, or "
                              "`simulate(run)` for the PDE integrated on a stored run.")

    def _check(self):
        if not hasattr(self, "result_"):
            raise NotFittedError("This Discoverer is not fitted yet; call `fit(data)` first.")
        self._ode_only()
        if self.best_ is None:
            raise NotFittedError("No candidate survived selection, so there is no model to use; see the report.")

    def _candidate(self, index: int | None = None) -> Candidate:
        """The selected candidate, or candidate ``index`` of ``candidates_`` (best first)."""
        if index is None:
            self._check()
            return self.best_
        if not hasattr(self, "result_"):
            raise NotFittedError("This Discoverer is not fitted yet; call `fit(data)` first.")
        self._ode_only()
        n = len(self.candidates_)
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not -n <= index < n:
            raise ConfigError(f"`index` must be an integer from 0 to {n - 1} (the rows of `candidates_frame()`), "
                              f"not {index!r}.")
        return self.candidates_[int(index)]

    def _inputs(self) -> tuple[str, ...]:
        return tuple(getattr(self.result_, "inputs", ()) or ())

    def _check_u(self, u, what: str) -> None:
        inputs = self._inputs()
        if inputs and u is None:
            raise ConfigError(f"The model reads the measured input(s) {', '.join(inputs)}; give their values with "
                              f"`{what}(..., u=...)`.")
        if not inputs and u is not None:
            raise ConfigError("The model has no inputs (it was fitted without `inputs=`); leave out `u`.")

    def predict(self, states: np.ndarray, index: int | None = None, u=None) -> np.ndarray:
        """dx/dt at ``states`` (n_samples, n_states), of the selected equations or candidate ``index``.

        ``u`` (n_samples, n_inputs): the inputs at those samples, for a model fitted with inputs.
        """
        from discover.core.integrate import compile_rhs

        c = self._candidate(index)
        self._check_u(u, "predict")
        inputs = self._inputs()
        f = compile_rhs([c.equations[n] for n in self.names_], [sp.Symbol(n) for n in self.names_],
                        [sp.Symbol(n) for n in inputs])
        X = np.atleast_2d(np.asarray(states, dtype=float))
        if not inputs:
            return f(X.T).T
        U = np.asarray(u, dtype=float).reshape(X.shape[0], len(inputs))
        return f(X.T, U.T).T

    def simulate(self, t: np.ndarray | None = None, x0: np.ndarray | None = None, index: int | None = None, u=None,
                 hold: str | None = None, *, run: int | None = None) -> np.ndarray | None:
        """Integrate the selected equations (or candidate ``index``) from ``x0`` at times ``t``.

        For a model fitted with measured inputs, ``u`` drives it: an array of shape
        (len(t), n_inputs), read between the times as the data were (``hold``: ``"linear"`` or
        ``"zoh"``; by default the fit's own), or a function ``u(t)`` returning (n_inputs,).

        For a model fitted on fields (a PDE), ``simulate(run)`` (or ``simulate(run=run)``, by default
        the first run) integrates the selected PDE over that stored run's times and grid
        (:func:`discover.fields.fit_system.simulate_pick`); times and a start are for ODEs.

        Returns
        -------
        ndarray of shape (len(t), n_states)
            For a PDE: of shape (n_t, n_x[, n_y], n_fields), or None when no model was selected or it
            blows up.
        """
        from discover.core.integrate import integrate
        from discover.core.signals import as_signal

        if getattr(self, "kind_", "trajectories") == "field":
            return self._simulate_field(t if run is None else run, (x0, index, u, hold))
        if t is None or x0 is None:
            raise ConfigError("`simulate` needs the times `t` and the starting state `x0`.")
        c = self._candidate(index)
        self._check_u(u, "simulate")
        t = np.asarray(t, dtype=float)
        inputs = self._inputs()
        driven = {}
        if inputs:
            sig = as_signal(u, t, len(inputs), hold or getattr(self.result_, "hold", "linear"))
            driven = {"inputs": [sig], "input_symbols": [sp.Symbol(n) for n in inputs]}
        sol = integrate([c.equations[n] for n in self.names_], [sp.Symbol(n) for n in self.names_],
                        np.atleast_2d(x0), [t], **driven)
        return sol.x[0]

    def _simulate_field(self, run, odes: tuple) -> np.ndarray | None:
        """The selected PDE over stored run ``run`` (refused in one sentence with ODE arguments)."""
        from numbers import Integral

        from discover.fields.fit_system import simulate_pick

        if any(a is not None for a in odes) or isinstance(run, np.ndarray) or (
                run is not None and (isinstance(run, bool) or not isinstance(run, Integral))):
            self._ode_only()
        n = len(self.result_.fields)
        run = 0 if run is None else int(run)
        if not 0 <= run < n:
            raise ConfigError(f"`run` must be from 0 to {n - 1} (the stored runs), not {run}.")
        return simulate_pick(self.result_, run)

    def score(self, X, t=None, feature_names=None, inputs=None) -> float:
        """The report's held-out metric on new data: the short-horizon R² of the selected equations.

        The data (anything :meth:`fit` accepts; arrays default to the fitted state names) are
        smoothed as in ``fit``, and the equations are integrated from many starting states over
        the run's validation horizon and compared with the measurements (1 - median normalised
        error; :func:`discover.selection.scoring.short_horizon_r2`), as the report's
        "short-horizon R²" is. ``-inf`` when the equations blow up from most starts. A model fitted
        with measured inputs is driven by the inputs of the new data (``inputs`` as in :meth:`fit`;
        a DataFrame's input columns default to the fitted ones).
        """
        from discover.data.inputs import as_dataset
        from discover.selection.scoring import short_horizon_r2

        self._check()
        default = None if isinstance(X, Dataset) or hasattr(X, "columns") else list(self.names_)
        fitted_inputs = tuple(self.result_.inputs)
        if inputs is None and fitted_inputs and hasattr(X, "columns"):
            inputs = list(fitted_inputs)
        data = as_dataset(X, t, feature_names if feature_names is not None else default, inputs,
                          self.result_.hold)
        if tuple(data.inputs) != fitted_inputs and not (fitted_inputs and len(data.inputs) == len(fitted_inputs)
                                                         and not hasattr(X, "columns")):
            raise DataError(f"The model reads the inputs {', '.join(fitted_inputs) or 'none'} but the data give "
                            f"{', '.join(data.inputs) or 'none'}; give the same inputs (`inputs=`).")
        if fitted_inputs and tuple(data.inputs) != fitted_inputs:  # arrays: their inputs take the fitted names
            from dataclasses import replace

            data = replace(data, inputs=fitted_inputs)
        if tuple(data.names) != tuple(self.names_):
            raise DataError(f"The data have the states {', '.join(data.names)} but the model was fitted on "
                            f"{', '.join(self.names_)}; give the same states (`feature_names`).")
        return short_horizon_r2(self.best_, data, self.names_, self.result_.settings.get("validation_horizon"))

    def candidates_frame(self):
        """Every candidate as a row of a pandas DataFrame, best first (see :func:`candidates_frame`)."""
        if not hasattr(self, "result_"):
            raise NotFittedError("This Discoverer is not fitted yet; call `fit(data)` first.")
        self._ode_only()
        return candidates_frame(self.candidates_, self.names_, self.result_.time_name, self.best_,
                                self.result_.equivalent)

    def use(self, index: int):
        """A copy of this fitted model whose selected candidate is ``candidates_[index]``.

        ``predict``, ``simulate``, ``score``, ``print`` and the exports of the copy then use that
        candidate; this model is unchanged. ``confidence_``, ``candidates_`` and ``result_`` (and so
        the report ``write_report`` writes) stay those of the run's own selection.

        Examples
        --------
        >>> model.candidates_frame()[["method", "complexity", "short_r2"]]   # doctest: +SKIP
        >>> model.use(2).simulate(t, x0)                                     # doctest: +SKIP
        """
        c = self._candidate(index)
        other = copy.copy(self)
        other.best_ = c
        other.equations_ = dict(c.equations)
        return other

    def _lines(self) -> list[str]:
        if self.result_.kind == "field":  # u_t = ... per field, on the identifiers equations.json writes
            from discover.report.pde import equation_texts

            time = self.result_.fields[0].time_name
            return [f"{name}_{time} = {rhs}" for name, rhs in equation_texts(self.best_, self.result_).items()]
        time = self.result_.time_name
        return [f"{printing.derivative_text(v, time)} = {printing.text(self.best_.equations[v])}" for v in self.names_]

    def __str__(self) -> str:
        if not hasattr(self, "result_"):
            return repr(self)
        if self.best_ is None:
            return "Discoverer: no candidate survived selection."
        method = getattr(self.best_, "method", None) or f"pde-{getattr(self.best_, 'form', '')}"
        head = f"Discoverer: {method}, complexity {self.best_.complexity}, confidence {self.confidence_}"
        return "\n".join([head, *("  " + line for line in self._lines())])

    def _repr_html_(self) -> str:
        """The selected equations (MathML), the confidence and the candidate table, every label escaped."""
        if not hasattr(self, "result_"):  # an unfitted estimator: scikit-learn's own display
            parent = getattr(super(), "_repr_html_", None)
            return parent() if callable(parent) else str(escape(repr(self)))
        if self.result_.kind == "field":  # the PDE as text, every label escaped
            return str(Markup("<pre class='discover-model'>{}</pre>").format(str(self)))
        parts = [Markup("<div class='discover-model'>")]
        if self.best_ is None:
            parts.append(Markup("<p><b>No candidate survived selection.</b></p>"))
        else:
            parts.append(Markup("<p><b>Selected</b>: {} (complexity {}); confidence <b>{}</b></p>").format(
                self.best_.method, self.best_.complexity, self.confidence_))
            parts += [printing.equation_mathml(v, self.result_.time_name, self.best_.equations[v])
                      for v in self.names_]
        frame = self.candidates_frame().drop(columns=["sympy"])
        parts.append(Markup(frame.to_html(escape=True, index=True, float_format=lambda v: f"{v:.4g}")))
        parts.append(Markup("</div>"))
        return str(Markup("").join(parts))

    def _repr_mimebundle_(self, **kwargs):
        """What Jupyter shows (it asks for this before ``_repr_html_``): text and HTML once fitted."""
        if not hasattr(self, "result_"):
            parent = getattr(super(), "_repr_mimebundle_", None)
            return parent(**kwargs) if callable(parent) else {"text/plain": repr(self)}
        return {"text/plain": str(self), "text/html": self._repr_html_()}

    # ------------------------------------------------------------------ exports
    def to_python(self, path=None, index: int | None = None) -> str:
        """A self-contained NumPy module with ``rhs(t, x)`` (:func:`discover.export.to_python`)."""
        from discover.export import to_python

        return to_python(self.use(index) if index is not None else self, path)

    def to_latex(self, index: int | None = None) -> str:
        """A LaTeX table of the equations and constants (:func:`discover.export.to_latex`)."""
        from discover.export import to_latex

        return to_latex(self.use(index) if index is not None else self)

    def to_callable(self, kind: str = "numpy", index: int | None = None):
        """``f(x) -> dx/dt`` in NumPy or torch, ``f(x, u, t=None)`` for a model with measured inputs
        (:func:`discover.export.to_callable`)."""
        from discover.export import to_callable

        return to_callable(self.use(index) if index is not None else self, kind)
