"""How far to trust the selected equations: one definition, computed on the selected model itself.

Six pieces of evidence, each of which caps the level (``high`` > ``medium`` > ``low``); the
level is the lowest cap, and the reason behind it is the *deciding* reason the CLI and the top
of the report give:

1. **Prediction beyond the noise.** The held-out short-horizon error less the share of the
   variance the measurement noise explains (high: at most :data:`HIGH_ERROR`; medium: at most
   :data:`MEDIUM_ERROR`), its skill over the null model that holds every state constant
   (a model no better than that has learnt nothing, whatever its R²), and, on segments it tracks
   to the end, its drift from whole segments beyond the noise (high: at most :data:`DRIFT`).
2. **Stability of its own terms.** The share of resampled refits (the bootstrap that reruns
   the search that found the candidate) that keep each of its terms, and for every constant the
   ratio of its value to its standard error from the refit of the structure on the data
   (:mod:`discover.selection.uncertainty`): a term indistinguishable from zero is not a finding.
3. **Identifiability.** The condition number of each equation's design matrix (its selected
   terms evaluated on the training states, columns scaled to unit norm). Data confined to a
   subspace (a conserved quantity, or 20 columns that span two dimensions) make terms
   interchangeable; the near-collinear terms and any conserved combination of the states are named.
4. **Equivalent structures.** Structures of another form that predict the held-out data as well
   as the pick, within the noise, and differ from it where a next experiment could start
   (:mod:`discover.selection.equivalence`): with two or more, the data cannot decide, and the
   level is at most medium.
5. **Agreement across methods.** Another candidate of no greater complexity, with a different
   structure, that predicts held-out data as well means the data cannot choose between them,
   unless other methods found the selected structure independently and none found the rival's.
   A form beyond polynomials (a function such as exp or sin, or a denominator) that one search
   alone proposed cannot be high either: many such forms fit smooth data equally well (an
   exponential for a Hill term, a cosine for a sigmoid), so only a second, independent search
   (or both forms of the regression, with terms of their own) finding the same one corroborates
   it. Agreement counts only between searches that proposed the terms independently
   (:mod:`discover.selection.provenance`): SINDy handed the functions symbolic regression found
   and keeping them is the same proposal, not a second one.
6. **Out-of-sample validation.** Scores judged by blocked cross-validation on the training data
   (nothing could be held out) cannot make the level high.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from discover.core import printing
from discover.core.structure import shape, terms
from discover.selection import provenance
from discover.selection.paired import beats

HIGH_ERROR = 0.05  # held-out error beyond the noise, as a share of the variance
MEDIUM_ERROR = 0.2
MIN_SKILL = 0.5  # 1 - error / error of the constant model
HIGH_STABILITY = 0.9
MEDIUM_STABILITY = 0.6
MIN_T = 2.0  # |value| / standard error below this: the constant is indistinguishable from zero
SIGNIFICANT = 5.0  # |value| / standard error above this: the data fix the term whatever the bootstrap says
HIGH_CONDITION = 1e3
MEDIUM_CONDITION = 1e7
DRIFT = 0.01  # whole-segment R² below short-window R² by more than this beyond the noise: not high
CONSERVED = 0.02  # relative spread of a combination of the states below this: it is conserved
LEVELS = ("low", "medium", "high")
#: One monomial of the next degree, added alone to an equation, that moves the field by more than this
#: share of its scale in the design box beyond its standard errors (:func:`~discover.selection.form.missing_term`): the data ask
#: for a term the pick lacks, so its form is an approximation, and its confidence not high. A hundredth:
#: a tenth of what an experiment within a few percent of noise resolves (:data:`~discover.selection.equivalence.DISAGREE`), and above
#: what a single added term moves by on clean data from an exact structure once the derivative
#: estimate's bias is set aside (:data:`~discover.selection.form.BIAS_GROWTH`; at most 0.03% of the scale on ODEBench's exact
#: recoveries, 1.3% to 18% where a quadratic imitates a harvesting or predation term).
MISSING = 0.01


@dataclass
class Evidence:
    """What the verdict is drawn from, beyond the candidates' own scores.

    Attributes
    ----------
    noise : float
        Share of the variance measurement noise explains (from smoothing residuals).
    null_error : float or None
        Held-out short-horizon error of the constant model (dx/dt = 0); None if not measured.
    fits : dict of str to Fit, optional
        The refit of each equation of the selected candidate (:mod:`~discover.selection.uncertainty`).
    conserved : list of str
        Sentences naming the combinations of the states that stay constant on the training data.
    in_sample : bool
        Nothing could be held out.
    time : str
        The time column's name (for ``dx/dt`` in the reasons).
    equivalent : int
        Structures in the equivalence set (:mod:`discover.selection.equivalence`), the pick included
        (0: not measured).
    missing : tuple, optional
        ``(share, variable, term)``: the largest move of the pick's field in the design box, beyond its
        standard errors, when one monomial of the next degree is added alone
        (:func:`discover.selection.form.missing_term`); None if not measured.
    """

    noise: float = 0.0
    null_error: float | None = None
    fits: dict = field(default_factory=dict)
    conserved: list = field(default_factory=list)
    in_sample: bool = False
    time: str = "t"
    equivalent: int = 0
    missing: tuple | None = None


def _cap(caps: list, level: str, reason: str) -> None:
    caps.append((LEVELS.index(level), reason))


def _missing(evidence: Evidence, caps: list) -> None:
    """Not high when the data ask for a term the pick lacks (:data:`MISSING`)."""
    if not evidence.missing:
        return
    share, var, term = evidence.missing
    if share > MISSING and var is not None:
        _cap(caps, "medium", f"the data ask for a term it lacks: {printing.text(term)} added to "
                             f"{printing.derivative_text(var, evidence.time)} alone moves the field by {share:.1%} of its scale beyond its "
                             "standard error; its form may approximate another")


def _error(c) -> float:
    s = c.scores
    return float("inf") if s.get("failed", True) else max(0.0, 1.0 - s["short_r2"])


def judge(best, ranked, agreement, forms, evidence: Evidence, limit: float) -> tuple[str, list[str], str | None]:
    """The level, the reasons (deciding reason first when the level is not high), and the deciding reason.

    ``limit`` is selection's: candidates whose error beyond the noise is within it were eligible, and
    one of the same complexity as ``best`` but another structure lost only on the error tie-break.
    """
    caps: list = []
    reasons: list = []
    if evidence.equivalent > 1:
        _cap(caps, "medium", f"{evidence.equivalent} structures fit the data equally well; `discover suggest` on "
                             "the run folder names the measurement that separates them")
    elif evidence.equivalent == 1:
        reasons.append("no structure of another form fits the held-out data as well and differs from it in the "
                       "design box")
    _missing(evidence, caps)
    err = _error(best)
    excess = max(err - evidence.noise, 0.0)
    how = "blocked cross-validation R² of its structure" if evidence.in_sample else "held-out short-horizon R²"
    reasons.append(f"{how} is {1 - err:.3f}" + (f"; {excess:.2%} of the variance is left unexplained beyond "
                                                   f"the noise" if excess > 1e-4 else ""))
    if excess > MEDIUM_ERROR:
        _cap(caps, "low", f"it leaves {excess:.0%} of the held-out variance unexplained beyond the noise")
    elif excess > HIGH_ERROR:
        _cap(caps, "medium", f"it leaves {excess:.0%} of the held-out variance unexplained beyond the noise")
    if evidence.null_error is not None and np.isfinite(evidence.null_error) and evidence.null_error > 0:
        skill = 1.0 - err / evidence.null_error
        if skill < MIN_SKILL:
            _cap(caps, "low", f"it predicts held-out data little better than holding every state constant "
                              f"(skill {skill:.2f})")
    _drift(best, evidence, caps)
    _stability(best, evidence, caps, reasons, corroborated=bool(agreement) or len(forms) > 1)
    _identifiability(evidence, caps, reasons)
    if agreement:
        reasons.append(f"{', '.join(agreement)} found the same structure")
    dependent = provenance.agreement(best, [c for c in ranked if np.isfinite(_error(c))])[1]
    if dependent:
        reasons.append(f"{', '.join(dependent)} found the same structure only with the terms "
                       f"{' and '.join(sorted(provenance.origin(best)))} proposed, which does not count as agreement")
    if len(forms) > 1:
        reasons.append(f"the {' and '.join(forms)} forms of the regression agree on the structure")
    key = _structure(best)
    # a rival the pick beats on the same held-out windows (the paired test; with one or two windows, by
    # a tenth of its error in each) is told apart by the data, as in the equivalence set
    ties = [c for c in ranked[1:] if np.isfinite(_error(c)) and c.complexity <= best.complexity
            and _structure(c) != key and _error(c) - evidence.noise <= limit and not beats(best, c, _error)]
    if ties and agreement:
        # another method found the selected structure independently: the tie is broken by agreement,
        # unless a rival's structure was found by more than one method as well
        ties = [c for c in ties if provenance.corroborated_elsewhere(c, ranked)]
    if not agreement and len(forms) <= 1 and not _polynomial(best):
        who = " and ".join(sorted(provenance.origin(best)))
        _cap(caps, "medium", f"only {who} proposed this non-polynomial form and no other search found it on its own; "
                             "other forms may fit these data as well")
    if ties:
        _cap(caps, "medium", f"a different structure of the same size ({ties[0].method}: "
                             f"{_one_line(ties[0], evidence.time)}) predicts held-out data as well")
    if evidence.in_sample:
        _cap(caps, "medium", "the data were too short to hold a part out, so the structure was judged by blocked "
                             "cross-validation and the other scores are in-sample")
    level = min([c[0] for c in caps] + [2])
    deciding = next((r for lv, r in caps if lv == level), None) if level < 2 else None
    others = [r for _, r in caps if r != deciding]
    return LEVELS[level], ([deciding] if deciding else []) + reasons + others, deciding


def _drift(best, evidence: Evidence, caps) -> None:
    """Cap at medium a model that follows short held-out windows but drifts from whole segments.

    Both errors are on the data's scale (``short_r2``, ``long_r2``); only segments the model tracks
    to their end count (``valid_fraction`` 1: a chaotic flow parts from any model, the true one
    too). A truncated series, or a model fitted where the terms that tell it apart vanish (runs on
    a limit cycle), predicts every short window and loses the shape of the run.
    """
    s = best.scores
    if evidence.in_sample or "long_r2" not in s or s.get("valid_fraction", 0.0) < 1.0:
        return
    drift = s.get("short_r2", 1.0) - s["long_r2"] - evidence.noise
    if drift > DRIFT:
        _cap(caps, "medium", f"it follows short held-out windows but drifts from whole held-out segments "
                             f"(R² {s['long_r2']:.3f} over whole segments against {s.get('short_r2', 1.0):.3f})")


def _one_line(c, time: str, most: int = 160) -> str:
    """The candidate's equations on one line, cut at ``most`` characters."""
    text = "; ".join(f"{printing.derivative_text(v, time)} = {printing.text(e)}" for v, e in c.equations.items())
    return text if len(text) <= most else text[: most - 1] + "…"


