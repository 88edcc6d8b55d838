"""The settings tables of a run (one per plug-in, by its name), checked against its plan and its data."""

from __future__ import annotations

from discover.core.errors import ConfigError, UnavailableError
from discover.data.dataset import Dataset
from discover.pipeline.plan import Plan


def check_tables(settings: dict | None, plan: Plan, data: Dataset) -> dict:
    """The settings tables, each named after a plug-in this run uses (or ``delay``), checked
    against the data before anything is fitted."""
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    tables = dict(settings or {})
    used = {r.distiller for r in plan.routes} | {r.surrogate for r in plan.routes if r.surrogate}
    used |= {"delay", *plan.delay} if plan.delay else set()
    for name in tables:
        if name not in used:
            raise ConfigError(f"Settings were given for `{name}` (its [{name}] table or options), which this "
                              f"run does not use; add `--methods {name}` or leave them out.")
    for stage in plan.stages:
        for r in stage.routes:
            if stage.when and r.distiller not in tables:
                continue  # a conditional stage whose method cannot run is skipped, and run.json says so
            why = DISTILLERS[r.distiller].unavailable(tables.get(r.distiller))
            if why:
                raise UnavailableError(why)
    if data.inputs:
        from discover.pipeline.driven import refuse_without_inputs

        refuse_without_inputs(plan, DISTILLERS, SURROGATES, data.inputs)
    for r in plan.routes:
        DISTILLERS[r.distiller].check_settings(tables.get(r.distiller), data)
        if r.surrogate:
            SURROGATES[r.surrogate].check_settings(tables.get(r.surrogate), data)
    if plan.delay:
        from discover.core.registry import settings_from
        from discover.delay import REGISTRY as DELAY
        from discover.delay import DelaySettings

        settings_from(DelaySettings, tables.get("delay"), "delay")
        for name in plan.delay:  # each delay model is a plug-in like the others: its own table, checked
            DELAY[name].check_settings(tables.get(name), data)
    return tables
