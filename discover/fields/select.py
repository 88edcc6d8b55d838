"""Selection of PDE candidates: each is simulated on held-out time windows and compared with the data.

The last ``holdout`` fraction of every run's samples is never fitted. It is cut into short
windows; a candidate starts from the denoised data at the start of each window and is
integrated (spectral ETDRK4 on a periodic grid, the method of lines otherwise, edges held at
the data) to its end. The score is the RMS error over the window divided by the data's
standard deviation; a candidate that blows up, or whose integration needs too many steps, is
failed. The pick is the fewest terms whose error is within ``tolerance`` of the best, the weak form first
(a one-standard-error style rule: on noisy data extra terms lower the error by less than the
noise does).
"""

from __future__ import annotations

import numpy as np

from discover.fields.solve import BlowUp, simulate_bounded, simulate_periodic
from discover.fields.spectral import noise_cutoff, savgol_derivatives, spectral_derivatives


def split_rows(n_t: int, holdout: float = 0.2, min_valid: int = 6) -> tuple[slice, slice]:
    """Training rows and held-out rows of one run."""
    n_valid = max(min_valid, int(round(holdout * n_t)))
    return slice(0, n_t - n_valid + 1), slice(n_t - n_valid, n_t)


def denoise(f) -> np.ndarray:
    """The field low-passed at its noise cutoff (the initial states of simulations)."""
    u = f.values[..., 0]
    cutoff, sigma = noise_cutoff(u)
    if sigma == 0.0:
        return u
    dx = f.spacing(0)
    if f.periodic and f.periodic[0]:
        return spectral_derivatives(u, dx, 0, cutoff)[0]
    return savgol_derivatives(u, dx, 0, cutoff)[0]


def windows(valid: slice, n_t: int, count: int = 2) -> list[tuple[int, int]]:
    """``count`` consecutive windows (first row, last row) that cover the held-out rows."""
    start, stop = valid.start, valid.stop or n_t
    edges = np.linspace(start, stop - 1, count + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b - a >= 2]


RTOL = 1e-3
"""The periodic integrator's tolerance when candidates are judged: held-out errors closer than this are ties."""


def run_model(model, f, smooth: np.ndarray, i0: int, i1: int, max_steps: int = 1_500) -> np.ndarray:
    """Simulate ``model`` from the denoised row ``i0`` to row ``i1`` (inclusive)."""
    t = f.t[i0: i1 + 1]
    x = f.coords[0]
    if f.periodic and f.periodic[0]:
        return simulate_periodic(model, x, smooth[i0], t, rtol=RTOL, max_steps=max_steps)
    return simulate_bounded(model, x, smooth[i0], t, edges=smooth[i0: i1 + 1], rtol=1e-4)


def score(model, fields, smooths, valids) -> dict:
    """Held-out error of one model over every run's windows.

    Returns
    -------
    dict
        ``error`` (RMS error / data standard deviation, inf when failed), ``r2``, ``failed``
        (a reason, or None).
    """
    if not model:
        return {"error": float("inf"), "r2": float("-inf"), "failed": "no terms"}
    sq, var, n = 0.0, 0.0, 0
    for f, smooth, valid in zip(fields, smooths, valids):
        data = f.values[..., 0]
        spread = float(np.var(data))
        for i0, i1 in windows(valid, f.t.size):
            try:
                with np.errstate(all="ignore"):
                    sim = run_model(model, f, smooth, i0, i1)
            except BlowUp as exc:
                return {"error": float("inf"), "r2": float("-inf"), "failed": f"blew up ({exc})"}
            except (FloatingPointError, ValueError, OverflowError) as exc:
                return {"error": float("inf"), "r2": float("-inf"), "failed": f"integration failed ({exc})"}
            diff = sim[1:] - data[i0 + 1: i1 + 1]
            sq += float(np.sum(diff**2))
            var += spread * diff.size
            n += diff.size
    if n == 0:
        return {"error": float("inf"), "r2": float("-inf"), "failed": "no held-out window"}
    err = float(np.sqrt(sq / max(var, 1e-300)))
    return {"error": err, "r2": 1.0 - err**2, "failed": None}


def pick(scored: list[dict], tolerance: float = 0.05, floor: float = RTOL) -> int | None:
    """Index of the fewest-term candidate whose error is within ``tolerance`` (relative) of the best.

    ``scored`` items have ``error``, ``complexity`` and ``rank`` (0 for the weak form, 1 for the
    strong). Errors within ``floor`` of each other are ties as well: below the integrator's own
    tolerance a held-out difference says nothing about the model (on clean data every good
    candidate's error is that small). Among equally simple candidates the weak form wins (its
    coefficients are the more accurate at noise; a held-out difference within the tolerance is
    noise), then the lower error. None when every candidate failed.
    """
    ok = [i for i, s in enumerate(scored) if np.isfinite(s["error"])]
    if not ok:
        return None
    best = min(scored[i]["error"] for i in ok)
    near = [i for i in ok if scored[i]["error"] <= best * (1 + tolerance) + floor]
    return min(near, key=lambda i: (scored[i]["complexity"], scored[i].get("rank", 0), scored[i]["error"]))


def free_run(model, f, smooth: np.ndarray) -> np.ndarray | None:
    """The model simulated over the whole record of one run from its first denoised row (for figures)."""
    try:
        with np.errstate(all="ignore"):
            return run_model(model, f, smooth, 0, f.t.size - 1, max_steps=30_000)
    except (BlowUp, FloatingPointError, ValueError, OverflowError):
        return None


__all__ = ["RTOL", "denoise", "free_run", "pick", "run_model", "score", "split_rows", "windows"]
