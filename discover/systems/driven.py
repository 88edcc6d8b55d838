"""Reference systems driven by a measured input u(t) (control or forcing), merged into SYSTEMS.

Each has one input ``u``; ``discover generate NAME --input step|sine|chirp|prbs`` drives every
run with its own signal (:mod:`discover.systems.excitation`), at the level given here.
"""

from __future__ import annotations

from discover.systems.excitation import Excitation
from discover.systems.system import System

DRIVEN: dict[str, System] = {
    s.name: s
    for s in [
        System(
            "duffing_forced",
            "Forced Duffing oscillator (hardening spring, damped, driven by a force u)",
            ("x", "v"),
            ("v", "-delta*v - alpha*x - beta*x**3 + u"),
            {"delta": 0.3, "alpha": 1.0, "beta": 1.0},
            (1.0, 0.0),
            (0.6, 0.6),
            t_end=30.0,
            inputs=("u",),
        ),
        System(
            "heated_room",
            "Room air T and wall W heated by a heater of power u (linear heat exchange, outside at 0)",
            ("T", "W"),
            ("-a*(T - W) - b*T + c*u", "d*(T - W) - e*W"),
            {"a": 0.5, "b": 0.1, "c": 2.0, "d": 0.2, "e": 0.05},
            (5.0, 3.0),
            (2.0, 2.0),
            t_end=40.0,
            positive=True,
            inputs=("u",),
        ),
        System(
            "lotka_volterra_harvest",
            "Lotka-Volterra predator-prey with the predator harvested at effort u (a term -u*y)",
            ("x", "y"),
            ("alpha*x - beta*x*y", "gamma*x*y - delta*y - u*y"),
            {"alpha": 1.0, "beta": 0.5, "gamma": 0.4, "delta": 0.6},
            (2.0, 1.5),
            (0.8, 0.6),
            t_end=25.0,
            positive=True,
            inputs=("u",),
        ),
        System(
            "chemostat_dilution",
            "Chemostat: biomass x (death rate m) on substrate s at dilution rate u (multiplicative input u*x, u*s)",
            ("x", "s"),
            ("k*x*s - u*x - m*x", "u*(sf - s) - k*x*s"),
            {"k": 1.0, "m": 0.1, "sf": 2.0},
            (0.5, 0.8),
            (0.3, 0.4),
            t_end=30.0,
            positive=True,
            inputs=("u",),
        ),
    ]
}

# How hard and how fast each input moves (offset ± amplitude, around a frequency).
EXCITATION: dict[str, Excitation] = {
    "duffing_forced": Excitation(0.0, 1.0, 1.2),
    "heated_room": Excitation(0.5, 0.5, 0.3),
    "lotka_volterra_harvest": Excitation(0.2, 0.15, 1.0),
    "chemostat_dilution": Excitation(0.4, 0.25, 0.5),
}
