"""The methods ``--methods`` names with ``--space``: which regression forms run, and who adds candidates.

Each :class:`FieldMethod` declares the regression forms it runs (``weak``, ``strong``) and, when it
brings candidates of its own, the hook that makes them (``candidates``: ``"module:function"``, imported
only when the method is asked for) and the hook's cost for the time budget (``cost``; the regression
forms' are :data:`FORM_COSTS`). The field plan (:func:`discover.pipeline.field_plan.build_field_plan`)
reads this table, one stage per form and one for the hook, and :meth:`discover.Discoverer.fit` walks
it; neither knows a method by name. A hook is called as
``hook(fields, options)`` with a :class:`FieldOptions` and returns candidates of the one-field route
(:class:`~discover.fields.fit.PdeCandidate`), judged with the regressions' own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from discover.core.budget import WorkCost
from discover.core.errors import ConfigError, did_you_mean, shown


@dataclass(frozen=True)
class FieldOptions:
    """What a method's candidate hook may read: the run's options and its own config tables.

    Attributes
    ----------
    tables : dict
        The run's plug-in tables by name, as :func:`discover.api.run` takes them (a hook reads its
        own: the PINN its ``[pinn]`` table, where ``--known`` and ``--param`` land, and ``[pde_pinn]``).
    seed : int
    device : str
    progress : optional
        A :mod:`discover.core.progress` reporter.
    """

    tables: dict = field(default_factory=dict)
    seed: int = 0
    device: str = "auto"
    progress: object = None


@dataclass(frozen=True)
class FieldMethod:
    """One value of ``--methods`` with ``--space``.

    Attributes
    ----------
    name : str
    forms : tuple of str
        The regression forms it runs.
    candidates : str or None
        ``"module:function"`` of the hook that adds its own candidates (None: the regressions only).
    cost : WorkCost or None
        The hook's cost for the time budget, on the values of the fields (``n``: times x positions
        over every run) and the fields (``d``); :data:`FORM_COSTS` gives the regressions'.
    """

    name: str
    forms: tuple[str, ...]
    candidates: str | None = None
    cost: WorkCost | None = None

    def extra(self, fields, options: FieldOptions) -> list:
        """The candidates the method adds (none for the regressions alone)."""
        return [] if self.candidates is None else call_hook(self.candidates, fields, options)


def call_hook(hook: str, fields, options: FieldOptions) -> list:
    """Import the hook ``"module:function"`` and return the candidates it makes from ``fields``."""
    module, _, function = hook.partition(":")
    return list(getattr(import_module(module), function)(fields, options) or [])


# The costs for the time budget, measured on the 2-core machine (load average about 5) on Burgers at 1%
# noise, 64 x 41 and 128 x 101 values: the weak form 0.05-0.11 s, the strong form 0.16-0.24 s (the
# library, the threshold sweep and best subsets; judging the candidates is the selection's, which
# always runs); the hidden-term PINN's default 500 + 3,000 Adam steps and 300 L-BFGS iterations on 1,024
# collocation points about 0.03 s a step (300 steps and the distillation: 10 s), its data loss reading
# every value. Rough by a factor of two or more: the budget wants the order of magnitude.
FORM_COSTS: dict[str, WorkCost] = {
    "weak": WorkCost(0.1, 1e-5, "samples x variables"),
    "strong": WorkCost(0.2, 2e-5, "samples x variables"),
}
PINN_COST = WorkCost(100.0, 2e-3, "samples x variables")

BOTH = ("weak", "strong")
METHODS: dict[str, FieldMethod] = {
    m.name: m
    for m in (
        FieldMethod("auto", BOTH),
        FieldMethod("sindy", BOTH),
        FieldMethod("weak", ("weak",)),
        FieldMethod("strong", ("strong",)),
        FieldMethod("pinn", BOTH, "discover.fields.pinn_route:candidates_hook", PINN_COST),
    )
}


def field_method(methods: str | None) -> FieldMethod:
    """The method ``--methods`` names for a field run (``auto`` when not given); ConfigError otherwise."""
    m = (methods or "auto").strip().lower()
    if m not in METHODS:
        raise ConfigError(f"`--methods` with `--space` must be one of {', '.join(METHODS)}, not "
                          f"'{shown(methods)}'{did_you_mean(m, tuple(METHODS))}.")
    return METHODS[m]


__all__ = ["FORM_COSTS", "METHODS", "FieldMethod", "FieldOptions", "call_hook", "field_method"]
