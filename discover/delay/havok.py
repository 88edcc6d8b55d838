"""HAVOK: chaos as an intermittently forced linear system (Brunton et al., Nat. Commun. 2017).

In the first r eigen-time-delay coordinates v_1..v_r of a measured signal, the dynamics of
v_1..v_{r-1} are fitted as linear, dv/dt = A v + B v_r, with the last coordinate v_r acting as
an external forcing. Its bursts mark where the linear model alone fails: for Lorenz, they come
just before the lobe switches. The model is linear, so it reads as equations.
"""

from __future__ import annotations

import time

import numpy as np

from discover.delay.base import BaseDelayModel, DelayContext, Row, register
from discover.delay.embedding import embed


def central_derivative(v: np.ndarray, dt: float) -> np.ndarray:
    """Fourth-order central differences along axis 0 (the ends lose two rows each)."""
    return (-v[4:] + 8 * v[3:-1] - 8 * v[1:-3] + v[:-4]) / (12 * dt)


class Havok:
    """Fit, simulate and describe a HAVOK model of an evenly sampled record.

    Parameters
    ----------
    delays, spacing, rank : embedding settings (None: chosen from the data).

    Attributes (after ``fit``)
    ----------
    embedding_ : Embedding
    A_ : ndarray (r-1, r-1); B_ : ndarray (r-1,)
    v_ : ndarray (n_windows, r)
        Eigen-time-delay coordinates of the training record; ``v_[:, -1]`` is the forcing.
    fit_r2_ : float
        R² of the regression dv/dt = A v + B v_r on the training record.
    """

    def __init__(self, delays: int | None = None, spacing: int | None = None, rank: int | None = None):
        self.delays, self.spacing, self.rank = delays, spacing, rank

    def fit(self, x: np.ndarray, t: np.ndarray) -> "Havok":
        t0 = time.perf_counter()
        emb = embed(x, t, self.delays, self.spacing, self.rank)
        v = emb.V * np.sqrt(emb.V.shape[0])  # unit-RMS coordinates: coefficients of order one
        self.unit_ = np.sqrt(emb.V.shape[0])
        dv = central_derivative(v, emb.dt)
        X = v[2:-2]
        coef, *_ = np.linalg.lstsq(X, dv[:, :-1], rcond=None)  # plain least squares, as the paper
        self.A_, self.B_ = coef[:-1].T, coef[-1]
        resid = dv[:, :-1] - X @ coef
        self.fit_r2_ = float(1 - np.sum(resid**2) / np.sum((dv[:, :-1] - dv[:, :-1].mean(0)) ** 2))
        self.embedding_, self.v_, self.t_ = emb, v, np.asarray(t, dtype=float)[: len(v)]
        self.seconds_ = time.perf_counter() - t0
        return self

    @property
    def parameters(self) -> int:
        return int(self.A_.size + self.B_.size)

    def simulate(self, v0: np.ndarray, forcing: np.ndarray, dt: float) -> np.ndarray:
        """v_1..v_{r-1} from ``v0`` driven by the forcing samples (zero-order hold, exact)."""
        from scipy.linalg import expm

        r1 = len(self.B_)
        M = np.zeros((r1 + 1, r1 + 1))
        M[:r1, :r1], M[:r1, r1] = self.A_ * dt, self.B_ * dt
        E = expm(M)
        Ad, Bd = E[:r1, :r1], E[:r1, r1]
        out = np.empty((len(forcing), r1))
        v = np.asarray(v0, dtype=float)
        for i, f in enumerate(forcing):
            out[i] = v
            v = Ad @ v + Bd * f
        return out

    def reconstruct(self, v: np.ndarray) -> np.ndarray:
        """The measured signal(s) at the newest sample of each window, from v_1..v_{r-1} and the forcing v_r."""
        return self.embedding_.measurement(v / self.unit_, last=True)

    def forecast(self, x: np.ndarray, steps: int, start: int = 0, forced: bool = True) -> np.ndarray:
        """Predict ``steps`` samples of the record ``x`` from window ``start`` on.

        ``forced``: drive the model with the measured forcing (HAVOK's reconstruction, which
        needs the future forcing); otherwise the forcing is held at zero (a true forecast).
        """
        emb = self.embedding_
        v = emb.coordinates(x) * self.unit_
        steps = min(steps, len(v) - start)
        f = v[start: start + steps, -1] if forced else np.zeros(steps)
        vs = self.simulate(v[start, :-1], f, emb.dt)
        return self.reconstruct(np.column_stack([vs, f]))

    def equations(self, digits: int = 3) -> list[str]:
        r1 = len(self.B_)
        out = []
        for i in range(r1):
            terms = [f"{self.A_[i, j]:+.{digits}g}*v{j + 1}" for j in range(r1) if abs(self.A_[i, j]) > 1e-9]
            terms.append(f"{self.B_[i]:+.{digits}g}*v{r1 + 1}")
            out.append(f"dv{i + 1}/dt = " + " ".join(terms).lstrip("+"))
        return out

    def to_dict(self) -> dict:
        emb = self.embedding_
        return {
            "schema": "discover.havok/1",
            "delays": emb.delays, "spacing_samples": emb.spacing, "dt": emb.dt, "window": emb.window,
            "rank": emb.rank, "singular_values": emb.singular_values[: max(emb.rank * 2, 10)].tolist(),
            "A": self.A_.tolist(), "B": self.B_.tolist(), "equations": self.equations(),
            "forcing": f"v{emb.rank}", "regression_r2": self.fit_r2_, "parameters": self.parameters,
            "coordinates": "v_k(t) = U_k' h(t) / s_k * sqrt(n_windows): the k-th eigen-time-delay coordinate "
                           "of the delay vector h(t) of the standardised measurement",
        }




