"""The selection's verdict drawn from all the evidence once a run is over (see :mod:`discover.selection.confidence`)."""

from __future__ import annotations

import numpy as np

from discover.core.firewall import contained
from discover.selection.confidence import Evidence, conserved_quantities
from discover.selection.form import grown
from discover.selection.paired import supported
from discover.selection.select import _confidence, select


def _missing_term(best, prepared, samples, keep, names, box, window):
    from discover.data.derivatives import slopes
    from discover.selection.form import missing_term

    wide = slopes(prepared.train, 2 * prepared.half_widths)[keep]
    return missing_term(best, samples.states[keep], samples.derivatives[keep], names, box,
                        max(1.0, window * len(keep) / len(samples.states)), wide)


def _grown_rival(best, ranked, var: str, term):
    """The pick with the terms the data ask for: among the candidates holding every term of ``best`` and
    more that predict the held-out data better than it, the one whose only extra term is ``term`` in
    ``var`` when there is one (an extra constant beside it would make a start at a fixed point of the pick
    look informative), else the most accurate; None if no candidate is such."""
    from discover.core.structure import shape
    from discover.selection.equivalence import _elaborates, _error

    nested = [c for c in ranked if c is not best and _elaborates(c, best) and _error(c) < _error(best)]
    grown = set(shape(best.equations)) | set(shape({var: term}))
    exact = [c for c in nested if set(shape(c.equations)) == grown]
    return min(exact or nested, key=_error, default=None)


def _grown_candidate(best, var, term, samples, keep, validation, names):
    """The pick with the term the data ask for, refitted (:func:`~discover.selection.form.grown`) and
    scored on the held-out windows as every candidate is; None when it fails the firewall's gate."""
    equations = grown(best, var, term, samples.states[keep], samples.derivatives[keep], names)
    if equations is None:
        return None
    return _scored_candidate(equations, best, names, validation, samples, keep, refit_window=None,
                             grown_by={"variable": var, "term": str(term)})


def _by_likelihood(selection, prepared, judge):
    """``selection`` with the pick the whole measured trajectories favour among the structures the held-out
    windows cannot reject (:func:`~discover.selection.trajectory.likelihood_pick`), and its record."""
    from dataclasses import replace

    from discover.selection.select import _error, selection_of
    from discover.selection.trajectory import likelihood_pick

    best = selection.best
    out, failed = contained(lambda: likelihood_pick(best, selection.ranked, prepared, _error, judge),
                            "the likelihood of the whole trajectories")
    if failed or out[1] is None:
        return selection
    pick, record = out
    if pick is not best:
        from discover.selection.confidence import _one_line

        record["held_out_pick"] = _one_line(best, prepared.data.time_name)
        selection = selection_of(pick, selection.ranked, prepared.in_sample, prepared.noise)
    return replace(selection, likelihood=record)


def _scored_candidate(equations, like, names, validation, samples, keep, refit_window, **settings):
    """``equations`` as a candidate of ``like``'s method, gated by the firewall, scored on the held-out windows and,
    unless ``refit_window`` is None, refitted for standard errors as every candidate is; None when it fails the
    gate or the windows."""
    from discover.core.candidates import Candidate
    from discover.core.firewall import gate
    from discover.selection.scoring import score
    from discover.selection.uncertainty import refit_candidate, to_record

    c = Candidate(equations, like.method, settings={**like.settings, **settings})
    kept, _ = gate([c], samples.states[keep], list(names))
    if not kept:
        return None
    c.scores = score(c, validation, list(names))
    c.window_errors = c.scores.pop("window_errors", None)
    if c.scores.get("failed"):
        return None
    if refit_window is None:
        return c
    f, failed = contained(lambda: refit_candidate(c, samples, refit_window), "the standard errors' refit")
    if not failed:
        c.uncertainty = to_record(f)
    return c


def _by_backward(selection, prepared, judge, validation, samples, window):
    """``selection`` with the pick less the terms the whole measured runs do not pay for
    (:func:`~discover.selection.backward.backward`), as a candidate of its own, when the held-out windows do not
    tell it from the pick; the smaller structures the runs cannot tell from the pick join the candidates (the
    equivalence set weighs them). The record joins ``likelihood``."""
    from dataclasses import replace

    from discover.selection.backward import backward
    from discover.selection.paired import beats
    from discover.selection.select import _error, selection_of
    from discover.selection.trajectory import BIC_MARGIN

    best = selection.best
    keep = np.unique(np.linspace(0, len(samples.states) - 1, min(len(samples.states), 2000)).astype(int))
    record, failed = contained(lambda: backward(best, judge, samples.states[keep]), "the backward elimination of terms")
    if failed or record is None or not (record["dropped"] or record["close"]):
        return selection
    args = (list(prepared.names), validation, samples, keep, window)
    pick = best
    if record["equations"] is not None:
        c = _scored_candidate(record["equations"], best, *args, pruned_from=best.method)
        if c is not None and not beats(best, c, _error):
            judge.keep(c, judge.bic(best) - record["gain"])
            pick = c
    if pick is best:
        record["dropped"], record["gain"] = [], 0.0
    extra = []
    for near in record["close"]:
        c = _scored_candidate(near.pop("equations"), best, *args, pruned_from=best.method)
        if c is not None:
            judge.keep(c, near["bic"])
            extra.append(c)
        near.pop("bic")
    record.pop("equations")  # the close structures are candidates now: the equivalence set weighs them
    ranked = ([pick] if pick is not best else []) + list(selection.ranked) + extra
    if pick is best:
        selection = replace(selection, ranked=[best] + sorted(ranked[1:], key=lambda c: (_error(c), c.complexity)))
    else:
        from discover.selection.confidence import _one_line

        record["held_out_pick"] = (selection.likelihood or {}).get("held_out_pick") or _one_line(best, prepared.data.time_name)
        selection = replace(selection_of(pick, ranked, prepared.in_sample, prepared.noise),
                            likelihood=selection.likelihood)
    lik = dict(selection.likelihood or {"margin": BIC_MARGIN, "judged": 1, "segments": len(judge.segs), "gain": 0.0,
                                        "switched": False})
    lik["backward"] = record
    return replace(selection, likelihood=lik)


