"""What ``Discoverer.fit`` accepts, turned into one checked :class:`Dataset`.

* a :class:`Dataset` (from :func:`~discover.data.csv.load_csv` or built by hand);
* a pandas DataFrame, read as the CSV contract reads a file (:mod:`discover.data.frames`);
  ``t`` may name its time column and ``feature_names`` choose its state columns;
* a NumPy array of shape (n_samples, n_states) with ``t`` (its times, or one time step) for
  one run, or a list of such arrays with a list of times (or one time step) for several runs;
  ``feature_names`` names the states (``x0``, ``x1``, ... by default).

``inputs`` declares measured driving signals (control or forcing): for a DataFrame, the names
of its input columns; for arrays, an array of shape (n_samples, n_inputs) per run (a list for
several runs), named ``u`` (one input) or ``u0``, ``u1``, ..., or a dict of name to such arrays.

Every problem is a :class:`~discover.core.errors.DataError` with one sentence, as for a CSV.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from discover.core.errors import DataError, shown
from discover.core.options import split_names
from discover.data.dataset import Dataset, Trajectory
from discover.data.table import normal


def _is_frame(X) -> bool:
    module = type(X).__module__
    return module.startswith("pandas") and hasattr(X, "columns")


def _floats(a, what: str) -> np.ndarray:
    try:
        return np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{what} must hold numbers only; convert it with `np.asarray(..., dtype=float)` "
                        "after fixing the values that are not numbers.") from None


def _times(t, n: int, what: str) -> np.ndarray:
    """The times of a run of ``n`` samples: an array, or a time step (a positive number)."""
    if isinstance(t, Real) and not isinstance(t, bool):
        if not (np.isfinite(t) and t > 0):
            raise DataError(f"The time step `t` must be a positive number, not {shown(repr(t))}.")
        return np.arange(n) * float(t)
    times = _floats(t, f"`t` of {what}")
    if times.ndim != 1:
        raise DataError(f"`t` of {what} must be one-dimensional (one time per row), not of shape {times.shape}.")
    if times.shape[0] != n:
        raise DataError(f"{what[0].upper() + what[1:]} has {n} rows of states but `t` has {times.shape[0]} times; "
                        "give one time per row.")
    return times


def _states(x, what: str) -> np.ndarray:
    x = _floats(x, what)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise DataError(f"{what[0].upper() + what[1:]} must have shape (n_samples, n_states), not {x.shape}.")
    return x


def _array_inputs(inputs, runs: list[np.ndarray]) -> tuple[list[np.ndarray], tuple[str, ...]]:
    """Input arrays per run and their names, from an array, a list of arrays or a dict of them."""
    if isinstance(inputs, dict):
        names = [normal(str(k)) for k in inputs]
        per = [_array_inputs(v, runs)[0] for v in inputs.values()]
        return [np.hstack([p[i] for p in per]) for i in range(len(runs))], tuple(names)
    many = isinstance(inputs, (list, tuple)) and len(runs) > 1
    arrays = list(inputs) if many else [inputs]
    if len(arrays) != len(runs):
        raise DataError(f"`X` holds {len(runs)} runs, so `inputs` must be a list of {len(runs)} arrays (one per run).")
    out = []
    for i, (u, x) in enumerate(zip(arrays, runs)):
        u = _states(u, f"`inputs` of run {i}")
        if u.shape[0] != x.shape[0]:
            raise DataError(f"`inputs` of run {i} has {u.shape[0]} rows but the run has {x.shape[0]}; give one row per sample.")
        out.append(u)
    m = out[0].shape[1]
    if any(u.shape[1] != m for u in out):
        raise DataError("Every run's `inputs` must have the same number of columns.")
    return out, (("u",) if m == 1 else tuple(f"u{j}" for j in range(m)))


def as_dataset(X, t=None, feature_names=None, inputs=None, hold: str = "linear") -> Dataset:
    """``X`` (and ``t``, ``feature_names``) as a checked :class:`Dataset`; see the module docstring.

    Raises
    ------
    DataError
        Bad values, shapes or names, in one sentence.
    """
    if isinstance(X, Dataset):
        if t is not None or feature_names is not None or inputs is not None:
            raise DataError("A Dataset carries its own times, names and inputs; leave out `t`, `feature_names` and "
                            "`inputs`.")
        return X.validate()
    if _is_frame(X):
        from discover.data.frames import from_frame

        if t is not None and not isinstance(t, str):
            raise DataError("For a DataFrame, `t` names its time column (text); leave it out to use 't' or 'time'.")
        if inputs is not None and not isinstance(inputs, (str, list, tuple)):
            raise DataError("For a DataFrame, `inputs` names its input columns (text such as 'u' or a list of names).")
        return from_frame(X, time=t, states=feature_names, inputs=inputs, hold=hold)
    if isinstance(X, (list, tuple)) and X and not np.isscalar(X[0]) and np.ndim(X[0]) >= 1 and (
            not isinstance(X[0], (list, tuple)) or np.ndim(X[0]) == 2):
        runs = [_states(x, f"run {i} of `X`") for i, x in enumerate(X)]
        if t is None:
            raise DataError("Several runs need their times: give `t` as a list of arrays (one per run) or a time step.")
        if isinstance(t, Real):
            times = [_times(t, len(x), f"run {i} of `X`") for i, x in enumerate(runs)]
        else:
            if not isinstance(t, (list, tuple)) or len(t) != len(runs):
                raise DataError(f"`X` holds {len(runs)} runs, so `t` must be a list of {len(runs)} arrays of times "
                                "(or one time step).")
            times = [_times(ti, len(x), f"run {i} of `X`") for i, (ti, x) in enumerate(zip(t, runs))]
    else:
        if t is None:
            raise DataError("An array needs its times: call `fit(X, t=times)` with one time per row, or a time step.")
        runs = [_states(X, "`X`")]
        times = [_times(t, len(runs[0]), "`X`")]
    d = {x.shape[1] for x in runs}
    if len(d) > 1:
        raise DataError(f"The runs in `X` have different numbers of state columns ({', '.join(map(str, sorted(d)))}); "
                        "give every run the same states.")
    d = d.pop()
    if feature_names is None:
        names = [f"x{i}" for i in range(d)]
    else:
        if isinstance(feature_names, np.ndarray):
            feature_names = [str(n) for n in feature_names]
        names = split_names(feature_names, "`feature_names`")
        if len(names) != d:
            raise DataError(f"`feature_names` gives {len(names)} names but `X` has {d} state column"
                            f"{'s' if d != 1 else ''}; give one name per column.")
        names = [normal(n) for n in names]
    us, input_names = _array_inputs(inputs, runs) if inputs is not None else ([None] * len(runs), ())
    trajs = tuple(Trajectory(ti, xi, label=str(i), u=ui) for i, (ti, xi, ui) in enumerate(zip(times, runs, us)))
    return Dataset(trajs, tuple(names), inputs=input_names, hold=hold).validate()
