"""The walk of a field plan: what :meth:`discover.Discoverer.fit` does with field data.

A field data set (:class:`~discover.data.field.FieldDataset`) is walked as trajectories are, stage by
stage: each regression form of the plan (:mod:`~discover.pipeline.field_plan`) adds the candidates of
the field regressions (:func:`discover.fields.fit.regressions`: one field on a line, or a system of
fields or a plane), each hook stage those of the method's hook; the regressions' selection then
judges every candidate on held-out windows, picks one, bootstraps it and rates it. Each stage's
seconds and candidates go into ``run.json``'s ``settings.plan``.

The time budget bounds the walk as it bounds a run on trajectories (:class:`discover.pipeline.budget.Budget`,
on the fields' values and the number of fields): before a stage runs its declared cost
(:attr:`~discover.pipeline.field_plan.FieldStage.cost`) is compared with what is left after the reserve,
and a stage that cannot fit is skipped; one that runs gets a deadline for its share, current while it
runs (the hidden-term PINN's training steps stop when it is spent and keep what they learned). The
first stage always runs and the selection always concludes, so a run that hits its budget still ends
with a model; each stage's entry records ``estimated_s``, ``outcome`` and, when the budget cut or
skipped it, ``budget``.
"""

from __future__ import annotations

import time

from discover.core.budget import active, check_budget, start_time
from discover.core.errors import ConfigError, DataError
from discover.core.options import check_device, check_seed
from discover.core.progress import NullProgress
from discover.data.field import FieldDataset
from discover.pipeline.field_plan import FieldPlan, build_field_plan


def fit_fields(model, data: FieldDataset) -> tuple[FieldPlan, object]:
    """Walk the field plan of ``model`` (a :class:`~discover.pipeline.estimator.Discoverer`) on ``data``.

    Returns
    -------
    (FieldPlan, FieldResult)
        The plan walked and the result (its ``settings`` and ``timings`` set).

    Raises
    ------
    ConfigError
        ``methods`` is not a field method, or the seed or device is not one.
    DataError
        The data are too small for the regressions, or a hook asks for one field on a line.
    """
    from discover.fields.fit import HOOK_NEEDS_A_LINE, PdeConfig, on_a_line, regressions
    from discover.fields.methods import FieldOptions, call_hook, field_method
    from discover.pipeline.budget import UNKNOWN, Budget, cut_why

    clock = start_time()  # discover.api.run starts the clock before it reads the data
    started = time.perf_counter()
    check_seed(model.random_state, "`random_state`")
    check_device(model.device)
    check_budget(model.budget, "`budget`")
    if not isinstance(model.methods, str):
        raise ConfigError("`methods` for field data is one name (auto, sindy, weak, strong, pinn), not a list.")
    method = field_method(model.methods)
    fields = list(data.runs)
    if method.candidates is not None and not on_a_line(fields):
        raise DataError(HOOK_NEEDS_A_LINE.format(n=len(fields[0].names), d=fields[0].n_space))
    seed = model.random_state
    work = regressions(fields, PdeConfig(forms=method.forms), seed)
    plan = build_field_plan(model.methods, work.forms)
    progress = model.progress or NullProgress()
    budget = Budget(model.budget, sum(f.values[..., 0].size for f in fields), len(data.names), clock)
    note = getattr(progress, "note", None)
    if note is not None:
        note(budget.announce())
    options = FieldOptions(tables=dict(model.settings or {}), seed=seed, device=model.device, progress=progress)
    costs = [(stage.cost or UNKNOWN)(budget.n, budget.d) for stage in plan.stages]
    found, walked = [], []
    for i, stage in enumerate(plan.stages):
        entry = stage.describe()
        deadline, skipped = budget.admit(costs[i], sum(costs[i + 1:]), first=not found)
        if deadline is None:
            walked.append(budget.record({**entry, "ran": False, "candidates": 0, "why": skipped, "budget": skipped},
                                        costs[i], None, "skipped"))
            continue
        t0 = time.monotonic()
        with active(deadline):
            new = work.regress(stage.form, progress) if stage.form else call_hook(stage.hook, fields, options)
        found += new
        cut = {"budget": cut_why(deadline, t0)} if deadline.reached else {}
        walked.append(budget.record({**entry, "ran": True, "candidates": len(new), **cut}, costs[i],
                                    time.monotonic() - t0, "cut" if cut else "ran"))
    result = work.conclude(found, progress)  # the selection always runs: the best so far is kept
    result.timings = {"fit_s": time.perf_counter() - started}
    result.settings = {"requested_methods": model.methods, "seed": seed, "space": list(data.space_names),
                       "forms": list(method.forms), "periodic": list(data.periodic), "plan": walked,
                       "budget": budget.describe()}
    return plan, result


__all__ = ["fit_fields"]
