"""Forecasts from delay measurements, compared on the same held-out data and horizons.

Rows: HAVOK (unforced, a true forecast; and driven by the measured forcing, which needs the
future and is a reconstruction), the StNN, a dense MLP of similar parameter count, the neural
ODE and SINDy on the measured variables as they are, and "no change" as the floor. Errors are
RMSEs in units of each signal's standard deviation, averaged over evenly spread starts.
"""

from __future__ import annotations

import time

import numpy as np

from discover.data.dataset import Dataset, Trajectory
from discover.delay.forecast import DelayForecaster, ForecasterConfig
from discover.delay.havok import Havok

HORIZONS = (1, 10, 50)  # in delay steps
STARTS = 30


def _usable(seg: Trajectory, q: int, s: int, steps: int) -> np.ndarray:
    lo, hi = (q - 1) * s, len(seg) - steps * s - 1
    if hi < lo:
        return np.array([], dtype=int)
    return np.unique(np.linspace(lo, hi, min(STARTS, hi - lo + 1)).astype(int))


def evaluate(forecast, segments, q, s, horizons, scale) -> dict:
    """RMSE / std at each horizon; ``forecast(seg, i, steps) -> (steps, k)`` or None if it fails."""
    steps = max(horizons)
    errs = {h: [] for h in horizons}
    for seg in segments:
        for i in _usable(seg, q, s, steps):
            pred = forecast(seg, i, steps)
            truth = seg.x[i + s * np.arange(1, steps + 1)]
            for h in horizons:
                e = (pred[h - 1] - truth[h - 1]) / scale if pred is not None else np.full(truth.shape[1], np.nan)
                errs[h].append(np.where(np.isfinite(e), e, 1e3))
    return {h: float(np.sqrt(np.mean(np.square(v)))) if v else float("nan") for h, v in errs.items()}


def run(train: list[Trajectory], validation: list[Trajectory], names, methods=("havok", "hankel"), seed: int = 0,
        device: str = "cpu", progress=None, delays=None, spacing=None, rank=None, baselines: bool = True,
        config: ForecasterConfig | None = None) -> dict:
    """Fit the delay models on ``train``, forecast ``validation``; everything the report shows."""
    longest = max(train, key=len)
    havok = Havok(delays, spacing, rank).fit(longest.x, longest.t)
    emb = havok.embedding_
    q, s, dt = emb.delays, emb.spacing, emb.dt
    scale = np.concatenate([t.x for t in train]).std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    room = max(len(v) for v in validation) - (q - 1) * s - 1
    horizons = tuple(h for h in HORIZONS if h * s <= room) or (1,)
    out = {"delays": q, "spacing": s, "dt": dt, "rank": emb.rank, "window": emb.window,
           "horizons": [h * s * dt for h in horizons], "rows": [], "havok": havok}
    rows = out["rows"]
    fns = {}

    def row(name, forecast, params=None, seconds=None, ops=None, note=""):
        fns[name] = forecast
        rmse = evaluate(forecast, validation, q, s, horizons, scale)
        rows.append({"method": name, "parameters": params, "seconds": seconds, "operations": ops,
                     "rmse": [rmse[h] for h in horizons], "note": note})

    def havok_forecast(forced):
        def f(seg, i, steps):
            if len(seg) < (q - 1) * s + 1 + 4:
                return None
            v = emb.coordinates(seg.x) * havok.unit_
            c = i - (q - 1) * s
            n = steps * s + 1
            forcing = v[c: c + n, -1] if forced else np.zeros(n)
            if len(forcing) < n:
                return None
            sim = havok.simulate(v[c, :-1], forcing, dt)
            full = np.column_stack([sim, forcing])[s::s][:steps]
            return havok.reconstruct(full)
        return f

    t0 = time.perf_counter()
    row("no change", lambda seg, i, steps: np.repeat(seg.x[i][None], steps, axis=0), 0, 0.0, 0)
    if "havok" in methods:
        row("HAVOK (unforced forecast)", havok_forecast(False), havok.parameters,
            round(time.perf_counter() - t0, 2), (emb.rank - 1) ** 2 + emb.rank - 1)
        row("HAVOK (driven by the measured forcing)", havok_forecast(True), havok.parameters, None, None,
            "reconstruction: uses the future forcing")
    runs = [t.x for t in train if len(t) > (q - 1) * s + 5 * s]
    if "hankel" in methods:
        stnn = DelayForecaster("stnn", q, s, config, device=device).fit(runs, seed, progress)
        out["stnn"] = stnn
        row("StNN (Hankel layers)", lambda seg, i, steps: stnn.forecast(seg.x, i, steps), stnn.parameters_,
            round(stnn.seconds_, 2), stnn.operations_)
        if baselines:
            mlp = DelayForecaster("mlp", q, s, config, budget=stnn.parameters_, device=device).fit(runs, seed, progress)
            row("dense MLP, same input", lambda seg, i, steps: mlp.forecast(seg.x, i, steps), mlp.parameters_,
                round(mlp.seconds_, 2), mlp.operations_)
    if baselines:
        _equation_rows(train, names, seed, device, progress, row, s)
    out["example"] = _example(validation[0], q, s, max(horizons), fns)
    return out