def assess(selection, prepared, validation, design_box: dict | None = None):
    """``selection`` with its verdict drawn from all the evidence, and every candidate's ``uncertainty`` filled.

    The equivalence set (:func:`~discover.selection.equivalence.equivalence_set`, in the design box
    ``design_box``, by default twice the observed range) is filled too: the level is high only when
    it holds the pick alone.

    Each candidate's structure is refitted on the training data for standard errors
    (:func:`~discover.selection.uncertainty.refit_candidate`); the selected one's refit also
    gives the identifiability of its terms; the constant model is scored on the same held-out
    windows as the candidates.
    """
    from dataclasses import replace

    import sympy as sp

    from discover.core.candidates import Candidate
    from discover.selection.scoring import score
    from discover.selection.uncertainty import refit_candidate, to_record

    samples = prepared.samples()
    window = float(2 * np.mean(prepared.half_widths) + 1)
    fits = {}
    for c in selection.ranked:
        if c.scores.get("failed"):
            continue
        f, failed = contained(lambda c=c: refit_candidate(c, samples, window), "the standard errors' refit")
        if failed:  # the candidate stays, without standard errors (the firewall's rule: no candidate ends a run)
            continue
        c.uncertainty = to_record(f)
        fits[id(c)] = f
    if selection.best is not None and not supported(selection.best):
        # now that every candidate has standard errors, a pick that won the paired test by a term
        # indistinguishable from zero gives way (select's refine passes over unsupported rivals)
        selection = select(selection.ranked, prepared.in_sample, prepared.noise)
    from discover.selection.trajectory import judge_for

    judge = judge_for(prepared)
    if selection.best is not None and judge is not None:
        selection = _by_likelihood(selection, prepared, judge)
        selection = _by_backward(selection, prepared, judge, validation, samples, window)
    best = selection.best
    if best is None:
        return selection
    null = score(Candidate({n: sp.Integer(0) for n in prepared.names}, "constant"), validation, prepared.names)
    null_error = None if null.get("failed") else 1.0 - null["short_r2"]
    if prepared.in_sample:
        null_error = None  # the candidates' errors are cross-validated, the constant model's would not be
    from discover.selection.equivalence import Box, equivalence_set

    names = list(prepared.names)
    box = Box.build(samples.states, samples.derivatives, names, design_box)
    equivalent, missing = [], None
    if not prepared.inputs:
        if judge is not None:
            from discover.selection.trajectory import EQUIVALENCE_EVALS

            judge.grant(EQUIVALENCE_EVALS)
        equivalent = equivalence_set(best, selection.ranked, prepared.noise, box, names,
                                     None if judge is None else judge.rejects)
        if not prepared.in_sample:
            keep = np.unique(np.linspace(0, len(samples.states) - 1, min(len(samples.states), 4000)).astype(int))
            missing, _ = contained(lambda: _missing_term(best, prepared, samples, keep, names, box, window),
                                   "the missing-term test")
    evidence = Evidence(noise=prepared.noise, null_error=null_error, fits=fits.get(id(best), {}),
                        conserved=conserved_quantities(samples.states, prepared.names),
                        in_sample=prepared.in_sample, time=prepared.data.time_name, equivalent=len(equivalent), missing=missing)
    level, reasons, deciding = _confidence(best, selection.ranked, selection.agreement, selection.forms,
                                           prepared.in_sample, prepared.noise, evidence)
    lik = selection.likelihood
    if lik and lik["switched"]:
        reasons.append(f"the whole measured runs favour it over the simplest candidate the held-out windows "
                       f"allowed ({lik['held_out_pick']}): refitted to every sample by multiple shooting, its "
                       f"information criterion (BIC) is lower by {lik['gain']:.0f}, beyond the margin of {lik['margin']:g}")
    if lik and (lik.get("backward") or {}).get("dropped"):
        terms = ", ".join(f"{d['term']} in d{d['variable']}/d{prepared.data.time_name}" for d in lik["backward"]["dropped"])
        reasons.append(f"the whole measured runs do not pay for {terms}: without {'it' if len(lik['backward']['dropped']) == 1 else 'them'} "
                       f"the information criterion (BIC) is lower by {lik['backward']['gain']:.1f}, and the held-out windows "
                       "cannot tell the difference")
    record = None
    if missing is not None:
        from discover.selection.confidence import MISSING

        share, var, term = missing
        record = {"share": share, "variable": var, "term": None if term is None else str(term), "threshold": MISSING}
        rival = _grown_rival(best, selection.ranked, var, term) if share > MISSING else None
        if rival is None and share > MISSING:
            rival = _grown_candidate(best, var, term, samples, keep, validation, names)
            if rival is not None:  # a candidate of its own, ranked among the others by its held-out error
                selection = replace(selection, ranked=sorted(selection.ranked + [rival], key=lambda c: (
                    c is not best, c.scores.get("failed", True), 1.0 - c.scores.get("short_r2", float("-inf")))))
        if rival is not None:  # what a next experiment should tell the pick from (the suggestion's second model)
            record["rival"] = next(i for i, c in enumerate(selection.ranked) if c is rival)
    return replace(selection, confidence=level, reasons=reasons, deciding=deciding, equivalent=equivalent,
                   design_box=box.bounds, design_plane=box.project, missing=record)
