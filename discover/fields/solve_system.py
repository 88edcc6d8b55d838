"""Integrating a system of field equations in one or two space dimensions.

Periodic grids: Fourier pseudo-spectral in space (``numpy.fft.rfftn``) and ETDRK4 in time (Cox &
Matthews 2002; coefficients by the contour integrals of Kassam & Trefethen 2005), as
:mod:`discover.fields.solve` does for one field on a line. The linear part is a small matrix per
wavenumber (``L[i, j]``: the linear derivative terms of field j in field i's equation); when it
couples fields (the nonlinear Schrödinger equation written as two real fields: u_t = -v_xx/2 ...)
it is diagonalised per wavenumber, so the stiff dispersive part is still integrated exactly.
Nonlinear terms are dealiased by the 2/3 rule; the step is halved until two step sizes agree.

Bounded grids: the method of lines (``numpy.gradient`` along each axis, scipy's RK45) with the
outermost points held at the data's values.
"""

from __future__ import annotations

import numpy as np

from discover.fields.basis import Basis, Monomial
from discover.fields.solve import BlowUp, _etd_coefficients, step_doubling


def _wavenumbers(shape, steps):
    """Angular wavenumbers of an rfftn grid, one array per axis broadcastable to its spectral shape."""
    out = []
    for d, (n, h) in enumerate(zip(shape, steps)):
        k = 2 * np.pi * (np.fft.rfftfreq(n, d=h) if d == len(shape) - 1 else np.fft.fftfreq(n, d=h))
        view = [1] * len(shape)
        view[d] = k.size
        out.append(k.reshape(view))
    return out


def _multiplier(ks, orders, shape):
    """(ik)^orders on the spectral grid, the Nyquist mode of an odd derivative zeroed."""
    m = np.ones([k.size for k in ks], dtype=complex)
    for d, (k, o) in enumerate(zip(ks, orders)):
        if not o:
            continue
        f = (1j * k) ** o
        if o % 2 == 1 and shape[d] % 2 == 0:
            top = np.max(np.abs(k))
            f = np.where(np.abs(k) >= top * (1 - 1e-12), 0.0, f)
        m = m * f
    return m


def split(basis: Basis, models: list[dict[Monomial, float]], ks, shape, coupled: bool = True):
    """The linear part ``L`` of shape (*spectral, n_f, n_f) and the other terms per equation.

    A linear term of another field enters ``L`` only when ``coupled`` and it holds a derivative
    (the stiff ones); otherwise it is integrated with the nonlinear terms, so ``L`` at wavenumber
    zero is diagonal (a coupling such as ``u_t = ... - v`` would make it defective there)."""
    n = len(basis.names)
    spec = [k.size for k in ks]
    L = np.zeros((*spec, n, n), dtype=complex)
    nonlin = []
    for i, model in enumerate(models):
        rest = {}
        for m, c in model.items():
            a = basis.is_linear(m)
            f, orders = basis.atoms[a] if a is not None else (i, ())
            if a is None or (f != i and not (coupled and any(orders))):
                rest[m] = c
                continue
            L[..., i, f] += c * _multiplier(ks, orders, shape)
        nonlin.append(rest)
    return L, nonlin


