"""Measured inputs (``--inputs``): which methods model them, and what the report warns about.

An input u(t) is a measured driving signal (a dose, a heater's power, a forcing): it enters
the models as a variable, gets no equation and is never differentiated. Its terms can be
identified only when it is excited independently of the states, so the report names an input
that is constant over a run or moves in step with a state (Brunton, Proctor & Kutz, "Sparse
identification of nonlinear dynamics with control", IFAC 2016, discuss the same condition).
Without ``--inputs``, a column that looks like an input (piecewise constant, with no
dynamics the states explain, or a smooth forcing: a sine of time explains its rate of change
better than its equation in the states does) is named too, so the user can declare it.
"""

from __future__ import annotations

import numpy as np

from discover.core.errors import ConfigError, shown

COLLINEAR = 0.99  # |correlation| of an input with a state beyond which their terms cannot be told apart
FLAT_SHARE = 0.5  # share of unchanged consecutive samples that makes a column look switched
POOR_FIT = 0.9  # R² of a column's own equation below which it looks undriven by the states
GOOD_FIT = 0.98
SINE_FIT = 0.98  # R² of a sine of time (one per run) on a column's rate of change that makes it look like a forcing
MIN_CYCLES = 1.0  # periods of the sine a run must hold (a bump or a sigmoid is a fraction of one)
SINE_MARGIN = 0.05  # ... when its equation in the states explains it at least this much worse


def refuse_without_inputs(plan, distillers, surrogates, inputs) -> None:
    """Refuse, in one sentence, a method that cannot model measured inputs.

    Raises
    ------
    ConfigError
        A requested distiller or surrogate does not support inputs, or delay models are asked for.
    """
    names = ", ".join(f"'{shown(n)}'" for n in inputs)
    for r in plan.routes:
        for name, registry in ((r.distiller, distillers), (r.surrogate, surrogates)):
            if name and not registry.get_class(name).supports_inputs:
                raise ConfigError(f"`{name}` does not support measured inputs (here {names}); use --methods auto, "
                                  f"sindy, sr, node or pinn, or leave out `--inputs`.")
    if plan.delay:
        raise ConfigError(f"The time-delay models ({', '.join(plan.delay)}) do not support measured inputs "
                          f"(here {names}); leave them out of `--methods` or leave out `--inputs`.")


def design_warnings(data) -> list[str]:
    """Inputs too poorly excited to identify their terms: constant over a run, or collinear with a state."""
    out = []
    for j, name in enumerate(data.inputs):
        flat = [tr.label for tr in data.trajectories if np.ptp(tr.u[:, j]) <= 1e-9 * max(1.0, np.abs(tr.u[:, j]).max())]
        if len(flat) == len(data.trajectories):
            out.append(f"Input '{name}' is constant over every run: its terms cannot be told apart from constant "
                       "terms; vary it (a step, a sine, a PRBS) to identify its effect.")
            continue
        if flat:
            runs = ", ".join(f"'{r}'" for r in flat[:5]) + (", …" if len(flat) > 5 else "")
            out.append(f"Input '{name}' is constant over run(s) {runs}: those runs say nothing about its terms.")
        u = data.stacked_inputs()[:, j]
        X = data.stacked()[1]
        for i, state in enumerate(data.names):
            if np.std(X[:, i]) > 0 and np.std(u) > 0:
                r = float(np.corrcoef(u, X[:, i])[0, 1])
                if abs(r) > COLLINEAR:
                    out.append(f"Input '{name}' moves in step with state '{state}' (correlation {r:.3f}): their "
                               "terms cannot be told apart; excite the input independently of the states.")
    return out


def _flat_share(x: np.ndarray) -> float:
    return float(np.mean(np.abs(np.diff(x)) <= 1e-12 * max(1.0, float(np.abs(x).max())))) if len(x) > 1 else 0.0


