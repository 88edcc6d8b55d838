"""From u(t, x) to a selected PDE: weak and strong sparse regression, held-out simulation, bootstrap.

:func:`discover_pde` is the whole route for fields: both regression problems (weak form, the
robust one at noise, and PDE-FIND's strong form), every support on their Pareto fronts as a
candidate, each candidate simulated on held-out time windows (:mod:`discover.fields.select`),
the fewest-term candidate within tolerance of the best picked, and bootstrap refits for its
coefficients' standard errors and its terms' inclusion probabilities.
"""

from __future__ import annotations

import numpy as np

from discover.core.errors import DataError
from discover.core.progress import NullProgress
from discover.fields import select, sparse
from discover.fields.field import Field
from discover.fields.quadrature import TOLERANCE
from discover.fields.result import FieldResult, PdeCandidate, PdeConfig
from discover.fields.strong import strong_library, strong_system
from discover.fields.terms import combine, term_text
from discover.fields.weak import weak_library, weak_system


def _check(fields: list[Field]) -> None:
    f0 = fields[0]
    if f0.n_space != 1:
        raise DataError(f"PDE discovery handles one spatial dimension for now; the data have {f0.n_space} "
                        f"({', '.join(f0.space_names)}); give u(t, x) on a line.")
    if len(f0.names) != 1:
        raise DataError(f"PDE discovery handles one field at a time; the data have {len(f0.names)} "
                        f"({', '.join(f0.names)}); name one with `--states`.")
    for f in fields:
        if f.t.size < 20 or f.coords[0].size < 16:
            raise DataError(f"Run '{f.run}' has {f.t.size} times and {f.coords[0].size} positions; PDE discovery "
                            "needs at least 20 times and 16 positions per run.")


def _candidates(kind: str, fits, lib) -> list[PdeCandidate]:
    out = []
    for fi in fits:
        if kind == "weak":
            terms = combine([(fi.coef[j], lib[j].expand()) for j in fi.support])
        else:
            terms = {lib[j]: float(fi.coef[j]) for j in fi.support}
        if terms:
            out.append(PdeCandidate(kind, terms, len(terms), fi.residual))
    return out


class LineRegressions:
    """The regressions of one field on a line, one form at a time, and the selection that concludes them.

    The stages of a field plan (:mod:`discover.pipeline.field_plan`) call :meth:`regress` once per
    regression form; :meth:`conclude` then judges every candidate (the regressions' and those a
    method's hook brought, in the order given) on held-out windows, picks one, bootstraps its
    coefficients and rates it. :func:`discover_pde` is these calls in a row.

    Parameters
    ----------
    fields : list of Field
        1-D in space, one field each.
    config : PdeConfig
    seed : int
    """

    def __init__(self, fields: list[Field], config: PdeConfig, seed: int = 0):
        _check(fields)
        self.fields, self.cfg, self.seed = list(fields), config, seed
        splits = [select.split_rows(f.t.size, config.holdout) for f in self.fields]
        self.train = [s[0] for s in splits]
        self.valid = [s[1] for s in splits]
        self.systems: dict = {}
        self.info: dict = {}

    @staticmethod
    def forms(requested) -> tuple[str, ...]:
        """The regression forms run for the forms ``requested``: all of them on a line."""
        return tuple(requested)

    def regress(self, form: str, progress=None) -> list[PdeCandidate]:
        """The candidates of one regression form (``"weak"`` or ``"strong"``): its Pareto front."""
        cfg, fields = self.cfg, self.fields
        with (progress or NullProgress()).task(f"fields: {form}-form regression", total=1):
            if form == "weak":
                lib = weak_library(cfg.max_power, cfg.max_order)
                A, b, used = weak_system(fields, self.train, lib)
            else:
                lib = strong_library(cfg.max_power, cfg.max_order)
                A, b, used = strong_system(fields, self.train, lib, seed=self.seed)
        self.info[form] = used
        if b.size < 2 * len(lib):
            return []
        fits = sparse.pareto(sparse.sparse_path(A, b, cfg.max_terms), cfg.max_candidates)
        self.systems[form] = (A, b, lib, fits)
        return _candidates(form, fits, lib)

    def conclude(self, cands: list[PdeCandidate], progress=None) -> FieldResult:
        """Judge ``cands`` on the held-out windows, pick, bootstrap the pick and rate it."""
        cfg, fields, train, valid = self.cfg, self.fields, self.train, self.valid
        systems, info = self.systems, self.info
        progress = progress or NullProgress()
        rng = np.random.default_rng(self.seed)
        cands = list(cands)
        if not cands:
            raise DataError("The data are too short for PDE discovery (too few times or positions for the test "
                            "functions); give more samples per run.")
        smooths = [select.denoise(f) for f in fields]
        with progress.task("fields: simulating candidates", total=len(cands)) as task:
            for c in cands:
                c.scores = select.score(c.terms, fields, smooths, valid)
                task.advance()
        rows = [{"error": c.scores["error"], "complexity": c.complexity, "rank": int(c.form != "weak")} for c in cands]
        chosen = select.pick(rows, cfg.tolerance)
        best = cands[chosen] if chosen is not None else None
        if best is not None and best.form == "strong":
            # Both forms found these terms: the structure is settled, and the weak form's coefficients
            # are the more accurate (no derivative of noisy data); the held-out difference is the noise.
            twin = [i for i, c in enumerate(cands) if c.form == "weak" and set(c.terms) == set(best.terms)
                    and np.isfinite(c.scores["error"])]
            if twin:
                chosen = twin[0]
                best = cands[chosen]
        order = sorted(range(len(cands)), key=lambda i: (i != chosen, cands[i].scores["error"], cands[i].complexity))
        cands = [cands[i] for i in order]
        reasons: list[str] = []
        if best is not None and best.form in systems:
            # A PINN candidate brings the standard errors of its own refit instead.
            _bootstrap(best, systems[best.form], cfg.bootstrap, rng)
        wider = _holds_wider(fields, train, best, systems, info, cfg.max_terms)
        confidence = _confidence(best, cands, reasons, wider)
        with progress.task("fields: simulating the selected model", total=1):
            model_runs = [select.free_run(best.terms, f, s) if best else None for f, s in zip(fields, smooths)]
        from discover.fields.spectral import noise_cutoff

        info["bootstrap"] = cfg.bootstrap
        info["noise"] = [noise_cutoff(f.values[..., 0])[1] for f in fields]
        return FieldResult(fields, cands, best, confidence, reasons, smooths, model_runs,
                           [(v.start, f.t.size - v.start) for v, f in zip(valid, fields)], info)


