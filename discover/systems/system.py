"""What a reference system is: known right-hand sides, parameters, initial states, a time span."""

from __future__ import annotations

from dataclasses import dataclass, field


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
        parser of :mod:`discover.core.expressions`).
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
    inputs : tuple of str
        Measured inputs u(t) the right-hand sides read (none for an autonomous system).
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
    inputs: tuple[str, ...] = ()

    @property
    def symbols(self) -> tuple:
        import sympy as sp

        return tuple(sp.Symbol(v) for v in self.variables)

    def equations(self, params: dict | None = None) -> dict:
        """Right-hand sides (sympy expressions) with parameter values substituted, keyed by variable."""
        import sympy as sp

        from discover.core.expressions import parse_expression

        values = {**self.params, **(params or {})}
        local = {k: sp.Symbol(k) for k in values} | {v: sp.Symbol(v) for v in (*self.variables, *self.inputs)}
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
