"""The weak form for systems of fields in one or two space dimensions (WSINDy, Messenger & Bortz 2021).

Every equation u_i,t = sum_j c_ij D_j(p_j) (D_j a derivative operator, p_j a product of fields,
:func:`discover.fields.basis.library`) is integrated against space-time test functions
phi(t, x[, y]) = psi_t(t) psi_x(x) psi_y(y) on a grid of subdomains, every derivative moved onto phi:

    -int phi_t u_i = sum_j c_ij (-1)^|a_j| int (d^a_j phi) p_j,

so no derivative of the noisy data is taken. The rows (one per subdomain) are the same for every
field's equation: one matrix ``A`` of library integrals, one target column per field.

The test functions are separable, so each integral is a contraction of the data with one small
matrix per axis (:func:`discover.fields.weak.test_matrices`): one pass over the data per product
of fields (the operators share the time contraction). Nothing of the size of the data is kept
per library column, so memory is a few copies of one field whatever the library; and the
subdomain centres are subsampled (wider strides) when their grid would exceed ``max_rows``.
Their widths come from :func:`discover.fields.weak.support_points` along each axis (the noise
rule of the one-field route), the widest over the fields.
"""

from __future__ import annotations

import numpy as np

from discover.fields.weak import support_points, test_matrices

P_SPACE, P_TIME = 6, 4


def _rows_of(a: np.ndarray, axis: int, limit: int = 4096) -> np.ndarray:
    """``a`` (n_t, *grid) as a 2-D array (other axes flattened, at most ``limit`` rows) with ``axis`` last."""
    b = np.moveaxis(a, axis, -1).reshape(-1, a.shape[axis])
    if b.shape[0] > limit:
        b = b[np.linspace(0, b.shape[0] - 1, limit).astype(int)]
    return b


def widths(fields, train) -> tuple[int, list[int]]:
    """Half-widths in samples of the test functions: time, and each space axis (widest over fields)."""
    f0 = fields[0]
    u = f0.values[train[0]]
    n_t = u.shape[0]
    shape = u.shape[1:-1]
    m_t, m_x = 0, [0] * len(shape)
    for k in range(u.shape[-1]):
        uk = u[..., k]
        for d, n in enumerate(shape):
            m = support_points(_rows_of(uk, d + 1), P_SPACE, minimum=min(12, n // 6))
            m_x[d] = max(m_x[d], int(min(m, n // 4)))
        # time: columns are positions (at most 4096 of them), rows are times
        cols = _rows_of(uk, 0).T
        m = support_points(cols, P_TIME, minimum=min(8, n_t // 6), axis=0)
        m_t = max(m_t, int(min(m, max(n_t // 3, 2))))
    return m_t, m_x


def _centres(g: np.ndarray, m: int, step: int, periodic: bool) -> np.ndarray:
    return g[::step] if periodic else g[m: g.size - m: step]


def _contract(G: np.ndarray, mats) -> np.ndarray:
    """Contract axes 1.. of ``G`` (n_ct, *grid) with one matrix per axis (rows: centres); flattened."""
    for M in mats:
        G = np.tensordot(G, M, axes=([1], [1]))
    return G.ravel()


def weak_rows(fields, rows, basis, columns, m_t: int, m_x: list[int], stride: float = 0.5,
              max_rows: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """Weak-form rows of every run's ``rows`` (a slice of time rows per run).

    Parameters
    ----------
    fields : list of Field
    rows : list of slice
    basis : Basis
    columns : list of Column
    m_t, m_x : half-widths in samples (time, each space axis)
    stride : float
        Spacing of the centres as a fraction of the half-width (widened to keep at most
        ``max_rows`` rows per run).

    Returns
    -------
    (A, B)
        A of shape (n_rows, n_columns), B of shape (n_rows, n_fields).
    """
    blocks_a, blocks_b = [], []
    by_powers: dict[tuple, list[int]] = {}
    for j, col in enumerate(columns):
        by_powers.setdefault(col.powers, []).append(j)
    for f, sl in zip(fields, rows):
        t = f.t[sl]
        u = f.values[sl]
        if t.size < 2 * m_t + 1:
            continue
        steps = [max(1, int(stride * m)) for m in [m_t, *m_x]]
        sizes = [max(1, (t.size - 2 * m_t) // steps[0])] + [
            max(1, (g.size if per else g.size - 2 * m) // s)
            for g, m, s, per in zip(f.coords, m_x, steps[1:], f.periodic)]
        grow = max(1.0, (np.prod([float(s) for s in sizes]) / max_rows) ** (1 / len(sizes)))
        steps = [max(1, int(np.ceil(s * grow))) for s in steps]
        ct = t[m_t: t.size - m_t: steps[0]]
        mats, ok = [], ct.size > 0
        orders_needed = sorted({o for col in columns for orders, _ in col.operator for o in orders})
        for d, g in enumerate(f.coords):
            per = bool(f.periodic[d]) if f.periodic else False
            h = float(np.median(np.diff(g)))
            c = _centres(g, m_x[d], steps[d + 1], per)
            ok = ok and c.size > 0
            mats.append(test_matrices(g, c, m_x[d] * h, P_SPACE, orders_needed, h * g.size if per else None)
                        if c.size else None)
        if not ok:
            continue
        dt = float(np.median(np.diff(t)))
        Pt = test_matrices(t, ct, m_t * dt, P_TIME, [0, 1])
        zero = [mat[0] for mat in mats]
        B = np.stack([-_contract(np.tensordot(Pt[1], u[..., k], axes=([1], [0])), zero)
                      for k in range(u.shape[-1])], axis=1)
        A = np.zeros((B.shape[0], len(columns)))
        for powers, idx in by_powers.items():
            g = np.ones(u.shape[:-1])
            for k, e in enumerate(powers):
                if e:
                    g = g * u[..., k] ** e
            G = np.tensordot(Pt[0], g, axes=([1], [0]))
            del g
            for j in idx:
                for orders, coef in columns[j].operator:
                    sign = (-1) ** sum(orders)
                    A[:, j] += sign * coef * _contract(G, [mat[o] for mat, o in zip(mats, orders)])
        blocks_a.append(A)
        blocks_b.append(B)
    if not blocks_a:
        return np.zeros((0, len(columns))), np.zeros((0, len(basis.names)))
    return np.concatenate(blocks_a), np.concatenate(blocks_b)


__all__ = ["P_SPACE", "P_TIME", "weak_rows", "widths"]
