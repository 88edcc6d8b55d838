"""Reference systems with known equations, for examples, tests and benchmarks.

Each :class:`System` is data: right-hand sides, default parameters, an initial state, a spread
for random initial states, and a time span. Adding a system is adding an entry here, or a
family module whose entries are merged into :data:`SYSTEMS` below.
"""

from __future__ import annotations

from discover.core.errors import ConfigError, did_you_mean
from discover.systems.biology import BIOLOGY
from discover.systems.driven import DRIVEN
from discover.systems.system import System

SYSTEMS: dict[str, System] = {
    s.name: s
    for s in [
        System(
            "lorenz",
            "Lorenz (1963) convection model, chaotic",
            ("x", "y", "z"),
            ("sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"),
            {"sigma": 10.0, "rho": 28.0, "beta": 8.0 / 3.0},
            (-8.0, 8.0, 27.0),
            (8.0, 8.0, 8.0),
            t_end=20.0,
        ),
        System(
            "rossler",
            "Rössler (1976) attractor, chaotic",
            ("x", "y", "z"),
            ("-y - z", "x + a*y", "b + z*(x - c)"),
            {"a": 0.2, "b": 0.2, "c": 5.7},
            (1.0, 1.0, 0.0),
            (2.0, 2.0, 0.5),
            t_end=60.0,
        ),
        System(
            "lotka_volterra",
            "Lotka-Volterra predator-prey",
            ("x", "y"),
            ("alpha*x - beta*x*y", "gamma*x*y - delta*y"),
            {"alpha": 1.3, "beta": 0.9, "gamma": 0.8, "delta": 1.8},
            (0.44, 4.63),
            (0.3, 2.0),
            t_end=15.0,
            positive=True,
        ),
        System(
            "vanderpol",
            "Van der Pol relaxation oscillator",
            ("x", "y"),
            ("y", "mu*(1 - x**2)*y - x"),
            {"mu": 1.5},
            (2.0, 0.0),
            (1.5, 1.5),
            t_end=20.0,
        ),
        System(
            "duffing",
            "Damped double-well Duffing oscillator",
            ("x", "v"),
            ("v", "-delta*v - alpha*x - beta*x**3"),
            {"delta": 0.1, "alpha": -1.0, "beta": 1.0},
            (1.5, 0.5),
            (0.8, 0.8),
            t_end=20.0,
        ),
        System(
            "pendulum",
            "Damped pendulum",
            ("theta", "omega"),
            ("omega", "-g*sin(theta) - b*omega"),
            {"g": 9.81, "b": 0.3},
            (2.5, 0.0),
            (0.5, 1.0),
            t_end=10.0,
            polynomial=False,
        ),
        System(
            "sir",
            "SIR epidemic (population fractions)",
            ("S", "I", "R"),
            ("-beta*S*I", "beta*S*I - gamma*I", "gamma*I"),
            {"beta": 0.5, "gamma": 0.1},
            (0.95, 0.05, 0.0),
            (0.1, 0.04, 0.05),
            t_end=60.0,
            positive=True,
        ),
        System(
            "logistic",
            "Logistic growth",
            ("x",),
            ("r*x*(1 - x/K)",),
            {"r": 0.8, "K": 10.0},
            (0.5,),
            (0.4,),
            t_end=12.0,
            positive=True,
        ),
        System(
            "brusselator",
            "Brusselator chemical oscillator",
            ("x", "y"),
            ("a + x**2*y - (b + 1)*x", "b*x - x**2*y"),
            {"a": 1.0, "b": 3.0},
            (1.0, 1.0),
            (0.8, 0.8),
            t_end=20.0,
            positive=True,
        ),
        System(
            "michaelis_menten",
            "Substrate with constant supply and Michaelis-Menten uptake (rational)",
            ("x",),
            ("J - Vmax*x/(Km + x)",),
            {"J": 0.6, "Vmax": 1.5, "Km": 0.3},
            (2.0,),
            (1.5,),
            t_end=6.0,
            polynomial=False,
            positive=True,
        ),
    ]
}
SYSTEMS.update({s.name: s for s in BIOLOGY})  # rational, Hill, Holling, sigmoid, degree-5 and trigonometric families


SYSTEMS.update(DRIVEN)  # reference systems driven by a measured input


def get_system(name: str) -> System:
    """Look a reference system up by name (case and ``-``/``_`` insensitive)."""
    key = name.strip().lower().replace("-", "_")
    if key not in SYSTEMS:
        raise ConfigError(
            f"Unknown system '{name}'{did_you_mean(key, SYSTEMS)}; run `discover systems` to list them."
        )
    return SYSTEMS[key]
