"""Generating trajectory data from reference systems (the ``discover generate`` command)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sympy as sp

from discover.core.errors import ConfigError
from discover.core.integrate import integrate
from discover.core.options import check_number
from discover.data.dataset import Dataset, Trajectory
from discover.systems.system import System


def generate(
    system: System,
    points: int = 2000,
    trajectories: int = 1,
    noise: float = 0.0,
    seed: int = 0,
    t_end: float | None = None,
    uneven: bool = False,
    params: dict | None = None,
    initial_states: np.ndarray | None = None,
    input_signal: str | None = None,
) -> Dataset:
    """Simulate a reference system and add measurement noise.

    Parameters
    ----------
    system : System
    points : int
        Samples per trajectory.
    trajectories : int
        Number of runs; the first starts at the system's default initial state.
    noise : float
        Gaussian noise with standard deviation ``noise`` times each variable's standard
        deviation (over all runs of the clean data).
    seed : int
        Seeds initial states, sample times and noise.
    uneven : bool
        Draw sample times uniformly at random instead of on an even grid.
    input_signal : {"step", "sine", "chirp", "prbs"}, optional
        For a driven system, the kind of input that drives it (``sine`` by default); every run
        gets its own signal drawn from the seed. The inputs are written as measured, without noise
        (a commanded signal is known exactly).
    """
    check_generate_options(system, points, trajectories, noise, t_end)
    rng = np.random.default_rng(seed)
    t_end = float(t_end or system.t_end)
    x0 = initial_states if initial_states is not None else system.initial_states(trajectories, rng)
    times = []
    for _ in range(len(x0)):
        if uneven:
            inner = np.sort(rng.uniform(0, t_end, size=points - 2))
            times.append(np.concatenate([[0.0], inner, [t_end]]))
        else:
            times.append(np.linspace(0.0, t_end, points))
    eqs = system.equations(params)
    driven, us = {}, [None] * len(x0)
    if system.inputs:
        from discover.systems.driven import EXCITATION
        from discover.systems.excitation import Excitation, signals

        drive = signals(input_signal or "sine", len(x0), len(system.inputs), EXCITATION.get(system.name, Excitation()),
                        t_end, rng)
        driven = {"inputs": drive, "input_symbols": [sp.Symbol(u) for u in system.inputs]}
        us = [np.array([f(ti) for ti in t]) for f, t in zip(drive, times)]
    elif input_signal is not None:
        raise ConfigError(f"`--input` drives a system with inputs; {system.name} has none (see `discover systems`).")
    sol = integrate([eqs[v] for v in system.variables], system.symbols, x0, times, max_evals=10**7, rtol=1e-10,
                    atol=1e-10, **driven)
    if not sol.ok:
        raise ConfigError(f"Simulating {system.name} failed ({sol.message}); change its parameters or initial state.")
    clean = sol.x
    scale = np.concatenate(clean).std(axis=0)
    trajs = []
    for i, (t, x) in enumerate(zip(times, clean)):
        xn = x + noise * scale * rng.standard_normal(x.shape)
        trajs.append(Trajectory(t, xn, label=str(i), u=us[i]))
    return Dataset(tuple(trajs), system.variables, time_name="t", meta={"system": system.name, "noise": noise},
                   inputs=system.inputs, hold="zoh" if input_signal in ("step", "prbs") else "linear")


#: Most rows ``discover generate`` writes (trajectories x points): about 1 GB of CSV for three states.
MAX_ROWS = 10_000_000
#: Longest duration, as a multiple of the system's own (the solver's work grows with it).
MAX_DURATION = 1000


def check_generate_options(system: System, points, trajectories, noise, t_end) -> None:
    """Refuse sizes that could not be simulated or written (one sentence each), before any work."""
    check_number(points, "`--points`", 10, MAX_ROWS, whole=True)
    check_number(trajectories, "`--trajectories`", 1, 10_000, whole=True)
    check_number(noise, "`--noise` (a fraction of each variable's spread)", 0.0, 10.0)
    if t_end is not None:
        longest = MAX_DURATION * system.t_end
        check_number(t_end, f"`--t-end` (for {system.name}, whose own duration is {system.t_end:g})", 1e-9 * system.t_end,
                     longest)
    if points * trajectories > MAX_ROWS:
        raise ConfigError(f"{trajectories} trajectories of {points} points make {points * trajectories:,} rows, more "
                          f"than the {MAX_ROWS:,} discover generates at once; lower `--points` or `--trajectories`.")


def to_frame(data: Dataset) -> pd.DataFrame:
    """The data set as a table in the input CSV format (``trajectory`` column when several)."""
    frames = []
    for traj in data.trajectories:
        df = pd.DataFrame(np.hstack([traj.x, traj.u]), columns=[*data.names, *data.inputs])
        df.insert(0, data.time_name, traj.t)
        if len(data.trajectories) > 1:
            df.insert(0, "trajectory", traj.label)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)