def _polynomial(c) -> bool:
    """Whether every right-hand side is a polynomial in its variables (what SINDy's default library spans)."""
    return all(e.is_polynomial(*e.free_symbols) for e in c.equations.values())


def _structure(c) -> tuple:
    return shape(c.equations)


def _ratio(evidence: Evidence, v: str, t) -> float:
    """|value| / standard error of the coefficient of ``t`` in the refit of d``v``/dt (0 when unknown)."""
    for row in evidence.fits.get(v).rows if v in evidence.fits else []:
        if not row["inner"] and row["term"] == t and np.isfinite(row["stderr"]):
            return abs(row["value"]) / row["stderr"] if row["stderr"] > 0 else float("inf")
    return 0.0


def _stability(best, evidence: Evidence, caps, reasons, corroborated: bool) -> None:
    """Bootstrap inclusion of its terms, and its constants against their standard errors.

    A term kept in fewer than :data:`HIGH_STABILITY` (but at least :data:`MEDIUM_STABILITY`) of the
    refits does not lower the level when its coefficient is :data:`SIGNIFICANT` standard errors from
    zero and the structure is corroborated (another method, or both forms of the regression, found
    it): the sparsity threshold wavers on it, the data do not.
    """
    probs = [(best.term_confidence[v].get(str(t), 0.0), v, t) for v in best.term_confidence
             for t in terms(best.equations[v], 1e-12)]
    if probs:
        p, v, t = min(probs, key=lambda x: x[0])
        reasons.append(f"the least stable term is kept in {p:.0%} of bootstrap refits")
        what = f"its term {printing.text(t)} in {printing.derivative_text(v, evidence.time)} is kept in only {p:.0%} of bootstrap refits"
        shaky = [(q, w, s) for q, w, s in probs if q < HIGH_STABILITY]
        firm = [(q, w, s) for q, w, s in shaky if q >= MEDIUM_STABILITY and corroborated
                and _ratio(evidence, w, s) >= SIGNIFICANT]
        if p < MEDIUM_STABILITY:
            _cap(caps, "low", what)
        elif len(firm) < len(shaky):
            _cap(caps, "medium", what)
        elif firm:
            reasons.append(f"{printing.text(t)} in {printing.derivative_text(v, evidence.time)} is nonetheless "
                           f"{_ratio(evidence, v, t):.0f} standard errors from zero, and another method or form found the same structure")
    loose = []
    for v, fit in evidence.fits.items():
        for row in fit.rows:
            if not row["inner"] and np.isfinite(row["stderr"]) and row["stderr"] > 0:
                ratio = abs(row["value"]) / row["stderr"]
                if ratio < MIN_T:
                    loose.append((ratio, v, row["term"]))
    if loose:
        ratio, v, t = min(loose, key=lambda x: x[0])
        _cap(caps, "medium", f"the coefficient of {printing.text(t)} in {printing.derivative_text(v, evidence.time)} is within {MIN_T:g} standard "
                             f"errors of zero (value/SE {ratio:.1f})")


