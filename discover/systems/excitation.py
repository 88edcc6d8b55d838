"""Input signals that excite a driven reference system (``discover generate --input``).

Each run gets its own signal, drawn from the seed: a held-out run driven by a different input
than the training runs is what tests whether a model generalises. The kinds are the usual
experiment designs of system identification (Ljung, *System Identification*, 2nd ed., ch. 13):

* ``step``: one switch between two levels at a random time;
* ``sine``: a sine of random frequency (around the system's own) and phase;
* ``chirp``: a sine whose frequency sweeps linearly from a fifth to twice the system's;
* ``prbs``: a pseudo-random binary sequence, two levels held for random times.

Signals are functions of time returning an array of shape (n_inputs,), exact at every time
the solver asks for (a step or PRBS is piecewise constant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discover.core.errors import ConfigError, did_you_mean, shown

KINDS = ("step", "sine", "chirp", "prbs")


@dataclass(frozen=True)
class Excitation:
    """How strongly and how fast a driven system's input moves: ``offset`` ± ``amplitude``,
    around ``frequency`` (radians per time unit)."""

    offset: float = 0.0
    amplitude: float = 1.0
    frequency: float = 1.0


def check_kind(kind) -> str:
    if kind not in KINDS:
        raise ConfigError(f"`--input` must be one of {', '.join(KINDS)}, not {shown(repr(kind))}"
                          f"{did_you_mean(str(kind), KINDS)}.")
    return kind


class _Held:
    """Piecewise constant: ``levels[k]`` from ``edges[k]`` on (``edges[0]`` is the start)."""

    def __init__(self, edges, levels):
        self.edges, self.levels = np.asarray(edges, dtype=float), np.asarray(levels, dtype=float)

    def __call__(self, t):
        k = int(np.clip(np.searchsorted(self.edges, t, side="right") - 1, 0, len(self.levels) - 1))
        return self.levels[k]


def _one(kind: str, ex: Excitation, t_end: float, rng) -> callable:
    """One scalar signal of ``kind``."""
    a, c, w = ex.amplitude, ex.offset, ex.frequency
    if kind == "sine":
        freq, phase = w * rng.uniform(0.6, 1.4), rng.uniform(0, 2 * np.pi)
        return lambda t: c + a * np.sin(freq * t + phase)
    if kind == "chirp":
        w0, w1, phase = 0.2 * w, 2.0 * w, rng.uniform(0, 2 * np.pi)
        return lambda t: c + a * np.sin(phase + w0 * t + 0.5 * (w1 - w0) * t * t / t_end)
    if kind == "step":
        at = rng.uniform(0.2, 0.5) * t_end
        sign = rng.choice([-1.0, 1.0])
        return _Held([0.0, at], [c - sign * a * rng.uniform(0.4, 1.0), c + sign * a * rng.uniform(0.4, 1.0)])
    # prbs: switch between the two levels after random holds of about a period of the system
    edges, levels, t, level = [0.0], [], 0.0, rng.choice([-1.0, 1.0])
    while t < t_end:
        levels.append(c + a * level)
        t += rng.uniform(0.3, 1.5) * 2 * np.pi / w
        edges.append(t)
        level = -level
    return _Held(edges[:-1], levels)


def signals(kind: str, n_runs: int, n_inputs: int, ex: Excitation, t_end: float, rng) -> list:
    """One input signal u(t) -> (n_inputs,) per run, all of ``kind``, each drawn anew from ``rng``."""
    check_kind(kind)
    out = []
    for _ in range(n_runs):
        parts = [_one(kind, ex, t_end, rng) for _ in range(n_inputs)]
        out.append(lambda t, parts=parts: np.array([float(p(t)) for p in parts]))
    return out