def simulate_system(basis: Basis, models: list[dict[Monomial, float]], coords, u0: np.ndarray, t: np.ndarray,
                    rtol: float = 1e-4, bound: float = 1e6, max_steps: int = 200_000) -> np.ndarray:
    """Integrate the system on the periodic grid ``coords`` from ``u0`` (shape (*grid, n_f)).

    Returns
    -------
    ndarray of shape (len(t), *grid, n_f)

    Raises
    ------
    BlowUp
        Non-finite values, values beyond ``bound`` times the initial scale, a linear part that cannot be
        diagonalised, or no step size that keeps the two-step error under ``rtol``.
    """
    shape = u0.shape[:-1]
    nf = u0.shape[-1]
    steps = [float(c[1] - c[0]) for c in coords]
    ks = _wavenumbers(shape, steps)
    L, nonlin = split(basis, models, ks, shape)
    off = L.copy()
    for i in range(nf):
        off[..., i, i] = 0
    V = None
    if np.any(off):
        lam, V = np.linalg.eig(L)
        with np.errstate(all="ignore"):
            Vi = np.linalg.inv(V)
        if np.all(np.isfinite(Vi)) and np.max(np.abs(Vi)) * np.max(np.abs(V)) < 1e6:
            lam = np.moveaxis(lam, -1, 0)
        else:  # (nearly) defective: the coupling terms are integrated explicitly, with smaller steps
            L, nonlin = split(basis, models, ks, shape, coupled=False)
            V = None
    if V is None:
        V = Vi = None
        lam = np.stack([L[..., i, i] for i in range(nf)])
    span = float(t[-1] - t[0]) if t.size > 1 else 0.0
    if span * float(np.max(lam.real)) > 40.0:
        raise BlowUp("unstable linear part")
    to_eig = (lambda a: a) if V is None else (lambda a: np.moveaxis(np.einsum("...ij,j...->...i", Vi, a), -1, 0))
    from_eig = (lambda a: a) if V is None else (lambda a: np.moveaxis(np.einsum("...ij,j...->...i", V, a), -1, 0))
    used_atoms = sorted({a for eq in nonlin for m in eq for a, e in enumerate(m) if e})
    mults = {a: _multiplier(ks, basis.atoms[a][1], shape) for a in used_atoms}
    keep = np.ones([k.size for k in ks], dtype=bool)
    for k in ks:
        keep = keep & (np.abs(k) < (2.0 / 3.0) * np.max(np.abs(k)))
    scale = max(float(np.max(np.abs(u0))), 1e-12)

    def N(w):
        if not any(nonlin):
            return np.zeros_like(w)
        vh = from_eig(w)
        vals = {a: np.fft.irfftn(vh[basis.atoms[a][0]] * mults[a], s=shape, axes=tuple(range(len(shape))))
                for a in used_atoms}
        out = np.zeros_like(vh)
        for i, eq in enumerate(nonlin):
            if not eq:
                continue
            acc = np.zeros(shape)
            for m, c in eq.items():
                term = np.full(shape, float(c))
                for a, e in enumerate(m):
                    if e:
                        term = term * vals[a] ** e
                acc = acc + term
            out[i] = np.fft.rfftn(acc) * keep
        return to_eig(out)

    cache: dict[float, tuple] = {}

    def step(w, h):
        if h not in cache:
            flat = _etd_coefficients(lam.ravel(), h)
            cache[h] = tuple(c.reshape(lam.shape) for c in flat)
        E, E2, Q, f1, f2, f3 = cache[h]
        Nw = N(w)
        a = E2 * w + Q * Nw
        Na = N(a)
        b = E2 * w + Q * Na
        Nb = N(b)
        c = E2 * a + Q * (2 * Nb - Nw)
        return E * w + Nw * f1 + 2 * (Na + Nb) * f2 + N(c) * f3

    def advance(w, span, m):
        for _ in range(m):
            w = step(w, span / m)
        return w

    out = np.empty((t.size, *shape, nf))
    out[0] = u0
    w = to_eig(np.stack([np.fft.rfftn(u0[..., i]) for i in range(nf)]).astype(complex))
    first = float(np.min(np.diff(t))) if t.size > 1 else 1.0
    m = max(1, int(np.ceil(first * max(scale, 1e-3) * 2 / min(steps)))) if any(nonlin) else 1
    used = 0
    for i in range(1, t.size):
        w, m, used = step_doubling(advance, w, float(t[i] - t[i - 1]), m, used, rtol, max_steps)
        vh = from_eig(w)
        for j in range(nf):
            out[i, ..., j] = np.fft.irfftn(vh[j], s=shape, axes=tuple(range(len(shape))))
        if not np.all(np.isfinite(out[i])) or np.max(np.abs(out[i])) > bound * scale:
            raise BlowUp("blew up")
    return out


def simulate_system_bounded(basis: Basis, models, coords, u0: np.ndarray, t: np.ndarray, edges=None,
                            rtol: float = 1e-4, bound: float = 1e6) -> np.ndarray:
    """Method of lines on a bounded grid; the outermost ``w`` points of each axis follow ``edges``
    (shape (len(t), *grid, n_f), linearly interpolated in time) or stay at ``u0``'s."""
    from scipy.integrate import solve_ivp

    shape, nf = u0.shape[:-1], u0.shape[-1]
    k_top = max((basis.order_of(m) for eq in models for m in eq), default=0)
    w = k_top // 2 + 1
    inner = tuple(slice(w, n - w) for n in shape)
    mask = np.zeros(shape, dtype=bool)
    mask[inner] = True
    scale = max(float(np.max(np.abs(u0))), 1e-12)

    def edge_values(time):
        if edges is None:
            return u0
        i = int(np.clip(np.searchsorted(t, time) - 1, 0, t.size - 2))
        a = (time - t[i]) / (t[i + 1] - t[i])
        return (1 - a) * edges[i] + a * edges[i + 1]

    def rhs(time, y):
        u = edge_values(time).copy()
        u[mask] = y.reshape(-1, nf)
        vals = {}
        for a, (f, orders) in enumerate(basis.atoms):
            d = u[..., f]
            for axis, k in enumerate(orders):
                for _ in range(k):
                    d = np.gradient(d, coords[axis], axis=axis, edge_order=2)
            vals[a] = d
        out = np.zeros_like(u)
        for i, eq in enumerate(models):
            for m, c in eq.items():
                term = np.full(shape, float(c))
                for a, e in enumerate(m):
                    if e:
                        term = term * vals[a] ** e
                out[..., i] += term
        return out[mask].ravel()

    def too_big(time, y):
        return bound * scale - np.max(np.abs(y))

    too_big.terminal = True
    sol = solve_ivp(rhs, (t[0], t[-1]), u0[mask].ravel(), method="RK45", t_eval=t, rtol=rtol, atol=rtol * scale,
                    events=too_big)
    if sol.status != 0 or sol.y.shape[1] != t.size or not np.all(np.isfinite(sol.y)):
        raise BlowUp("the solver stopped")
    out = np.stack([edge_values(time) for time in t])
    for i in range(t.size):
        out[i][mask] = sol.y[:, i].reshape(-1, nf)
    return out


__all__ = ["simulate_system", "simulate_system_bounded", "split"]
