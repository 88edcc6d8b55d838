"""A discovered PDE as the estimator shows it: the equations, their coefficients and a simulator.

:class:`FieldModel` is plain data around a run's :class:`~discover.fields.fit.FieldResult`: the view
a :class:`~discover.pipeline.estimator.Discoverer` fitted on fields (or a PDE run folder read back by
:func:`discover.load`, the same estimator) takes its attributes from, named as it names its results (``equations_``,
``confidence_``, ``best_``, ``candidates_``, ``result_``): the equations are sympy expressions on
internal symbols (``symbols_`` gives each one's label: ``u``, ``u_x``, ``u_xx``, ...), never built
from the labels' text; ``coefficients_`` lists every term with its bootstrap standard error;
``simulate(run)`` integrates the selected PDE over a stored run's grid and times with the solver that
judged it (spectral ETDRK4 on a periodic grid, the method of lines with the data's edges otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from discover.fields.basis import Basis
from discover.fields.fit import FieldResult


@dataclass
class FieldModel:
    """A discovered PDE (one equation per field), as a PDE run folder holds it.

    Attributes
    ----------
    result_ : FieldResult
        Everything the run's report shows: the fields, every candidate with its scores, the pick.
    """

    result_: FieldResult

    @property
    def basis_(self) -> Basis:
        f = self.result_.fields[0]
        return self.result_.basis or Basis(tuple(f.names), tuple(f.space_names), 4)

    @property
    def names_(self) -> tuple[str, ...]:
        return tuple(self.result_.fields[0].names)

    @property
    def space_(self) -> tuple[str, ...]:
        return tuple(self.result_.fields[0].space_names)

    @property
    def time_name_(self) -> str:
        return self.result_.fields[0].time_name

    @property
    def best_(self):
        return self.result_.best

    @property
    def candidates_(self) -> list:
        return list(self.result_.candidates)

    @property
    def confidence_(self) -> str:
        return self.result_.confidence

    @property
    def reasons_(self) -> list[str]:
        return list(self.result_.reasons)

    def _models(self) -> list[dict]:
        best = self.result_.best
        if best is None:
            return []
        return list(best.equations) if self.result_.basis is not None else [best.terms]

    def _errors(self) -> list[dict]:
        best = self.result_.best
        if best is None:
            return []
        if self.result_.basis is not None:
            return list(best.std) if best.std else [{} for _ in self.names_]
        return [best.std or {}]

    @property
    def symbols_(self) -> dict[sp.Symbol, str]:
        """The label of each internal symbol of :attr:`equations_` (``_f0`` → ``u``, ``_f1`` → ``u_x``, ...)."""
        return self.basis_.labels()

    @property
    def lhs_(self) -> dict[str, str]:
        """Per field, the label of its time derivative (``u_t``)."""
        return {n: f"{n}_{self.time_name_}" for n in self.names_}

    @property
    def equations_(self) -> dict[str, sp.Expr]:
        """Per field label, the right-hand side of its PDE on internal symbols, every coefficient as fitted
        (empty when no candidate survived selection)."""
        b = self.basis_
        return {n: b.to_sympy(m) for n, m in zip(self.names_, self._models())}

    @property
    def coefficients_(self) -> list[dict]:
        """One row per term of the pick: ``field``, ``term`` (``u*u_x``), ``value`` (as fitted) and ``stderr``
        (bootstrap standard error; None where the run has none)."""
        b = self.basis_
        rows = []
        for n, model, errors in zip(self.names_, self._models(), self._errors()):
            for m, c in sorted(model.items(), key=lambda kv: b.sort_key(kv[0])):
                se = errors.get(m)
                rows.append({"field": n, "term": b.term_text(m), "value": float(c),
                             "stderr": None if se is None else float(se)})
        return rows

    def simulate(self, run: int = 0) -> np.ndarray | None:
        """The selected PDE integrated over run ``run``'s stored times and grid, from its first (denoised) row.

        Returns
        -------
        ndarray of shape (n_t, n_x[, n_y], n_fields), or None
            None when no model was selected, or when it blows up (the figure then shows the data alone).
        """
        from discover.fields.fit_system import simulate_pick

        return simulate_pick(self.result_, run)

    def to_python(self, path=None) -> str:
        """The PDE as a NumPy module defining ``rhs(u, u_x, u_xx, ...)`` (:func:`discover.export.to_python`)."""
        from discover.export import to_python

        return to_python(self, path)


__all__ = ["FieldModel"]
