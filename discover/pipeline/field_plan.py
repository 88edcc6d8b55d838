"""The field plan: the stages a run on field data walks (strategies as data, as :mod:`~discover.pipeline.plan`).

``--methods`` with field data names one method of :data:`discover.fields.methods.METHODS`. Its plan
is one stage per regression form it declares (``weak``, ``strong``: the field regressions, distillers
of field data), then one stage for the candidate hook it declares, if any (a method with candidates
of its own, found by its name in that table: the hidden-term PINN in PDE form), each with the cost
the form or the method declares for the time budget. After the last stage
the regressions' selection judges every candidate in stage order. This module imports no numerical
library: the plan is checked before the data are read.
"""

from __future__ import annotations

from dataclasses import dataclass

from discover.fields.methods import FORM_COSTS, FieldMethod, field_method


@dataclass(frozen=True)
class FieldStage:
    """One step of a field plan: a regression form, or a method's candidate hook.

    Attributes
    ----------
    name : str
        How ``run.json`` names it: the form, or the method whose hook it calls.
    form : str, optional
        ``"weak"`` or ``"strong"``: the regression it runs.
    hook : str, optional
        ``"module:function"`` of the hook that adds the method's own candidates.
    cost : WorkCost, optional
        Its cost for the time budget, as the form or the method declares it
        (:data:`discover.fields.methods.FORM_COSTS`, :attr:`FieldMethod.cost`); None: unknown.
    """

    name: str
    form: str | None = None
    hook: str | None = None
    cost: object = None

    def describe(self) -> dict:
        """The stage as ``run.json``'s ``settings.plan`` lists it."""
        return {"stage": self.name, "routes": [f"pde-{self.form}" if self.form else self.name]}


@dataclass(frozen=True)
class FieldPlan:
    """The method ``--methods`` named and the stages it walks."""

    method: FieldMethod
    stages: tuple[FieldStage, ...]

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(s.form for s in self.stages if s.form)

    @property
    def hooks(self) -> tuple[FieldStage, ...]:
        return tuple(s for s in self.stages if s.hook)


def build_field_plan(methods, forms_for=None) -> FieldPlan:
    """The field plan of ``methods`` (``auto`` when None; ConfigError for a name not in the table).

    ``forms_for`` maps the forms the method declares to those the data are regressed in (a system
    of fields or a field on a plane: the weak form alone); by default every declared form.
    """
    method = field_method(methods)
    forms = tuple(forms_for(method.forms)) if forms_for is not None else tuple(method.forms)
    stages = [FieldStage(form, form=form, cost=FORM_COSTS.get(form)) for form in forms]
    if method.candidates is not None:
        stages.append(FieldStage(method.name, hook=method.candidates, cost=method.cost))
    return FieldPlan(method, tuple(stages))


__all__ = ["FieldPlan", "FieldStage", "build_field_plan"]