def on_a_line(fields) -> bool:
    """Whether ``fields`` are one field on a line (the one-field route, the PINN's too); else a system or a plane."""
    return fields[0].n_space == 1 and len(fields[0].names) == 1


def regressions(fields, config: PdeConfig, seed: int = 0):
    """The regressions for ``fields``: :class:`LineRegressions` for one field on a line, else
    :class:`~discover.fields.fit_system.SystemRegressions` (the weak form alone)."""
    if on_a_line(fields):
        return LineRegressions(fields, config, seed)
    from discover.fields.fit_system import SystemRegressions

    return SystemRegressions(fields, config, seed)


def discover_pde(fields: list[Field], config: PdeConfig | None = None, seed: int = 0, progress=None,
                 extra: list[PdeCandidate] | None = None) -> FieldResult:
    """Discover u_t = N(u, u_x, u_xx, ...) from one or more runs on the same grid.

    The field plan's stages in a row (:mod:`discover.pipeline.field_plan`): each regression form,
    then the selection of :meth:`LineRegressions.conclude` (or of
    :class:`~discover.fields.fit_system.SystemRegressions` for several fields or a plane).

    Parameters
    ----------
    fields : list of Field
    config : PdeConfig, optional
    seed : int
    progress : optional
        A :class:`discover.core.progress` reporter (the CLI's draws rich bars).
    extra : list of PdeCandidate, optional
        Candidates found elsewhere (the hidden-term PINN), judged with the regressions' own.

    Returns
    -------
    FieldResult
    """
    cfg = config or PdeConfig()
    progress = progress or NullProgress()
    fields = list(fields)
    if not on_a_line(fields) and extra:
        raise DataError(HOOK_NEEDS_A_LINE.format(n=len(fields[0].names), d=fields[0].n_space))
    work = regressions(fields, cfg, seed)
    forms = work.forms(cfg.forms)
    cands: list = []
    for form in forms:
        cands += work.regress(form, progress)
    return work.conclude(cands + list(extra or []), progress)


#: Why a method's candidate hook (the hidden-term PINN) is refused for a system of fields or a plane.
HOOK_NEEDS_A_LINE = ("The hidden-term PINN handles one field on a line; drop `--methods pinn` for "
                     "{n} field(s) in {d} space dimension(s).")


