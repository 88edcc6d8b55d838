"""Reference systems of fields and fields in two dimensions, and data generated from them.

- ``reaction_diffusion``: PDE-FIND's λ-ω system (Rudy et al., Sci. Adv. 2017) on the periodic
  square [-10, 10)², u_t = 0.1 Δu + λ(A) u - ω(A) v, v_t = 0.1 Δv + ω(A) u + λ(A) v with
  A² = u² + v², λ = 1 - A², ω = -β A², β = 1, from its one-armed spiral, 256² points, t in [0, 10].
- ``nls``: the nonlinear Schrödinger equation i ψ_t + ψ_xx / 2 + |ψ|² ψ = 0 as two real fields
  u = Re ψ, v = Im ψ (u_t = -v_xx/2 - (u² + v²) v, v_t = u_xx/2 + (u² + v²) u), PDE-FIND's setup:
  ψ(0, x) = 2 sech x on [-5, 5), 512 points, t in [0, π].
- ``gray_scott``: u_t = D_u Δu - u v² + F (1 - u), v_t = D_v Δv + u v² - (F + k) v.
- ``heat_2d``, ``advection_diffusion_2d``: one field on a periodic square.

Each is solved pseudo-spectrally with ETDRK4 (:mod:`discover.fields.solve_system`) on a grid at
least as fine as the one written, and subsampled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from discover.core.errors import ConfigError
from discover.core.options import check_number
from discover.fields.basis import Basis, Monomial
from discover.fields.field import Field


@dataclass(frozen=True)
class SystemPDE:
    """A reference system: one equation per field, on a periodic box, with its default grid.

    Attributes
    ----------
    name, description : str
    names, space : tuple of str
        Field and coordinate names.
    build : callable
        ``build(basis) -> list of {monomial: coefficient}``, one per field.
    x_range : (float, float)
        The periodic interval of every coordinate.
    n_x, n_t, t_end : grid points per axis, times, duration
    initial : callable
        ``initial(*grids) -> array (*grid, n_fields)``.
    published : dict
        PDE-FIND's published mean coefficient errors (``noise_0.5pct``, ``noise_1pct``, ...).
    """

    name: str
    description: str
    names: tuple[str, ...]
    space: tuple[str, ...]
    build: Callable
    x_range: tuple[float, float]
    n_x: int
    n_t: int
    t_end: float
    initial: Callable
    published: dict = field(default_factory=dict)

    @property
    def basis(self) -> Basis:
        return Basis(self.names, self.space, 2)

    @property
    def models(self) -> list[dict[Monomial, float]]:
        return self.build(self.basis)

    def texts(self) -> list[str]:
        """Each field's right-hand side as text."""
        return [self.basis.to_text(m) for m in self.models]


def _lap(b: Basis, f: int, c: float) -> dict[Monomial, float]:
    """``c`` times the Laplacian of field ``f`` (``c u_xx`` on a line)."""
    if len(b.space) == 2:
        return {b.atom(f, (2, 0)): c, b.atom(f, (0, 2)): c}
    return {b.atom(f, (2,)): c}


def _lambda_omega(b: Basis, beta: float = 1.0, d: float = 0.1):
    p = b.field_monomial
    u_eq = {**_lap(b, 0, d), p((1, 0)): 1.0, p((3, 0)): -1.0, p((1, 2)): -1.0, p((2, 1)): beta, p((0, 3)): beta}
    v_eq = {**_lap(b, 1, d), p((0, 1)): 1.0, p((2, 1)): -1.0, p((0, 3)): -1.0, p((3, 0)): -beta, p((1, 2)): -beta}
    return [u_eq, v_eq]


def _spiral(x, y):
    r = np.sqrt(x**2 + y**2)
    th = np.angle(x + 1j * y)
    return np.stack([np.tanh(r) * np.cos(th - r), np.tanh(r) * np.sin(th - r)], axis=-1)


def _nls(b: Basis):
    p = b.field_monomial
    return [{b.atom(1, (2,)): -0.5, p((2, 1)): -1.0, p((0, 3)): -1.0},
            {b.atom(0, (2,)): 0.5, p((3, 0)): 1.0, p((1, 2)): 1.0}]


def _gray_scott(b: Basis, du: float = 0.1, dv: float = 0.05, F: float = 0.04, k: float = 0.06):
    p = b.field_monomial
    return [{**_lap(b, 0, du), p((1, 2)): -1.0, p((1, 0)): -F, p((0, 0)): F},
            {**_lap(b, 1, dv), p((1, 2)): 1.0, p((0, 1)): -(F + k)}]


def _gray_scott_start(x, y):
    """Pearson's start: u = 1, v = 0, two squares at (1/2, 1/4), and a fixed 2% perturbation."""
    blob = ((np.abs(x - 1) < 2) & (np.abs(y) < 2)) | ((np.abs(x + 4) < 1.5) & (np.abs(y + 3) < 1.5))
    rng = np.random.default_rng(0)
    u = np.where(blob, 0.5, 1.0) + 0.02 * rng.standard_normal(x.shape)
    v = np.where(blob, 0.25, 0.0) + 0.02 * rng.standard_normal(x.shape)
    return np.stack([u, v], axis=-1)


def _blobs(x, y):
    return (np.exp(-((x + 3) ** 2 + (y + 1) ** 2) / 2) + 0.6 * np.exp(-((x - 2) ** 2 + (y - 3) ** 2) / 1.2))[..., None]