def _example(seg, q, s, steps, fns) -> dict | None:
    """Each model's forecast from the first usable start of a held-out segment (for the figure)."""
    starts = _usable(seg, q, s, steps)
    if not len(starts):
        return None
    i = int(starts[0])
    idx = i + s * np.arange(1, steps + 1)
    shown = {}
    for name, f in fns.items():
        if name in ("no change", "HAVOK (driven by the measured forcing)"):
            continue
        try:
            pred = f(seg, i, steps)
        except Exception:  # a failed baseline is simply not drawn
            pred = None
        if pred is not None:
            shown[name] = np.asarray(pred)
    return {"t": seg.t[idx], "truth": seg.x[idx], "t_history": seg.t[: i + 1], "history": seg.x[: i + 1],
            "forecasts": shown}


def summary(facts: dict) -> dict:
    """The delay facts as plain JSON (for run.json)."""
    return {k: v for k, v in facts.items() if k not in ("havok", "stnn", "example", "saved")}


def _equation_rows(train, names, seed, device, progress, row, s):
    """The neural ODE and SINDy on the measured variables themselves (no delays)."""
    from discover.pipeline import Discoverer
    from discover.surrogates import NeuralODE, NodeConfig

    data = Dataset(tuple(train), tuple(names), "t")
    note = "" if len(names) > 1 else "an ODE in the measured variable alone"

    def ode_forecast(sim):
        def f(seg, i, steps):
            t = seg.t[i: i + steps * s + 1: s]
            x = sim(t, seg.x[i])
            return None if x is None or len(x) < steps + 1 else x[1:]
        return f

    t0 = time.perf_counter()
    try:
        node = NeuralODE(device=device, config=NodeConfig(epochs=40, max_windows=1500, patience=10), progress=progress).fit(data, seed)
        row("neural ODE", ode_forecast(lambda t, x0: node.forecast(t, x0)[0]),
            sum(p.numel() for p in node.field_.parameters()), round(time.perf_counter() - t0, 2), None, note)
    except Exception as exc:  # a baseline that cannot fit this data is a row, not a failed run
        row("neural ODE", lambda *a: None, None, None, None, f"failed: {exc}")
    t0 = time.perf_counter()
    try:
        model = Discoverer(methods="sindy", seed=seed).fit(data)
        eqs = model.equations_
        secs = round(time.perf_counter() - t0, 2)
        row("SINDy", ode_forecast(lambda t, x0: model.simulate(t, x0) if eqs else None),
            model.best_.complexity if model.best_ else None, secs, None, note)
    except Exception as exc:
        row("SINDy", lambda *a: None, None, None, None, f"failed: {exc}")
