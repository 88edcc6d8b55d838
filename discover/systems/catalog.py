"""Reference systems with known equations, for examples, tests and benchmarks.

Each :class:`System` is data: sympy right-hand sides, default parameters, an initial state,
a spread for random initial states, and a time span. Adding a system is adding an entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from discover.errors import ConfigError, did_you_mean


@dataclass(frozen=True)
class System:
    """A known ODE system dx/dt = f(x; p).

    Attributes
    ----------
    name : str
    description : str
    variables : tuple of str
    rhs : tuple of str
        Right-hand sides in Python syntax, with parameters as names (read by the restricted
        parser of :mod:`discover.expressions`).
    params : dict
        Default parameter values.
    x0 : tuple of float
        Default initial state (the first trajectory starts here).
    spread : tuple of float
        Half-width of the box around ``x0`` from which further initial states are drawn.
    t_end : float
        Default duration of a trajectory.
    polynomial : bool
        Whether the right-hand side is polynomial in the state (SINDy's default library
        can express it).
    positive : bool
        Whether states must stay positive (initial states are drawn accordingly).
    """

    name: str
    description: str
    variables: tuple[str, ...]
    rhs: tuple[str, ...]
    params: dict = field(default_factory=dict)
    x0: tuple[float, ...] = ()
    spread: tuple[float, ...] = ()
    t_end: float = 10.0
    polynomial: bool = True
    positive: bool = False

    @property
    def symbols(self) -> tuple:
        import sympy as sp

        return tuple(sp.Symbol(v) for v in self.variables)

    def equations(self, params: dict | None = None) -> dict:
        """Right-hand sides (sympy expressions) with parameter values substituted, keyed by variable."""
        import sympy as sp

        from discover.expressions import parse_expression

        values = {**self.params, **(params or {})}
        local = {k: sp.Symbol(k) for k in values} | {v: sp.Symbol(v) for v in self.variables}
        subs = {sp.Symbol(k): sp.nsimplify(v, rational=False) if isinstance(v, int) else sp.Float(v) for k, v in values.items()}
        return {
            v: sp.expand(parse_expression(r, local, f"system '{self.name}', d{v}/dt").subs(subs))
            for v, r in zip(self.variables, self.rhs)
        }

    def initial_states(self, n: int, rng):
        """``n`` initial states (ndarray of shape (n, n_states)): the default one, then random ones in the spread box."""
        import numpy as np

        x0 = np.asarray(self.x0, dtype=float)
        spread = np.asarray(self.spread, dtype=float)
        out = [x0]
        for _ in range(n - 1):
            x = x0 + spread * rng.uniform(-1, 1, size=x0.shape)
            if self.positive:
                x = np.abs(x) + 1e-3
            out.append(x)
        return np.array(out)


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


def get_system(name: str) -> System:
    """Look a reference system up by name (case and ``-``/``_`` insensitive)."""
    key = name.strip().lower().replace("-", "_")
    if key not in SYSTEMS:
        raise ConfigError(
            f"Unknown system '{name}'{did_you_mean(key, SYSTEMS)}; run `discover systems` to list them."
        )
    return SYSTEMS[key]
