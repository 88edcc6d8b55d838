"""Integrating a PDE model u_t = sum of monomials: spectral ETDRK4 on periodic grids, lines elsewhere.

Periodic: Fourier pseudo-spectral in space and the fourth-order exponential time-differencing
Runge-Kutta scheme of Cox & Matthews (J. Comput. Phys. 2002) with the contour-integral
coefficients of Kassam & Trefethen (SIAM J. Sci. Comput. 2005): the linear terms (``u``,
``u_xx``, ``u_xxxx``, ...) are integrated exactly, so stiff fourth-order operators (KS) take
large steps. Nonlinear terms are dealiased by the 2/3 rule. Written out here because neither
scipy nor pysindy has an exponential integrator; the step is halved until two step sizes agree.

Bounded: the method of lines with finite differences (``numpy.gradient``) and scipy's BDF,
the edge points held at the data's own values (interpolated in time).

Both return None when the solution blows up: a candidate that does is scored as failed.
"""

from __future__ import annotations

import numpy as np

from discover.fields.terms import MAX_ORDER, Monomial, evaluate, is_linear, order_of


class BlowUp(Exception):
    """The solution left every sensible bound or became non-finite."""


def _split(model: dict[Monomial, float], k: np.ndarray) -> tuple[np.ndarray, dict[Monomial, float]]:
    lin = np.zeros(k.size, dtype=complex)
    nonlin = {}
    for m, c in model.items():
        j = is_linear(m)
        if j is not None:
            lin = lin + c * (1j * k) ** j
        else:
            nonlin[m] = c
    return lin, nonlin


def _etd_coefficients(L: np.ndarray, h: float, m: int = 32):
    # Real L: the upper half of the contour and the real part of the mean (Kassam & Trefethen);
    # complex L (dispersive terms such as u_xxx): the whole circle, or the mean is off by O(h).
    real = not np.any(L.imag)
    r = np.exp(1j * np.pi * (np.arange(1, m + 1) - 0.5) / m * (1 if real else 2))
    LR = h * L[:, None] + r[None, :]
    E, E2 = np.exp(h * L), np.exp(h * L / 2)
    Q = h * np.mean((np.exp(LR / 2) - 1) / LR, axis=1)
    f1 = h * np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR**2)) / LR**3, axis=1)
    f2 = h * np.mean((2 + LR + np.exp(LR) * (-2 + LR)) / LR**3, axis=1)
    f3 = h * np.mean((-4 - 3 * LR - LR**2 + np.exp(LR) * (4 - LR)) / LR**3, axis=1)
    if real:
        Q, f1, f2, f3 = Q.real, f1.real, f2.real, f3.real
    return E, E2, Q, f1, f2, f3


