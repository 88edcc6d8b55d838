"""Forecasts from delay measurements, compared on the same held-out data and horizons.

Rows: "no change" as the floor, every requested delay model (HAVOK unforced, a true forecast,
and driven by the measured forcing, which needs the future and is a reconstruction; the StNN
and a dense MLP of similar parameter count), and the baselines the caller passes in (an ODE
fitted to the measured variables as they are). Errors are RMSEs in units of each signal's
standard deviation, averaged over evenly spread starts.
"""

from __future__ import annotations

import numpy as np

from discover.data.dataset import Trajectory
from discover.delay.base import DelayContext, DelayResult, DelaySettings, Row, get_delay_model
from discover.delay.havok import Havok

HORIZONS = (1, 10, 50)  # in delay steps
STARTS = 30


def _usable(seg: Trajectory, q: int, s: int, steps: int) -> np.ndarray:
    lo, hi = (q - 1) * s, len(seg) - steps * s - 1
    if hi < lo:
        return np.array([], dtype=int)
    return np.unique(np.linspace(lo, hi, min(STARTS, hi - lo + 1)).astype(int))


def needed(q: int, s: int, methods=("havok",)) -> int:
    """Samples a held-out segment needs for one forecast: a full window of ``q`` delays ``s`` apart
    and the next sample; HAVOK also reads the segment's eigen-time-delay coordinates, which take
    two windows per delay."""
    return (q - 1) * s + max(2 * q if "havok" in methods else 0, s + 1)


def check_room(train: list[Trajectory], validation: list[Trajectory], settings: DelaySettings | None = None,
               methods=("havok", "hankel")) -> None:
    """Refuse, before anything is trained, data whose held-out segments cannot hold one window of
    the embedding (chosen from the longest training run, as :func:`run` chooses it).

    Raises
    ------
    ConfigError
        The training run or every held-out segment is too short for the delays; one sentence.
    """
    from discover.core.errors import ConfigError
    from discover.delay.embedding import embed

    settings = settings or DelaySettings()
    longest = max(train, key=len)
    emb = embed(longest.x, longest.t, settings.delays, settings.spacing, settings.rank)
    q, s = emb.delays, emb.spacing
    have, need = max(len(v) for v in validation), needed(q, s, methods)
    if have < need:
        raise ConfigError(f"The held-out part of the data has at most {have} samples per segment, too few for "
                          f"{q} delays spaced {s} sample(s) apart (at least {need} are needed for "
                          f"{' and '.join(methods)}); give longer records, or fewer delays with `delays` in the "
                          "[delay] table.")


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


def ode_row(name: str, simulate, spacing: int, parameters=None, seconds=None, note: str = "") -> Row:
    """A row for a model of dx/dt in the measured variables: ``simulate(t, x0) -> states or None``."""
    def f(seg, i, steps):
        t = seg.t[i: i + steps * spacing + 1: spacing]
        x = simulate(t, seg.x[i])
        return None if x is None or len(x) < steps + 1 else x[1:]
    return Row(name, f, parameters, seconds, None, note)


def run(train: list[Trajectory], validation: list[Trajectory], methods=("havok", "hankel"),
        settings: DelaySettings | None = None, baselines=(), random_state: int = 0, device: str = "cpu",
        progress=None, model_settings: dict | None = None) -> DelayResult:
    """Fit the delay models on ``train``, forecast ``validation``; everything the report shows.

    ``baselines`` is a callable ``(spacing) -> list of Row`` (models fitted elsewhere), called
    once the embedding's spacing is known; ``model_settings`` maps a model's name to its own table.
    """
    settings = settings or DelaySettings()
    check_room(train, validation, settings, methods)
    longest = max(train, key=len)
    havok = Havok(settings.delays, settings.spacing, settings.rank).fit(longest.x, longest.t)
    emb = havok.embedding_
    q, s = emb.delays, emb.spacing
    scale = np.concatenate([t.x for t in train]).std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    room = max(len(v) for v in validation) - (q - 1) * s - 1
    horizons = tuple(h for h in HORIZONS if h * s <= room) or (1,)
    result = DelayResult(q, s, emb.dt, emb.rank, emb.window, [h * s * emb.dt for h in horizons], methods=tuple(methods))
    rows = [Row("no change", lambda seg, i, steps: np.repeat(seg.x[i][None], steps, axis=0), 0, 0.0, 0, shown=False)]
    context = DelayContext(tuple(t.x for t in train), havok, random_state, device, progress)
    for name in methods:
        model = get_delay_model(name)(settings=(model_settings or {}).get(name), random_state=random_state,
                                      device=device, progress=progress).fit(context)
        rows += model.rows_
        if model.describe() is not None:
            result.models[name] = model.describe()
        result.arrays.update(model.arrays())
    rows += list(baselines(s)) if callable(baselines) else list(baselines)
    for r in rows:
        rmse = evaluate(r.forecast, validation, q, s, horizons, scale)
        result.rows.append({"method": r.method, "parameters": r.parameters, "seconds": r.seconds,
                            "operations": r.operations, "rmse": [rmse[h] for h in horizons], "note": r.note})
    result.arrays.update(_example(validation[0], q, s, max(horizons), [r for r in rows if r.shown]))
    return result


def _example(seg, q, s, steps, rows) -> dict:
    """Each model's forecast from the first usable start of a held-out segment (for the figure)."""
    starts = _usable(seg, q, s, steps)
    if not len(starts):
        return {}
    i = int(starts[0])
    idx = i + s * np.arange(1, steps + 1)
    out = {"example/t": seg.t[idx], "example/truth": seg.x[idx], "example/t_history": seg.t[: i + 1],
           "example/history": seg.x[: i + 1]}
    for r in rows:
        try:
            pred = r.forecast(seg, i, steps)
        except Exception:  # a failed baseline is simply not drawn
            pred = None
        if pred is not None:
            out[f"example/forecast/{r.method}"] = np.asarray(pred)
    return out
