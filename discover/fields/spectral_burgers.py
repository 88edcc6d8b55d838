"""Viscous Burgers on a periodic domain, solved pseudo-spectrally: test and benchmark data.

u_t = -u u_x + nu u_xx on [x0, x0 + L), periodic. Fourier in space (2/3-rule dealiasing of the
product) and ETDRK4 in time (Cox & Matthews 2002, with the contour-integral coefficients of
Kassam & Trefethen, "Fourth-order time-stepping for stiff PDEs", SIAM J. Sci. Comput. 2005):
the stiff diffusion is integrated exactly, so the solution is accurate to round-off at a fine
grid, then sampled on the coarse grid the experiment "measured". Written by hand because scipy
has no spectral PDE solver; kept in its own module so the reference-PDE generator of
:mod:`discover.fields` can replace it.
"""

from __future__ import annotations

import numpy as np

from discover.fields.field import Field


def _etdrk4_coefficients(L: np.ndarray, h: float, m: int = 32):
    r = np.exp(1j * np.pi * (np.arange(1, m + 1) - 0.5) / m)
    LR = h * L[:, None] + r[None, :]
    E, E2 = np.exp(h * L), np.exp(h * L / 2)
    Q = h * np.real(np.mean((np.exp(LR / 2) - 1) / LR, axis=1))
    f1 = h * np.real(np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR**2)) / LR**3, axis=1))
    f2 = h * np.real(np.mean((2 + LR + np.exp(LR) * (-2 + LR)) / LR**3, axis=1))
    f3 = h * np.real(np.mean((-4 - 3 * LR - LR**2 + np.exp(LR) * (4 - LR)) / LR**3, axis=1))
    return E, E2, Q, f1, f2, f3


def solve_burgers(u0: np.ndarray, length: float, nu: float, times: np.ndarray, dt: float = 1e-3) -> np.ndarray:
    """u at ``times`` (the first is the initial time) from ``u0`` on a uniform periodic grid.

    Returns
    -------
    ndarray of shape (len(times), len(u0))
    """
    n = len(u0)
    k = 2 * np.pi * np.fft.rfftfreq(n, d=length / n)
    cut = np.abs(k) < (2 / 3) * np.abs(k).max()  # 2/3 rule against aliasing of u^2
    L = -nu * k**2
    v = np.fft.rfft(u0)
    out = [u0.copy()]

    def nonlinear(vh):
        u = np.fft.irfft(vh * cut, n)
        return -0.5j * k * np.fft.rfft(u * u) * cut

    t = times[0]
    for t_next in times[1:]:
        steps = max(1, int(np.ceil((t_next - t) / dt - 1e-9)))
        h = (t_next - t) / steps
        E, E2, Q, f1, f2, f3 = _etdrk4_coefficients(L, h)
        for _ in range(steps):
            Nv = nonlinear(v)
            a = E2 * v + Q * Nv
            Na = nonlinear(a)
            b = E2 * v + Q * Na
            Nb = nonlinear(b)
            c = E2 * a + Q * (2 * Nb - Nv)
            Nc = nonlinear(c)
            v = E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3
        t = t_next
        out.append(np.fft.irfft(v, n))
    return np.array(out)


def burgers_field(n_x: int = 32, n_t: int = 30, nu: float = 0.1, t_end: float = 3.0, noise: float = 0.0,
                  seed: int = 0, fine: int = 256) -> Field:
    """A coarse, optionally noisy sample of viscous Burgers on [-pi, pi), periodic.

    The initial state ``exp(-2 x^2) + 0.5 sin(x)`` moves and steepens (the front stays a few
    coarse cells wide for ``t_end`` up to ~4 at ``nu = 0.1``). It is solved on ``fine`` points and
    sampled every ``fine // n_x``-th point (``n_x`` must divide ``fine``) at ``n_t`` times.

    Parameters
    ----------
    noise : float
        Gaussian noise of this fraction of the clean field's standard deviation, added to every sample.

    Returns
    -------
    Field
    """
    if fine % n_x:
        raise ValueError(f"`n_x` ({n_x}) must divide `fine` ({fine})")
    length = 2 * np.pi
    x = -np.pi + length * np.arange(fine) / fine
    u0 = np.exp(-2 * x**2) + 0.5 * np.sin(x)
    t = np.linspace(0.0, t_end, n_t)
    u = solve_burgers(u0, length, nu, t)[:, :: fine // n_x]
    rng = np.random.default_rng(seed)
    if noise:
        u = u + noise * u.std() * rng.standard_normal(u.shape)
    return Field(t=t, coords=(x[:: fine // n_x],), values=u[..., None], names=("u",), space_names=("x",),
                 periodic=(True,), run="burgers")