def looks_like_input(prepared, best) -> list[str]:
    """State columns that look like inputs (no dynamics of their own), as warnings.

    A column is named when it is piecewise constant (a switched signal), when its selected
    equation reads no state (a constant rate), or when its equation explains its derivative
    poorly while the other states' equations explain theirs well.
    """
    data = prepared.data
    if data.n_states < 2:
        return []
    hint = "if it is a measured input (control or forcing), declare it with `--inputs {}`"
    out, flagged = [], set()
    for i, name in enumerate(data.names):
        share = np.mean([_flat_share(tr.x[:, i]) for tr in data.trajectories])
        if share >= FLAT_SHARE:
            out.append(f"Column '{name}' is piecewise constant ({share:.0%} of its samples repeat the previous one), "
                       f"as a switched input is; {hint.format(name)}.")
            flagged.add(name)
    if best is None:
        return out
    import sympy as sp

    from discover.core.integrate import compile_rhs

    symbols = [sp.Symbol(n) for n in data.names]
    samples = prepared.samples()
    with np.errstate(all="ignore"):
        pred = compile_rhs([best.equations[n] for n in data.names], symbols)(samples.states.T).T
    var = samples.derivatives.var(axis=0)
    r2 = 1 - np.mean((pred - samples.derivatives) ** 2, axis=0) / np.where(var > 0, var, 1.0)
    sine = _sine_r2(prepared, [i for i in range(data.n_states) if r2[i] < SINE_FIT - SINE_MARGIN])
    for i, name in enumerate(data.names):
        if name in flagged:
            continue
        if sine[i] >= SINE_FIT and r2[i] < sine[i] - SINE_MARGIN:
            out.append(f"Column '{name}' looks like a forcing: a sine of time explains its rate of change "
                       f"(R² {sine[i]:.2f}) better than its equation in the states (R² {r2[i]:.2f}); "
                       f"{hint.format(name)}.")
        elif not (best.equations[name].free_symbols & set(symbols)):
            out.append(f"Column '{name}' has no dynamics of its own (its equation reads no state); "
                       f"{hint.format(name)}.")
        elif r2[i] < POOR_FIT and np.delete(r2, i).min(initial=1.0) >= GOOD_FIT:
            out.append(f"Column '{name}' has no dynamics the states explain (its equation fits its rate of change "
                       f"with R² {r2[i]:.2f}, the others above {GOOD_FIT}); {hint.format(name)}.")
    return out


def _sine(t: np.ndarray, x: np.ndarray):
    """``f(t)``, d/dt of the best fit ``a + b cos(w t) + c sin(w t)`` to ``x`` over frequencies that fit
    at least MIN_CYCLES periods in the run (a grid, then scipy's least squares); None when none does."""
    from scipy.optimize import least_squares

    span = t[-1] - t[0]
    top = np.pi / max(np.median(np.diff(t)), 1e-12)  # Nyquist
    low = 2 * np.pi * MIN_CYCLES / max(span, 1e-12)
    if len(t) < 8 or span <= 0 or top <= low:
        return None
    s = t - t[0]

    def resid(z):
        w = z[0]
        A = np.column_stack([np.ones_like(s), np.cos(w * s), np.sin(w * s)])
        coef = np.linalg.lstsq(A, x, rcond=None)[0]
        return A @ coef - x, coef

    grid = np.geomspace(low, top, 200)
    w0 = grid[int(np.argmin([np.sum(resid([w])[0] ** 2) for w in grid]))]
    w = float(least_squares(lambda z: resid(z)[0], [w0], bounds=([low], [top])).x[0])
    _, (_, b, c) = resid([w])
    return lambda tq: w * (c * np.cos(w * (tq - t[0])) - b * np.sin(w * (tq - t[0])))


def _sine_r2(prepared, columns=None) -> np.ndarray:
    """Per state, R² of a sine of time on the smoothed rate of change of the training runs, the sine
    fitted to each measured run as a whole (a held-out block may cut a run into pieces shorter than
    a period); over the runs long enough to hold MIN_CYCLES periods (0 when none is, or for a state
    not among ``columns``)."""
    data = prepared.data
    n = data.n_states
    columns = range(n) if columns is None else columns
    fits = [[_sine(tr.t, tr.x[:, i]) if i in columns else None for i in range(n)] for tr in data.trajectories]
    D = np.concatenate(prepared.derivatives)
    mean = D.mean(axis=0)
    err, tot = np.zeros(n), np.zeros(n)
    with np.errstate(all="ignore"):
        for raw, run, d in zip(prepared.train.trajectories, prepared.train_smoothed, prepared.derivatives):
            parent = next((k for k, tr in enumerate(data.trajectories)  # the measured run this piece is cut from
                           if np.any((tr.t == raw.t[0]) & np.all(tr.x == raw.x[0], axis=1))), None)
            for i in range(n):
                fit = None if parent is None else fits[parent][i]
                if fit is not None:
                    err[i] += np.sum((d[:, i] - fit(run.t)) ** 2)
                    tot[i] += np.sum((d[:, i] - mean[i]) ** 2)
    return np.where(tot > 0, 1 - err / np.where(tot > 0, tot, 1.0), 0.0)


def input_warnings(prepared, best) -> list[str]:
    """The report's warnings about inputs: poor excitation with ``--inputs``, look-alike inputs without."""
    if prepared.inputs:
        return design_warnings(prepared.data)
    return looks_like_input(prepared, best)