SYSTEM_PDES: dict[str, SystemPDE] = {
    s.name: s
    for s in (
        SystemPDE("reaction_diffusion", "λ-ω reaction-diffusion (PDE-FIND's): u_t = 0.1 Δu + λ(A) u - ω(A) v, "
                  "v_t = 0.1 Δv + ω(A) u + λ(A) v, λ = 1 - A², ω = -A², a spiral on [-10, 10)².",
                  ("u", "v"), ("x", "y"), _lambda_omega, (-10.0, 10.0), 256, 201, 10.0, _spiral,
                  {"noise_0.5pct": 0.038, "noise_1pct": None}),
        SystemPDE("nls", "Nonlinear Schrödinger i ψ_t + ψ_xx/2 + |ψ|² ψ = 0 as u = Re ψ, v = Im ψ, "
                  "ψ(0) = 2 sech x (PDE-FIND's).", ("u", "v"), ("x",), _nls, (-5.0, 5.0), 512, 501, float(np.pi),
                  lambda x: np.stack([2.0 / np.cosh(x), 0.0 * x], axis=-1), {"clean": 0.0005, "noise_1pct": 0.03}),
        SystemPDE("gray_scott", "Gray-Scott u_t = 0.1 Δu - u v² + F (1 - u), v_t = 0.05 Δv + u v² - (F + k) v "
                  "(F = 0.04, k = 0.06) on [-10, 10)².", ("u", "v"), ("x", "y"), _gray_scott, (-10.0, 10.0), 128,
                  101, 200.0, _gray_scott_start, {}),
        SystemPDE("heat_2d", "Heat equation in two dimensions u_t = 0.2 Δu on [-8, 8)².", ("u",), ("x", "y"),
                  lambda b: [_lap(b, 0, 0.2)], (-8.0, 8.0), 128, 101, 4.0, _blobs, {}),
        SystemPDE("advection_diffusion_2d", "Advection-diffusion u_t = -u_x - 0.5 u_y + 0.1 Δu on [-8, 8)².",
                  ("u",), ("x", "y"), lambda b: [{b.atom(0, (1, 0)): -1.0, b.atom(0, (0, 1)): -0.5, **_lap(b, 0, 0.1)}],
                  (-8.0, 8.0), 128, 101, 4.0, _blobs, {}),
    )
}
SYSTEM_ALIASES = {"lambda_omega": "reaction_diffusion", "rd": "reaction_diffusion", "schrodinger": "nls",
                  "nonlinear_schrodinger": "nls", "grayscott": "gray_scott", "heat2d": "heat_2d"}


def find_system(name: str) -> SystemPDE | None:
    key = name.strip().lower().replace("-", "_")
    return SYSTEM_PDES.get(SYSTEM_ALIASES.get(key, key))


def generate_system(p: SystemPDE, noise: float = 0.0, seed: int = 0, n_x: int | None = None,
                    n_t: int | None = None, t_end: float | None = None, solver_points: int | None = None) -> Field:
    """Solve a reference system and add noise (a fraction of each field's standard deviation).

    ``n_x`` is the number of points along every axis; it must divide the solver's grid
    (``solver_points``: by default the system's own ``n_x``, or ``n_x`` when finer).
    """
    from discover.fields.solve_system import simulate_system

    n_x = p.n_x if n_x is None else n_x
    n_t = p.n_t if n_t is None else n_t
    t_end = p.t_end if t_end is None else t_end
    check_number(n_x, "`--positions`", 16, 4096, whole=True)
    check_number(n_t, "`--points` (times of a PDE)", 8, 100_000, whole=True)
    check_number(noise, "`--noise` (a fraction of each field's spread)", 0.0, 10.0)
    check_number(t_end, f"`--t-end` (for {p.name}, whose own duration is {p.t_end:g})", 1e-9 * p.t_end, 1000 * p.t_end)
    fine = max(n_x, p.n_x if solver_points is None else int(solver_points))
    cells = n_t * float(n_x) ** len(p.space) * len(p.names)
    if cells > 60_000_000:
        raise ConfigError(f"{n_t} times x {n_x}^{len(p.space)} positions x {len(p.names)} fields is more than the "
                          "60,000,000 values discover writes at once; lower `--points` or `--positions`.")
    if fine % n_x:
        raise ConfigError(f"`--positions` must divide {fine} for {p.name}.")
    a, b = p.x_range
    g = a + (b - a) * np.arange(fine) / fine
    grids = np.meshgrid(*([g] * len(p.space)), indexing="ij")
    t = np.linspace(0.0, t_end, n_t)
    sub = fine // n_x
    u = simulate_system(p.basis, p.models, [g] * len(p.space), p.initial(*grids), t, rtol=1e-4)
    u = u[(slice(None), *([slice(None, None, sub)] * len(p.space)))]
    if noise > 0:
        rng = np.random.default_rng(seed)
        for i in range(u.shape[-1]):
            u[..., i] += noise * np.std(u[..., i]) * rng.standard_normal(u.shape[:-1])
    x = g[::sub]
    return Field(t=t, coords=(x,) * len(p.space), values=u, names=p.names, space_names=p.space, time_name="t",
                 periodic=(True,) * len(p.space), run="0")


__all__ = ["SYSTEM_ALIASES", "SYSTEM_PDES", "SystemPDE", "find_system", "generate_system"]
