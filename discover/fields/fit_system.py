"""From several fields, or a field in two dimensions, to a selected system of PDEs.

Each field gets its own sparse equation over one library (:func:`discover.fields.basis.library`:
every field, their products, and derivative operators of them, the Laplacian among them in 2-D),
fitted in the weak form (:mod:`discover.fields.weak_nd`; one matrix of test-function integrals,
one target per field). Per field, the supports of the sparse search (threshold sweep, best subsets
as far as they stay cheap, and backward elimination) are ranked on the weak-form rows of the
held-out times; the fewest-term support within ``tolerance`` of the best there and its two
closest rivals make the field's short list. Every combination of the short lists is a system
candidate, simulated on the held-out windows (:mod:`discover.fields.solve_system`), and the pick
is that of the one-field route (:func:`discover.fields.select.pick`). Bootstrap refits of the
pick give each coefficient a standard error and each library term an inclusion probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import numpy as np

from discover.core.errors import DataError
from discover.core.progress import NullProgress
from discover.fields import select, sparse
from discover.fields.basis import Basis, Column, library
from discover.fields.denoise_nd import denoise_rows, noise_levels
from discover.fields.solve import BlowUp
from discover.fields.weak_nd import weak_rows, widths


@dataclass
class SystemCandidate:
    """One system u_i,t = sum of monomials (one equation per field), where it came from and how it scored.

    Attributes
    ----------
    form : str
    equations : tuple of dict
        ``{monomial: coefficient}`` per field, on the result's :class:`~discover.fields.basis.Basis`.
    complexity : int
        Number of terms over all equations.
    residual : float
        Largest relative weak-form residual of its equations on the training rows.
    scores, std, inclusion
        Held-out scores; per field, bootstrap standard errors per monomial and inclusion
        probability per library term (selected candidate only).
    """

    form: str
    equations: tuple
    complexity: int
    residual: float
    scores: dict = field(default_factory=dict)
    std: tuple = ()
    inclusion: tuple = ()


def _expand(basis: Basis, columns: list[Column], coef: np.ndarray, support) -> dict:
    out: dict = {}
    for j in support:
        for m, v in columns[j].expand(basis).items():
            out[m] = out.get(m, 0.0) + float(coef[j]) * v
    scale = max((abs(v) for v in out.values()), default=0.0)
    return {m: v for m, v in out.items() if abs(v) > 1e-12 * max(scale, 1e-300)}


def _shortlist(A, b, Av, bv, k_max: int, tolerance: float, keep: int = 3) -> list[sparse.Fit]:
    fits = sparse.sparse_path(A, b, k_max) + sparse.backward_path(A, b)
    fits = sparse.pareto(fits, limit=12)
    if bv.size == 0:  # no held-out rows to rank on: the training residual
        Av, bv = A, b
    nv = float(np.linalg.norm(bv)) or 1.0
    val = [float(np.linalg.norm(Av @ f.coef - bv) / nv) for f in fits]
    best = min(val)
    near = [i for i, v in enumerate(val) if v <= best * (1 + tolerance) + 1e-12]
    pick = min(near, key=lambda i: (len(fits[i].support), val[i]))
    # on clean data more terms keep lowering the held-out residual by fitting the quadrature error:
    # the fewest-term support within a factor of ten of the best is kept for the simulations to judge
    knee = min((i for i, v in enumerate(val) if v <= 10 * best + 1e-12), key=lambda i: len(fits[i].support))
    order = list(dict.fromkeys([pick, knee, *sorted(range(len(fits)), key=lambda i: val[i])]))
    return [fits[i] for i in order[:keep]]


def _check(fields) -> None:
    for f in fields:
        small = [f"{g.size} {n}" for g, n in zip(f.coords, f.space_names) if g.size < 16]
        if f.t.size < 20 or small:
            raise DataError(f"Run '{f.run}' has {f.t.size} times and {' x '.join(str(g.size) for g in f.coords)} "
                            "positions; PDE discovery needs at least 20 times and 16 positions along each axis.")


def _score(basis, eqs, fields, valids, starts) -> dict:
    from discover.fields.solve_system import simulate_system, simulate_system_bounded

    sq, var, n = 0.0, 0.0, 0
    for f, valid, st in zip(fields, valids, starts):
        spread = np.var(f.values.reshape(-1, f.values.shape[-1]), axis=0)
        for (i0, i1), u0 in zip(select.windows(valid, f.t.size), st):
            t = f.t[i0: i1 + 1]
            try:
                with np.errstate(all="ignore"):
                    if all(f.periodic):
                        sim = simulate_system(basis, list(eqs), f.coords, u0, t, rtol=1e-3, max_steps=6_000)
                    else:
                        sim = simulate_system_bounded(basis, list(eqs), f.coords, u0, t, edges=f.values[i0: i1 + 1])
            except BlowUp as exc:
                return {"error": float("inf"), "r2": float("-inf"), "failed": f"blew up ({exc})"}
            except (FloatingPointError, ValueError, OverflowError, np.linalg.LinAlgError) as exc:
                return {"error": float("inf"), "r2": float("-inf"), "failed": f"integration failed ({exc})"}
            diff = sim[1:] - f.values[i0 + 1: i1 + 1]
            sq += float(np.sum(np.sum(diff**2, axis=tuple(range(diff.ndim - 1))) / np.maximum(spread, 1e-300)))
            var += diff.size
            n += diff.size
    if n == 0:
        return {"error": float("inf"), "r2": float("-inf"), "failed": "no held-out window"}
    err = float(np.sqrt(sq / var))
    return {"error": err, "r2": 1.0 - err**2, "failed": None}


class SystemRegressions:
    """The weak-form regression of several fields, or of a field on a plane, and its selection.

    The stage of a field plan calls :meth:`regress` (the weak form: one short list per field, every
    combination a system candidate); :meth:`conclude` judges them on held-out windows, picks one,
    bootstraps it and rates it. :func:`discover_system` is these calls in a row.

    Parameters
    ----------
    fields : list of Field
    cfg : PdeConfig
        ``max_power``, ``max_order`` (at most 2 in two dimensions), ``holdout``, ``tolerance``,
        ``bootstrap``.
    seed : int
    """

    def __init__(self, fields, cfg, seed: int = 0):
        _check(fields)
        self.fields, self.cfg, self.seed = list(fields), cfg, seed
        f0 = self.fields[0]
        self.order = min(cfg.max_order, 2 if f0.n_space == 2 else 4)
        self.basis = Basis(tuple(f0.names), tuple(f0.space_names), self.order)
        self.columns = library(self.basis, cfg.max_power, self.order, derivative_power=min(cfg.max_power, 2))
        splits = [select.split_rows(f.t.size, cfg.holdout) for f in self.fields]
        self.train, self.valid = [s[0] for s in splits], [s[1] for s in splits]
        self.lists: list = []
        self.weak: dict = {}

    @staticmethod
    def forms(requested) -> tuple[str, ...]:
        """The weak form alone fits systems of fields and fields in two dimensions, whatever was asked."""
        return ("weak",)

    def regress(self, form: str = "weak", progress=None) -> list[SystemCandidate]:
        """The weak form's system candidates: every combination of the fields' short lists."""
        fields, cfg, basis, columns, train, valid = (self.fields, self.cfg, self.basis, self.columns, self.train,
                                                     self.valid)
        progress = progress or NullProgress()
        with progress.task("fields: weak-form integrals", total=2) as task:
            m_t, m_x = widths(fields, train)
            A, B = weak_rows(fields, train, basis, columns, m_t, m_x)
            task.advance()
            # the held-out times are fewer: their test functions are as narrow in time as they need to be
            n_valid = min(f.t.size - v.start for f, v in zip(fields, valid))
            Av, Bv = weak_rows(fields, valid, basis, columns, min(m_t, (n_valid - 1) // 2), m_x)
            task.advance()
        if B.shape[0] < 2 * len(columns):
            raise DataError("The data are too short for PDE discovery (too few times or positions for the test "
                            f"functions of half-width {m_t} times and {', '.join(map(str, m_x))} positions); give "
                            "more samples per run.")
        k_max = min(cfg.max_terms, sparse.subset_limit(len(columns)))
        lists = []
        with progress.task("fields: sparse regression", total=len(basis.names)) as task:
            for i in range(len(basis.names)):
                lists.append(_shortlist(A, B[:, i], Av, Bv[:, i], k_max, cfg.tolerance))
                task.advance()
        self.lists, self.A, self.B = lists, A, B
        self.weak = {"m_t": m_t, "m_x": list(m_x), "rows": int(B.shape[0]), "columns": len(columns),
                     "max_subset": k_max}
        cands = []
        for combo in product(*lists):
            eqs = tuple(_expand(basis, columns, fi.coef, fi.support) for fi in combo)
            cands.append(SystemCandidate("weak", eqs, sum(len(e) for e in eqs), max(fi.residual for fi in combo)))
        return cands

    def conclude(self, cands: list, progress=None):
        """Judge ``cands`` on the held-out windows, pick, bootstrap the pick and rate it."""
        from discover.fields.result import FieldResult

        fields, cfg, basis, columns, valid, lists = (self.fields, self.cfg, self.basis, self.columns, self.valid,
                                                     self.lists)
        progress = progress or NullProgress()
        rng = np.random.default_rng(self.seed)
        cands = list(cands)
        starts = [denoise_rows(f, [a for a, _ in select.windows(v, f.t.size)]) for f, v in zip(fields, valid)]
        with progress.task("fields: simulating candidates", total=len(cands)) as task:
            for c in cands:
                c.scores = _score(basis, c.equations, fields, valid, starts)
                task.advance()
        chosen = select.pick([{"error": c.scores["error"], "complexity": c.complexity, "rank": 0} for c in cands],
                             cfg.tolerance)
        best = cands[chosen] if chosen is not None else None
        cands = [cands[i] for i in sorted(range(len(cands)), key=lambda i: (i != chosen, cands[i].scores["error"]))]
        reasons: list[str] = []
        if best is not None:
            fits = [lists[i][[_expand(basis, columns, fi.coef, fi.support) for fi in lists[i]].index(best.equations[i])]
                    for i in range(len(basis.names))]
            std, inc = [], []
            for i, fi in enumerate(fits):
                inclusion, samples = sparse.bootstrap(self.A, self.B[:, i], fi.support, cfg.bootstrap, rng)
                maps = [_expand(basis, columns, s, fi.support) for s in samples]
                std.append({m: float(np.std([mp.get(m, 0.0) for mp in maps])) for m in best.equations[i]})
                inc.append({columns[j].name: float(inclusion[j]) for j in range(len(columns))
                            if inclusion[j] > 0 or j in fi.support})
            best.std, best.inclusion = tuple(std), tuple(inc)
        confidence = _confidence(best, reasons)
        # the figures: every row on a line (space-time images), four snapshots in two dimensions
        snaps = [np.arange(f.t.size) if f.n_space == 1 else np.linspace(0, f.t.size - 1, 4).round().astype(int)
                 for f in fields]
        model_runs = [_free_run(basis, best, f, s) if best else None for f, s in zip(fields, snaps)]
        info = {"weak": self.weak, "bootstrap": cfg.bootstrap, "noise": [noise_levels(f) for f in fields],
                "snapshots": [s.tolist() for s in snaps]}
        return FieldResult(fields, cands, best, confidence, reasons, [], model_runs,
                           [(v.start, f.t.size - v.start) for v, f in zip(valid, fields)], info, basis)


def discover_system(fields, cfg, seed: int = 0, progress=None):
    """Discover one PDE per field (several fields, or one field in two dimensions).

    :class:`SystemRegressions` (same parameters) regressed in the weak form and concluded.

    Returns
    -------
    FieldResult
        With ``basis`` set and :class:`SystemCandidate` candidates.
    """
    work = SystemRegressions(fields, cfg, seed)
    return work.conclude(work.regress("weak", progress), progress)


def _free_run(basis, best, f, rows):
    from discover.fields.solve_system import simulate_system, simulate_system_bounded

    u0 = denoise_rows(f, [0])[0]
    try:
        with np.errstate(all="ignore"):
            if all(f.periodic):
                return simulate_system(basis, list(best.equations), f.coords, u0, f.t[rows], rtol=1e-3)
            return simulate_system_bounded(basis, list(best.equations), f.coords, u0, f.t[rows], edges=f.values[rows])
    except (BlowUp, FloatingPointError, ValueError, OverflowError, np.linalg.LinAlgError):
        return None


def _confidence(best, reasons: list[str]) -> str:
    if best is None:
        reasons.append("every candidate blew up or failed on the held-out windows")
        return "low"
    r2 = best.scores["r2"]
    stable = all(all(v >= 0.9 for v in inc.values() if v > 0.5) for inc in best.inclusion) and \
        all(sum(v >= 0.5 for v in inc.values()) <= len(eq) + 1 for inc, eq in zip(best.inclusion, best.equations))
    reasons.append(f"held-out R² {r2:.4f}")
    reasons.append("the weak form alone fits systems of fields and fields in two dimensions")
    reasons.append("terms stable under bootstrap" if stable else "some terms come and go under bootstrap")
    if r2 > 0.98 and stable:
        return "high"
    if r2 > 0.9:
        return "medium"
    return "low"


def simulate_pick(result, run: int = 0) -> np.ndarray | None:
    """The pick of ``result`` (a :class:`~discover.fields.result.FieldResult`) integrated over run ``run``'s
    stored times and grid from its first (denoised) row, with the solver that judged it: of shape
    (n_t, n_x[, n_y], n_fields), or None when no model was selected or it blows up."""
    if result.best is None:
        return None
    f = result.fields[run]
    if result.basis is not None:
        return _free_run(result.basis, result.best, f, np.arange(f.t.size))
    sim = select.free_run(result.best.terms, f, select.denoise(f))
    return None if sim is None else sim[..., None]


__all__ = ["SystemCandidate", "SystemRegressions", "discover_system", "simulate_pick"]