@register
class HavokModel(BaseDelayModel):
    """The ``havok`` delay model: HAVOK's unforced forecast, and its reconstruction driven by the measured forcing."""

    name = "havok"

    @classmethod
    def blocks(cls, result) -> tuple:
        from discover.delay.havok_report import blocks

        return blocks(result)

    def fit(self, context: DelayContext) -> "HavokModel":
        h = self.havok_ = context.havok
        emb = h.embedding_
        q, s, dt = emb.delays, emb.spacing, emb.dt

        def forecast(forced: bool):
            def f(seg, i, steps):
                if len(seg) - (q - 1) * s < max(2 * q, 5):  # too short to read its coordinates
                    return None
                v = emb.coordinates(seg.x) * h.unit_
                c = i - (q - 1) * s
                n = steps * s + 1
                forcing = v[c: c + n, -1] if forced else np.zeros(n)
                if len(forcing) < n:
                    return None
                sim = h.simulate(v[c, :-1], forcing, dt)
                return h.reconstruct(np.column_stack([sim, forcing])[s::s][:steps])
            return f

        self.rows_ = [
            Row("HAVOK (unforced forecast)", forecast(False), h.parameters, round(h.seconds_, 2),
                (emb.rank - 1) ** 2 + emb.rank - 1),
            Row("HAVOK (driven by the measured forcing)", forecast(True), h.parameters, None, None,
                "reconstruction: uses the future forcing", shown=False),
        ]
        return self

    def describe(self) -> dict:
        return self.havok_.to_dict()

    def arrays(self) -> dict:
        """The first stretch of the training run: times, coordinates, measured and driven reconstruction."""
        h = self.havok_
        n = min(len(h.v_), 4000)
        v = h.v_[:n]
        sim = h.simulate(v[0, :-1], v[:, -1], h.embedding_.dt)
        return {"havok/t": h.t_[:n] + h.embedding_.window,  # a window's coordinates belong to its last sample
                "havok/v": v, "havok/measured": h.reconstruct(v),
                "havok/driven": h.reconstruct(np.column_stack([sim, v[:, -1]])),
                "havok/forcing_std": np.array(np.std(h.v_[:, -1]))}
