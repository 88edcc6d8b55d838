"""Equation models of the measured variables, as baselines for the delay models' forecasts.

The delay comparison (:mod:`discover.delay.compare`) is handed these rows by the pipeline, so
the delay package never imports the pipeline or another plug-in family.
"""

from __future__ import annotations

import time

import numpy as np
import sympy as sp

from discover.pipeline.plan import Route

# Equation models of the measured variables the delay models are compared with: the route
# and its settings (a small neural ODE; SINDy with its defaults), run on the same training data.
DELAY_BASELINES = (("neural ODE", Route("sindy", "node"), {"node": {"epochs": 40, "max_windows": 1500, "patience": 10}}),
                   ("SINDy", Route("sindy"), {}))


def equation_baselines(prepared, validation, spacing: int, random_state: int, device: str) -> list:
    """Forecast rows of :data:`DELAY_BASELINES`; a baseline that cannot fit is a row that says so."""
    from discover.delay.compare import ode_row

    note = "" if len(prepared.names) > 1 else "an ODE in the measured variable alone"
    rows = []
    for label, route, tables in DELAY_BASELINES:
        t0 = time.perf_counter()
        try:
            simulate, size = _baseline_model(route, tables, prepared, validation, random_state, device)
            rows.append(ode_row(label, simulate, spacing, size, round(time.perf_counter() - t0, 2), note))
        except Exception as exc:  # a baseline that cannot fit this data is a row, not a failed run
            rows.append(ode_row(label, lambda *a: None, spacing, note=f"failed: {exc}"))
    return rows


def _baseline_model(route: Route, tables: dict, prepared, validation, random_state: int, device: str):
    """``(simulate(t, x0), size)`` of one baseline: a surrogate's forecast, or the selected equations."""
    from discover.core.integrate import integrate
    from discover.distillers import get_distiller
    from discover.selection import select
    from discover.selection.judge import judge
    from discover.surrogates import get_surrogate

    if route.surrogate:
        model = get_surrogate(route.surrogate)(tables.get(route.surrogate), random_state, device).fit(prepared)
        return (lambda t, x0: model.forecast(t, x0)[0]), model.facts().get("network_parameters")
    found = get_distiller(route.distiller)(tables.get(route.distiller), random_state, device).fit(
        prepared.samples()).candidates_
    judge(found, prepared, validation)
    best = select(found, prepared.in_sample, noise=prepared.noise).best
    if best is None:
        return (lambda t, x0: None), None
    names = prepared.names
    exprs, syms = [best.equations[n] for n in names], [sp.Symbol(n) for n in names]
    return (lambda t, x0: integrate(exprs, syms, np.atleast_2d(x0), [t]).x[0]), best.complexity


def check_delay_room(prepared, tables: dict, methods) -> None:
    """Refuse, before anything trains, a delay embedding that does not fit the held-out data."""
    from discover.core.registry import settings_from
    from discover.delay import DelaySettings
    from discover.delay.compare import check_room

    check_room(list(prepared.train.trajectories), list(prepared.validation),
               settings_from(DelaySettings, tables.get("delay"), "delay"), tuple(methods))


def delay_models(prepared, validation, methods, tables: dict, random_state: int, device: str, progress):
    """The delay models, compared with equation baselines fitted on the same training runs."""
    from discover.core.device import resolve_device
    from discover.core.registry import settings_from
    from discover.delay import DelaySettings
    from discover.delay.compare import run as compare

    settings = settings_from(DelaySettings, tables.get("delay"), "delay")
    return compare(list(prepared.train.trajectories), list(prepared.validation), methods, settings,
                   lambda spacing: equation_baselines(prepared, validation, spacing, random_state, device),
                   random_state, resolve_device(device), progress, {name: tables.get(name) for name in methods})
