"""Distillation of the PDE PINN's hidden term, and the refit of every constant.

1. N is read on a dense space-time grid together with the network's u, u_x, u_xx, ...
2. The project's SINDy distiller searches a sparse formula for N over a polynomial library of
   those terms (its Pareto front of sizes; optionally symbolic regression as well).
3. Each structure found is joined to the known part and all constants (the learned parameters and
   the hidden coefficients) are refitted by least squares of the full residual
   ``u_t - known - hidden`` on the network's derivatives at the measured points; the Jacobian of
   that fit gives standard errors. The simplest structure whose residual is close to the best
   one's is kept.

A known term that is one learned parameter times a function phi (``d*u_xx``) cannot be told
apart from a hidden term phi by the networks: N and d trade it freely. So phi is distilled with
N (the target is N + d*phi) and the refit gives phi's whole coefficient to d.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.candidates import expression_key
from discover.core.expressions import safe_lambdify, to_text


def _plain(e: sp.Expr) -> sp.Expr:
    return e.xreplace({s: sp.Symbol(s.name) for s in e.free_symbols})


def linear_terms(known, name: str) -> list[tuple[str, sp.Expr]]:
    """(parameter, phi) for each known term of field ``name`` that is a number times one learned parameter times phi."""
    learned = {sp.Symbol(p, real=True) for p in known.learned}
    out = []
    for term in sp.Add.make_args(sp.expand(known.expr(name))):
        coef, phi = term.as_independent(*[t.symbol for t in known.terms], as_Add=False)
        syms = coef.free_symbols
        if len(syms) == 1 and syms <= learned and phi.free_symbols and (coef / next(iter(syms))).is_number:
            out.append((next(iter(syms)).name, _plain(phi * coef / next(iter(syms)))))
    return out


def _grid(model, field, n: int):
    """Points (t, x) of a space-time grid of about ``n`` points over the fitted domain."""
    n_t, n_x = field.shape
    nt = max(8, int(round(np.sqrt(n * n_t / n_x))))
    nx = max(8, int(round(n / nt)))
    t = np.linspace(model.t0_, model.t1_, nt)
    x = model.x0_ + model.length_ * (np.arange(nx) / nx if model.periodic_ else np.linspace(0, 1, nx))
    T, X = np.meshgrid(t, x, indexing="ij")
    return T.ravel(), X.ravel()


def _samples(model, field, ev):
    """Samples for a distiller whose contract wants as many targets as states: the first n_fields
    columns carry N (plus the known linear terms it trades with), the others are identities
    (each derivative predicts itself), which SINDy fits exactly with one term and we ignore."""
    from discover.data.samples import Samples

    known = model.known_
    names = [t.name for t in model.hidden_terms_]
    D = ev["terms"][:, : len(names)]
    Y = D.copy()
    syms = [sp.Symbol(t.name) for t in model.terms_]
    for i, name in enumerate(known.names):
        target = ev["hidden"][:, i].copy()
        for p, phi in linear_terms(known, name):
            fn = safe_lambdify([syms], phi)
            col = np.broadcast_to(np.asarray(fn(list(ev["terms"].T)), dtype=float), target.shape)
            target += model.network_parameters_[p] * col
        Y[:, i] = target
    return Samples(D, Y, tuple(names))


def _structures(model, samples) -> list[dict[str, sp.Expr]]:
    """Hidden-term candidates (per field identifier) from each configured distiller."""
    from discover.distillers import get_distiller

    cfg = model.settings_
    out, seen = [], set()
    fields = [t.name for t in model.hidden_terms_[: len(model.known_.names)]]
    for name in cfg.distillers:
        settings = ({"degrees": tuple(cfg.degrees), "forms": ("strong",), "bootstrap": cfg.bootstrap}
                    if name == "sindy" else cfg.sr if name == "sr" else None)
        dist = get_distiller(name)(settings, random_state=model.random_state, device=model.device_)
        for cand in dist.fit(samples).candidates_:
            eqs = {f: sp.expand(cand.equations[f]) for f in fields}
            key = tuple(expression_key(e) for e in eqs.values())
            if key not in seen:
                seen.add(key)
                out.append({"equations": eqs, "method": name, "confidence": cand.term_confidence})
    return out


class _Refit:
    """Least squares of the full residual of one field, over the learned parameters of its known
    part and the coefficients of a hidden structure, at the measured points."""

    def __init__(self, model, name: str, i: int, hidden: sp.Expr, ev):
        known = model.known_
        self.syms = [sp.Symbol(t.name) for t in model.terms_]
        expr = _plain(known.expr(name))
        self.params = sorted(s.name for s in expr.free_symbols if s.name in known.learned)
        shapes = [phi for _, phi in linear_terms(known, name)]
        # hidden terms, each with its coefficient taken out; those equal to a known phi go to its parameter
        self.shapes = []
        for term in sp.Add.make_args(sp.expand(hidden)):
            coef, phi = term.as_independent(*self.syms, as_Add=False)
            if phi == 1 or not any(sp.simplify(phi - s) == 0 or sp.simplify(phi + s) == 0 for s in shapes):
                self.shapes.append((float(coef), phi))
        self.known = expr
        psyms = [sp.Symbol(p) for p in self.params]
        self.f_known = safe_lambdify([self.syms, psyms], expr)
        self.f_shapes = [safe_lambdify([self.syms], phi) for _, phi in self.shapes]
        D = ev["terms"]
        n = D.shape[0]
        self.y = ev["u_t"][:, i]
        self.cols = np.stack([np.broadcast_to(np.asarray(f(list(D.T)), dtype=float), (n,)) for f in self.f_shapes],
                             axis=1) if self.shapes else np.zeros((n, 0))
        self.D = D
        self.p0 = np.array([model.network_parameters_[p] for p in self.params])
        self.c0 = np.array([c for c, _ in self.shapes])

    def residual(self, z):
        k = len(self.params)
        kn = np.broadcast_to(np.asarray(self.f_known(list(self.D.T), list(z[:k])), dtype=float), self.y.shape)
        return self.y - kn - self.cols @ z[k:]

    def solve(self):
        from scipy.optimize import least_squares

        z0 = np.concatenate([self.p0, self.c0])
        if z0.size == 0:
            r = self.residual(z0)
            return z0, r, np.zeros(0)
        sol = least_squares(self.residual, z0, method="lm" if self.y.size > z0.size else "trf")
        r = self.residual(sol.x)
        dof = max(self.y.size - z0.size, 1)
        se = np.full(z0.size, np.nan)
        try:
            cov = np.linalg.inv(sol.jac.T @ sol.jac) * float(r @ r) / dof
            se = np.sqrt(np.clip(np.diag(cov), 0, None))
        except np.linalg.LinAlgError:
            pass
        return sol.x, r, se

    def smallest_share(self, z) -> float:
        """RMS of the smallest hidden term over the RMS of the whole hidden term (1 when there is none)."""
        c = z[len(self.params):]
        if c.size == 0:
            return 1.0
        parts = self.cols * c
        total = float(np.sqrt(np.mean(parts.sum(axis=1) ** 2))) or 1.0
        return float(np.sqrt(np.mean(parts**2, axis=0)).min()) / total

    def hidden_expr(self, z) -> sp.Expr:
        k = len(self.params)
        return sp.Add(*[sp.Float(float(c), 15) * phi for c, (_, phi) in zip(z[k:], self.shapes)])


def distill(model, field, tolerance: float = 0.25, min_share: float = 0.05) -> None:
    """Fill the model's ``hidden_``, ``equations_``, ``parameters_``, ``standard_errors_``, ``candidates_``.

    Per field, structures with a term that carries less than ``min_share`` of the hidden term's RMS
    are set aside (the network's N is smooth but not exactly polynomial, and small terms fit that
    shape rather than the physics: the same role as SINDy's threshold); of the others, the kept
    structure is the simplest whose refitted residual RMS is within ``(1 + tolerance)`` of the best
    one's (plus 0.2% of u_t's RMS).
    """
    grid_ev = model.evaluate(*_grid(model, field, model.settings_.samples))
    samples = _samples(model, field, grid_ev)
    structures = _structures(model, samples)
    t, x = np.asarray(field.t, float), np.asarray(field.coords[0], float)
    T, X = np.meshgrid(t, x, indexing="ij")
    finite = np.isfinite(field.values).all(axis=-1)
    data_ev = model.evaluate(T[finite], X[finite])
    known = model.known_
    ids = [t_.name for t_ in model.hidden_terms_[: len(known.names)]]
    model.hidden_, model.equations_, model.parameters_, model.standard_errors_ = {}, {}, {}, {}
    model.candidates_ = []
    for i, name in enumerate(known.names):
        rows = []
        for s in structures + [{"equations": {ids[i]: sp.Integer(0)}, "method": "none", "confidence": {}}]:
            fit = _Refit(model, name, i, s["equations"][ids[i]], data_ev)
            z, r, se = fit.solve()
            hidden = fit.hidden_expr(z)
            scale = float(np.sqrt(np.mean(fit.y**2))) or 1.0
            rows.append({"field": name, "method": s["method"], "hidden": hidden, "fit": fit, "z": z, "se": se,
                         "n_terms": len(fit.shapes), "residual": float(np.sqrt(np.mean(r**2))) / scale,
                         "share": fit.smallest_share(z), "confidence": s["confidence"].get(ids[i], {})})
        rows = [r_ for r_ in rows if r_["share"] >= min_share] or rows
        best = min(r_["residual"] for r_ in rows)
        ok = [r_ for r_ in rows if r_["residual"] <= best * (1 + tolerance) + 2e-3]
        pick = min(ok, key=lambda r_: (r_["n_terms"], r_["residual"]))
        fit, z, se = pick["fit"], pick["z"], pick["se"]
        k = len(fit.params)
        values = dict(zip(fit.params, z[:k]))
        model.parameters_.update({p: float(v) for p, v in values.items()})
        model.standard_errors_.update({p: float(e) for p, e in zip(fit.params, se[:k])})
        for (_, phi), e in zip(fit.shapes, se[k:]):
            model.standard_errors_[f"{name}: {to_text(phi, {})}"] = float(e)
        model.hidden_[name] = pick["hidden"]
        known_part = fit.known.xreplace({sp.Symbol(p): sp.Float(float(v), 15) for p, v in values.items()})
        model.equations_[name] = sp.expand(known_part + pick["hidden"])
        for r_ in sorted(rows, key=lambda r_: (r_["n_terms"], r_["residual"])):
            model.candidates_.append({"field": name, "method": r_["method"], "hidden": r_["hidden"],
                                      "n_terms": r_["n_terms"], "residual": r_["residual"], "share": r_["share"],
                                      "selected": r_ is pick, "confidence": r_["confidence"]})