def _identifiability(evidence: Evidence, caps, reasons) -> None:
    worst = max(((f.condition, v, f) for v, f in evidence.fits.items() if np.isfinite(f.condition) or
                 f.condition == float("inf")), default=None, key=lambda x: x[0])
    reasons.extend(evidence.conserved)
    if worst is None or worst[0] <= HIGH_CONDITION:
        if worst is not None and worst[0] > 10:
            reasons.append(f"the design matrix of its terms has condition number {worst[0]:.3g}")
        return
    cond, v, fit = worst
    combo = _combination([w for _, w in fit.collinear], [printing.text(t) for t, _ in fit.collinear]) \
        if fit.collinear else "a combination of them"
    conserved = f"; {evidence.conserved[0]}" if evidence.conserved else ""
    what = (f"its terms cannot be told apart on these data: in {printing.derivative_text(v, evidence.time)}, "
            f"{combo} ≈ 0 on the data (condition number {cond:.2g}){conserved}")
    _cap(caps, "low" if cond > MEDIUM_CONDITION else "medium", what)


def conserved_quantities(states: np.ndarray, names) -> list[str]:
    """Combinations ``a·x + b·y + ...`` of the states that stay constant on ``states`` (n_samples, n_states).

    A combination whose spread is below :data:`CONSERVED` of the largest is named (its four largest
    weights); when more than two are, the data are said to span fewer dimensions than there are states.
    """
    if states.shape[0] < 3 or states.shape[1] < 2:
        return []
    scale = states.std(axis=0)
    if np.any(scale == 0):
        return []
    Z = (states - states.mean(axis=0)) / scale
    s, vt = np.linalg.svd(Z, full_matrices=False)[1:]
    flat = [v for sv, v in zip(s, vt) if sv / s[0] < CONSERVED]
    if len(flat) > 2:
        return [f"{len(flat)} combinations of the {states.shape[1]} states stay constant (the data span only "
                f"{states.shape[1] - len(flat)} dimensions)"]
    return [_combination(v / scale, [printing.text_label(n) for n in names]) + " stays constant in the data "
            "(a conserved quantity)" for v in flat]


def _combination(weights, labels, most: int = 4) -> str:
    """``x + y - 0.5·z`` from weights (scaled so the largest is 1), the ``most`` largest terms."""
    w = np.asarray(weights, dtype=float)
    w = w / w[np.argmax(np.abs(w))]
    order = [i for i in np.argsort(-np.abs(w)) if abs(w[i]) >= 1e-3][:most]
    parts = []
    for i in sorted(order):
        mag = abs(w[i])
        factor = "" if f"{mag:.2g}" == "1" else f"{mag:.2g}·"
        parts.append(("- " if w[i] < 0 else "+ ") + factor + str(labels[i]))
    text = " ".join(parts)
    text = text[2:] if text.startswith("+ ") else "-" + text[2:]
    return text + (" + …" if np.count_nonzero(np.abs(w) >= 1e-3) > most else "")

