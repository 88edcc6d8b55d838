"""The walk of a field plan: what :meth:`discover.Discoverer.fit` does with field data.

A field data set (:class:`~discover.data.field.FieldDataset`) is walked as trajectories are, stage by
stage: each regression form of the plan (:mod:`~discover.pipeline.field_plan`) adds the candidates of
the field regressions (:func:`discover.fields.fit.regressions`: one field on a line, or a system of
fields or a plane), each hook stage those of the method's hook; the regressions' selection then
judges every candidate on held-out windows, picks one, bootstraps it and rates it. Each stage's
seconds and candidates go into ``run.json``'s ``settings.plan``.
"""

from __future__ import annotations

import time

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

    started = time.perf_counter()
    check_seed(model.random_state, "`random_state`")
    check_device(model.device)
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
    options = FieldOptions(tables=dict(model.settings or {}), seed=seed, device=model.device, progress=progress)
    found, walked = [], []
    for stage in plan.stages:
        t0 = time.perf_counter()
        new = work.regress(stage.form, progress) if stage.form else call_hook(stage.hook, fields, options)
        found += new
        walked.append({**stage.describe(), "ran": True, "candidates": len(new),
                       "seconds": round(time.perf_counter() - t0, 3), "outcome": "ran"})
    result = work.conclude(found, progress)
    result.timings = {"fit_s": time.perf_counter() - started}
    result.settings = {"requested_methods": model.methods, "seed": seed, "space": list(data.space_names),
                       "forms": list(method.forms), "periodic": list(data.periodic), "plan": walked}
    return plan, result


__all__ = ["fit_fields"]