def _bootstrap(best: PdeCandidate, system, n_boot: int, rng) -> None:
    A, b, lib, fits = system
    fit = next(fi for fi in fits if _candidates(best.form, [fi], lib)[0].terms == best.terms)
    inclusion, samples = sparse.bootstrap(A, b, fit.support, n_boot, rng)
    if best.form == "weak":
        maps = [combine([(s[j], lib[j].expand()) for j in fit.support], tol=-1) for s in samples]
        names = {j: _weak_name(lib[j].power, lib[j].order) for j in range(len(lib))}
    else:
        maps = [{lib[j]: float(s[j]) for j in fit.support} for s in samples]
        names = {j: term_text(lib[j]) for j in range(len(lib))}
    best.std = {m: float(np.std([mp.get(m, 0.0) for mp in maps])) for m in best.terms}
    best.inclusion = {names[j]: float(inclusion[j]) for j in range(len(lib)) if inclusion[j] > 0 or j in fit.support}


def _holds_wider(fields, train, best: PdeCandidate | None, systems: dict, info: dict, k_max: int) -> bool | None:
    """Whether the weak form with test functions twice as wide finds the same terms, each of them needed.

    A second discretisation of the same data: a structure that is the quadrature's artefact moves
    with the test functions' width (or, with the error it absorbed gone, a term of it is no longer
    needed); one the data hold does not. True when the pick's terms are the best subset of their
    size at twice the width and leaving any one out raises the relative residual there by more than
    the quadrature tolerance (:data:`discover.fields.quadrature.TOLERANCE`). None when the pick is
    not the weak form's, or the grid leaves no room to widen.
    """
    if best is None or best.form != "weak" or "weak" not in systems or not info.get("weak"):
        return None
    A, b, lib, fits = systems["weak"]
    fit = next((fi for fi in fits if _candidates("weak", [fi], lib)[0].terms == best.terms), None)
    if fit is None:
        return None
    used = info["weak"]
    # Twice as wide on centres as far apart as before (half the stride), so as many rows.
    A2, b2, wide = weak_system(fields, train, lib, m_x=2 * used["m_x"], m_t=2 * used["m_t"], stride=0.25)
    if wide == used or b2.size < 2 * len(lib):
        return None
    k = len(fit.support)
    same = [fi for fi in sparse.sparse_path(A2, b2, min(k, k_max)) if len(fi.support) == k]
    if not same or min(same, key=lambda fi: fi.residual).support != fit.support:
        return False
    # Every term is needed there: leaving one out costs more than the quadrature's own error.
    nb = float(np.linalg.norm(b2)) or 1.0
    full = float(np.linalg.norm(A2 @ sparse.lstsq_on(A2, b2, fit.support) - b2)) / nb
    for j in fit.support:
        rest = [i for i in fit.support if i != j]
        if float(np.linalg.norm(A2 @ sparse.lstsq_on(A2, b2, rest) - b2)) / nb - full <= TOLERANCE:
            return False
    return True


def _weak_name(power: int, order: int) -> str:
    """``u``, ``u^2``, ``u_xx``, ``(u^2)_x``: how a weak-form library term is written."""
    base = "1" if power == 0 else ("u" if power == 1 else f"u^{power}")
    if order == 0:
        return base
    return f"u_{'x' * order}" if power == 1 else f"({base})_{'x' * order}"


def _confidence(best: PdeCandidate | None, cands: list[PdeCandidate], reasons: list[str],
                wider: bool | None = None) -> str:
    """high: held-out R² > 0.98, terms stable under bootstrap, and a second estimate finds the same terms
    (the other form, or the weak form with test functions twice as wide); medium: R² > 0.9 and one of
    the two; low otherwise."""
    if best is None:
        reasons.append("every candidate blew up or failed on the held-out windows")
        return "low"
    r2 = best.scores["r2"]
    forms = any(c is not best and c.form != best.form and set(c.terms) == set(best.terms) for c in cands)
    agree = forms or bool(wider)
    stable = all(v >= 0.9 for v in best.inclusion.values() if v > 0.5) and \
        sum(v >= 0.5 for v in best.inclusion.values()) <= best.complexity + 1
    reasons.append(f"held-out R² {r2:.4f}")
    reasons.append("weak and strong forms agree on the terms" if forms else "only one form found these terms")
    if wider is not None:
        reasons.append("the weak form with test functions twice as wide finds the same terms" if wider
                       else "the weak form with test functions twice as wide finds other terms")
    reasons.append("terms stable under bootstrap" if stable else "some terms come and go under bootstrap")
    if r2 > 0.98 and stable and agree:
        return "high"
    if r2 > 0.9 and (stable or agree):
        return "medium"
    return "low"


__all__ = ["HOOK_NEEDS_A_LINE", "FieldResult", "LineRegressions", "PdeCandidate", "PdeConfig", "discover_pde",
           "on_a_line", "regressions"]
