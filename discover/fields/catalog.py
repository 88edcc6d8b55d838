"""Reference PDEs: known equations, domains and initial profiles, and data generated from them.

The domains and profiles follow PDE-FIND (Rudy, Brunton, Proctor & Kutz, Sci. Adv. 2017) where
it has them (Burgers, KdV, Kuramoto-Sivashinsky); Fisher-KPP and advection-diffusion are set
on a periodic line as well, so every reference field is solved by the accurate spectral
ETDRK4 integrator of :mod:`discover.fields.solve` at a fine internal step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from discover.core.errors import ConfigError, did_you_mean
from discover.core.options import check_number
from discover.fields.field import Field
from discover.fields.terms import Monomial, monomial, to_text

U, UX, UXX, UXXX, UXXXX = (monomial(1, None), monomial(0, 1), monomial(0, 2), monomial(0, 3), monomial(0, 4))
UUX = monomial(1, 1)
U2 = monomial(2, None)


@dataclass(frozen=True)
class PDE:
    """A reference PDE u_t = sum of terms, with its default grid.

    Attributes
    ----------
    name, description : str
    terms : dict
        ``{monomial: coefficient}`` (see :mod:`discover.fields.terms`).
    x_range : (float, float)
        Periodic domain [a, b).
    n_x, n_t : int
        Default grid sizes.
    t_end : float
    initial : callable
        u0(x) on the grid.
    published : dict
        PDE-FIND's published mean coefficient errors (fractions) at 0 and 1% noise (keys
        ``clean``, ``noise_1pct``); None where it failed, absent where it did not report.
    """

    name: str
    description: str
    terms: dict[Monomial, float]
    x_range: tuple[float, float]
    n_x: int
    n_t: int
    t_end: float
    initial: Callable[[np.ndarray], np.ndarray]
    published: dict = field(default_factory=dict)

    def text(self) -> str:
        """The right-hand side as text (``-1*u*u_x + 0.1*u_xx``)."""
        return to_text(self.terms)


def _solitons(x):
    c1, c2 = 2.0, 0.5  # speeds; u = c/2 sech^2(sqrt(c)/2 (x - a)) solves u_t = -6 u u_x - u_xxx
    return (c1 / 2 / np.cosh(np.sqrt(c1) / 2 * (x + 8)) ** 2 + c2 / 2 / np.cosh(np.sqrt(c2) / 2 * (x - 4)) ** 2)


PDES: dict[str, PDE] = {
    p.name: p
    for p in (
        PDE("burgers", "Viscous Burgers equation u_t = -u u_x + nu u_xx (nu = 0.1), as in PDE-FIND.",
            {UUX: -1.0, UXX: 0.1}, (-8.0, 8.0), 256, 101, 10.0, lambda x: np.exp(-((x + 2) ** 2)),
            {"clean": 0.0015, "noise_1pct": 0.008}),
        PDE("kdv", "Korteweg-de Vries u_t = -6 u u_x - u_xxx, two solitons.",
            {UUX: -6.0, UXXX: -1.0}, (-20.0, 20.0), 256, 101, 10.0, _solitons,
            {"clean": 0.01, "noise_1pct": 0.07}),
        PDE("kuramoto_sivashinsky", "Kuramoto-Sivashinsky u_t = -u u_x - u_xx - u_xxxx on [0, 32 pi).",
            {UUX: -1.0, UXX: -1.0, UXXXX: -1.0}, (0.0, 32 * np.pi), 256, 201, 100.0,
            lambda x: np.cos(x / 16) * (1 + np.sin(x / 16)), {"clean": 0.013, "noise_1pct": 0.52}),
        PDE("fisher_kpp", "Fisher-KPP reaction-diffusion u_t = D u_xx + r u - r u^2 (D = 0.1, r = 1).",
            {UXX: 0.1, U: 1.0, U2: -1.0}, (-10.0, 10.0), 256, 101, 8.0,
            lambda x: 0.6 * np.exp(-((x + 3) ** 2)) + 0.3 * np.exp(-((x - 4) ** 2) / 2),
            {"noise_1pct": None}),  # PDE-FIND's reaction-diffusion (a lambda-omega system) failed at 1%
        PDE("advection_diffusion", "Advection-diffusion u_t = -c u_x + D u_xx (c = 1, D = 0.1).",
            {UX: -1.0, UXX: 0.1}, (-8.0, 8.0), 256, 101, 5.0,
            lambda x: np.exp(-((x + 3) ** 2)) + 0.5 * np.exp(-((x - 2) ** 2) / 0.5), {}),
        PDE("heat", "Heat equation u_t = D u_xx (D = 0.2).",
            {UXX: 0.2}, (-8.0, 8.0), 256, 101, 5.0,
            lambda x: np.exp(-((x + 3) ** 2)) + 0.5 * np.exp(-((x - 2) ** 2) / 0.5), {}),
    )
}
ALIASES = {"ks": "kuramoto_sivashinsky", "fisher": "fisher_kpp", "kpp": "fisher_kpp",
           "korteweg_de_vries": "kdv"}


def find_pde(name: str):
    """The reference PDE or system of PDEs (:mod:`discover.fields.catalog_systems`) called ``name``
    (case and ``-``/``_`` insensitive), or None."""
    from discover.fields.catalog_systems import find_system

    key = name.strip().lower().replace("-", "_")
    return PDES.get(ALIASES.get(key, key)) or find_system(name)


def get_pde(name: str):
    """Look a reference PDE up by name; an unknown name is a :class:`ConfigError`."""
    from discover.fields.catalog_systems import SYSTEM_ALIASES, SYSTEM_PDES

    pde = find_pde(name)
    if pde is None:
        raise ConfigError(f"Unknown PDE '{name}'{did_you_mean(name, [*PDES, *ALIASES, *SYSTEM_PDES, *SYSTEM_ALIASES])}; "
                          f"the reference PDEs are {', '.join([*PDES, *SYSTEM_PDES])}.")
    return pde


def generate_field(pde: PDE | str, noise: float = 0.0, seed: int = 0, n_x: int | None = None,
                   n_t: int | None = None, t_end: float | None = None) -> Field:
    """Solve a reference PDE and add noise (a fraction of the field's standard deviation).

    Parameters
    ----------
    pde : PDE or str
    noise : float
        Gaussian noise standard deviation as a fraction of the clean field's standard deviation.
    seed : int
    n_x, n_t, t_end : optional
        Grid sizes and duration (defaults: the PDE's own). ``n_x`` must divide the solver's
        internal grid (the field is solved on at least 256 points and subsampled).

    Returns
    -------
    Field
        Periodic in x.
    """
    from discover.fields.catalog_systems import SystemPDE, generate_system
    from discover.fields.solve import simulate_periodic

    p = get_pde(pde) if isinstance(pde, str) else pde
    if isinstance(p, SystemPDE):
        return generate_system(p, noise=noise, seed=seed, n_x=n_x, n_t=n_t, t_end=t_end)
    n_x = p.n_x if n_x is None else n_x
    n_t = p.n_t if n_t is None else n_t
    t_end = p.t_end if t_end is None else t_end
    check_number(n_x, "`--positions`", 16, 65_536, whole=True)
    check_number(n_t, "`--points` (times of a PDE)", 8, 100_000, whole=True)
    check_number(noise, "`--noise` (a fraction of the field's spread)", 0.0, 10.0)
    check_number(t_end, f"`--t-end` (for {p.name}, whose own duration is {p.t_end:g})", 1e-9 * p.t_end, 1000 * p.t_end)
    if n_t * max(n_x, p.n_x) > 10_000_000:
        raise ConfigError(f"{n_t} times x {max(n_x, p.n_x)} positions is more than the 10,000,000 values discover "
                          "solves at once; lower `--points` or `--positions`.")
    fine = max(n_x, p.n_x)
    if fine % n_x:
        raise ConfigError(f"`n_x` must divide {fine} for {p.name}.")
    a, b = p.x_range
    xf = a + (b - a) * np.arange(fine) / fine
    t = np.linspace(0.0, t_end, n_t)
    u = simulate_periodic(p.terms, xf, p.initial(xf), t, rtol=1e-4)[:, :: fine // n_x]
    x = xf[:: fine // n_x]
    rng = np.random.default_rng(seed)
    if noise > 0:
        u = u + noise * np.std(u) * rng.standard_normal(u.shape)
    return Field(t=t, coords=(x,), values=u[..., None], names=("u",), space_names=("x",), time_name="t",
                 periodic=(True,), run="0")


def to_long_frame(fields: list[Field]):
    """Fields as a long table (``t, x[, y], u[, v]``; a ``trajectory`` column when several runs)."""
    import pandas as pd

    frames = []
    for f in fields:
        grids = np.meshgrid(f.t, *f.coords, indexing="ij")
        cols = {f.time_name: grids[0].ravel(), **{s: g.ravel() for s, g in zip(f.space_names, grids[1:])}}
        for i, nm in enumerate(f.names):
            cols[nm] = f.values[..., i].ravel()
        df = pd.DataFrame(cols)
        if len(fields) > 1:
            df.insert(0, "trajectory", f.run)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


__all__ = ["ALIASES", "PDE", "PDES", "find_pde", "generate_field", "get_pde", "to_long_frame"]