def simulate_periodic(model: dict[Monomial, float], x: np.ndarray, u0: np.ndarray, t: np.ndarray,
                      rtol: float = 1e-4, bound: float = 1e6, max_steps: int = 2_000_000) -> np.ndarray:
    """Integrate ``model`` on the periodic grid ``x`` from ``u0``; the solution at times ``t``.

    Returns
    -------
    ndarray of shape (len(t), len(x))

    Raises
    ------
    BlowUp
        Non-finite values, values beyond ``bound`` times the initial scale, or no step size
        that keeps the two-step error under ``rtol`` within ``max_steps``.
    """
    n = x.size
    dx = float(x[1] - x[0])
    k = 2 * np.pi * np.fft.fftfreq(n, d=dx)
    L, nonlin = _split(model, k)
    span = float(t[-1] - t[0]) if t.size > 1 else 0.0
    if span * float(np.max(L.real)) > 40.0:  # the linear part alone grows by more than e^40
        raise BlowUp("unstable linear part")
    orders = sorted({i for m in nonlin for i, e in enumerate(m) if e and i > 0} | {0})
    kmax = np.max(np.abs(k))
    dealias = np.abs(k) < (2.0 / 3.0) * kmax
    ik = {j: (1j * k) ** j for j in orders}
    for j in orders:
        if j % 2 == 1 and n % 2 == 0:
            ik[j][n // 2] = 0.0
    scale = max(float(np.max(np.abs(u0))), 1e-12)

    def N(vh):
        if not nonlin:
            return np.zeros_like(vh)
        d = np.zeros((MAX_ORDER + 1, n))
        for j in orders:
            d[j] = np.real(np.fft.ifft(ik[j] * vh))
        val = sum(c * evaluate(m, d) for m, c in nonlin.items())
        return dealias * np.fft.fft(val)

    cache: dict[float, tuple] = {}

    def step(vh, h):
        if h not in cache:
            cache[h] = _etd_coefficients(L, h)
        E, E2, Q, f1, f2, f3 = cache[h]
        Nv = N(vh)
        a = E2 * vh + Q * Nv
        Na = N(a)
        b = E2 * vh + Q * Na
        Nb = N(b)
        c = E2 * a + Q * (2 * Nb - Nv)
        Nc = N(c)
        return E * vh + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3

    def advance(vh, span, m):
        h = span / m
        for _ in range(m):
            vh = step(vh, h)
        return vh

    out = np.empty((t.size, n))
    out[0] = u0
    vh = np.fft.fft(u0)
    m, used = 1, 0
    # Start from a step that resolves the fastest nonlinear speed (|u| times the mean spacing).
    first = float(np.min(np.diff(t))) if t.size > 1 else 1.0
    m = max(1, int(np.ceil(first * max(scale, 1e-3) * 2 / dx)) if nonlin else 1)
    for i in range(1, t.size):
        vh, m, used = step_doubling(advance, vh, float(t[i] - t[i - 1]), m, used, rtol, max_steps)
        out[i] = np.real(np.fft.ifft(vh))
        if not np.all(np.isfinite(out[i])) or np.max(np.abs(out[i])) > bound * scale:
            raise BlowUp("blew up")
    return out


def simulate_bounded(model: dict[Monomial, float], x: np.ndarray, u0: np.ndarray, t: np.ndarray,
                     edges: np.ndarray | None = None, rtol: float = 1e-5, bound: float = 1e6) -> np.ndarray:
    """Method of lines on a bounded grid; the ``w`` outermost points on each side follow ``edges``.

    ``edges`` has shape (len(t), len(x)) (data whose edge values are imposed, linearly
    interpolated in time); without it the edge values stay at ``u0``'s. ``w`` is half the
    highest derivative order, plus one.
    """
    from scipy.integrate import solve_ivp

    k_top = max((order_of(m) for m in model), default=0)
    w = k_top // 2 + 1
    n = x.size
    inner = slice(w, n - w)
    scale = max(float(np.max(np.abs(u0))), 1e-12)

    def edge_values(time):
        if edges is None:
            return u0
        i = int(np.clip(np.searchsorted(t, time) - 1, 0, t.size - 2))
        a = (time - t[i]) / (t[i + 1] - t[i])
        return (1 - a) * edges[i] + a * edges[i + 1]

    def rhs(time, y):
        u = edge_values(time).copy()
        u[inner] = y
        d = np.empty((MAX_ORDER + 1, n))
        d[0] = u
        for j in range(1, k_top + 1):
            d[j] = np.gradient(d[j - 1], x, edge_order=2)
        val = sum(c * evaluate(m, d) for m, c in model.items())
        return val[inner]

    from scipy.sparse import diags

    band = 2 * k_top + 1
    sparsity = diags([np.ones(n - 2 * w - abs(o)) for o in range(-band, band + 1)], list(range(-band, band + 1)))

    def too_big(time, y):
        return bound * scale - np.max(np.abs(y))

    too_big.terminal = True
    sol = solve_ivp(rhs, (t[0], t[-1]), u0[inner], method="BDF", t_eval=t, rtol=rtol, atol=rtol * scale,
                    jac_sparsity=sparsity, events=too_big)
    if sol.status != 0 or sol.y.shape[1] != t.size or not np.all(np.isfinite(sol.y)):
        raise BlowUp("the solver stopped")
    out = np.empty((t.size, n))
    for i, time in enumerate(t):
        out[i] = edge_values(time)
    out[:, inner] = sol.y.T
    return out


def simulate(model, x, u0, t, periodic: bool, edges=None, rtol: float = 1e-3) -> np.ndarray:
    """:func:`simulate_periodic` or :func:`simulate_bounded`, as the grid asks."""
    if periodic:
        return simulate_periodic(model, x, u0, t, rtol=rtol)
    return simulate_bounded(model, x, u0, t, edges=edges, rtol=max(rtol, 1e-6))


__all__ = ["BlowUp", "simulate", "simulate_bounded", "simulate_periodic"]


def step_doubling(advance, w, span: float, m: int, used: int, rtol: float, max_steps: int):
    """Advance ``w`` over ``span`` with ``m`` steps and with ``2 m``, doubling ``m`` until the two agree to
    ``rtol`` (relative); returns the finer state, the step count for the next span (halved when the two
    agree far better than asked) and the steps ``used`` so far. :class:`BlowUp` past ``max_steps``."""
    while True:
        coarse = advance(w, span, m)
        fine = advance(w, span, 2 * m)
        used += 3 * m
        ok = np.all(np.isfinite(fine)) and np.all(np.isfinite(coarse))
        err = np.max(np.abs(fine - coarse)) / max(np.max(np.abs(fine)), 1e-12) if ok else np.inf
        if err < rtol:
            break
        m *= 2
        if used > max_steps or m > max_steps:
            raise BlowUp("no stable step")
    return fine, (max(1, m // 2) if err < rtol / 64 else m), used
