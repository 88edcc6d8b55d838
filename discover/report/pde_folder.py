"""A PDE run folder read back: equations.json, run.json and data.npz into a :class:`FieldResult`.

What ``discover report DIR``, ``discover export DIR`` and ``discover.load(DIR)`` read for a field run
(``run.json``'s ``kind`` is ``field``). Every formula is read by the project's restricted parser
(:func:`discover.core.expressions.parse_expression`) on the identifiers of the fields' derivatives
(``u``, ``u_x``, ``u_xx``, ...: built from the labels the folder names, never read from the file),
then turned into the monomials the solvers integrate; a formula that is not a polynomial in them,
a missing key or an unreadable array is one sentence (:func:`discover.report.folder_check.damaged`).
No symbolic link in the folder is followed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import sympy as sp

from discover.core.errors import DataError
from discover.core.expressions import identifiers, parse_expression
from discover.fields.basis import Basis
from discover.fields.field import Field
from discover.fields.fit import FieldResult, PdeCandidate
from discover.fields.fit_system import SystemCandidate
from discover.report.folder_check import CONFIDENCES, assemble_checked, damaged, read_json


def is_field_run(run: dict) -> bool:
    """Whether a run folder's ``run.json`` is a field run's."""
    return run.get("kind") == "field"


def _names(d: Path, eq: dict, key: str) -> list[str]:
    value = eq.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(n, str) and n for n in value):
        raise damaged(d, f"'{key}' in equations.json is not a list of names")
    return value


def _fields(d: Path, data: dict, names, space, time, periodic, runs) -> list[Field]:
    out, i = [], 0
    while f"fields/{i}/t" in data:
        coords = tuple(np.asarray(data[f"fields/{i}/{a}"], dtype=float) for a in ("x", "y")[: len(space)])
        values = np.asarray(data[f"fields/{i}/u"], dtype=float)
        t = np.asarray(data[f"fields/{i}/t"], dtype=float)
        if values.shape != (t.size, *(c.size for c in coords), len(names)):
            raise damaged(d, f"the field of run {i} in data.npz does not match its grid")
        out.append(Field(t, coords, values, tuple(names), tuple(space), time, tuple(periodic),
                         str(runs[i]) if i < len(runs) else str(i)))
        i += 1
    if not out:
        raise damaged(d, "data.npz holds no field")
    return out


def _score(value, missing: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else missing


class _Reader:
    """Formulas of one folder's equations.json as monomials on the folder's basis."""

    def __init__(self, d: Path, basis: Basis, names, space, time):
        ids = identifiers([*names, *space, time])
        self.d, self.basis = d, basis
        self.names = [ids[n] for n in names]
        self.space = [ids[s] for s in space]
        self.syms = basis.symbols()
        self.table = {basis.atom_name(i, self.names, self.space): s for i, s in enumerate(self.syms)}

    def model(self, text, where: str) -> dict:
        if not isinstance(text, str):
            raise damaged(self.d, f"{where} is not a formula")
        expr = parse_expression(text, self.table, f"'{self.d / 'equations.json'}', {where}", error=DataError)
        try:
            poly = sp.Poly(sp.expand(expr), *self.syms)
        except sp.PolynomialError:
            raise damaged(self.d, f"{where} is not a polynomial in the fields and their derivatives") from None
        out = {}
        for exps, coef in poly.terms():
            value = float(coef)
            if not math.isfinite(value):
                raise damaged(self.d, f"{where} holds a number that is not finite")
            out[tuple(int(e) for e in exps)] = value
        return out

    def errors(self, model: dict, std) -> dict:
        """The standard errors equations.json keeps by term text, keyed by the model's monomials."""
        if not isinstance(std, dict):
            return {}
        out = {}
        for m in model:
            s = std.get(self.basis.term_text(m, self.names, self.space))
            if isinstance(s, (int, float)) and not isinstance(s, bool):
                out[m] = float(s)
        return out


def _candidate(reader: _Reader, c, labels, system: bool, inclusion):
    if not isinstance(c, dict) or not isinstance(c.get("equations"), dict):
        raise damaged(reader.d, "a candidate in equations.json has no equations")
    form = c.get("form") if isinstance(c.get("form"), str) else str(c.get("method", "weak")).removeprefix("pde-")
    eqs = [reader.model(c["equations"].get(lab), f"the equation of '{lab}'") for lab in labels]
    sc = c.get("scores") if isinstance(c.get("scores"), dict) else {}
    scores = {"r2": _score(sc.get("validation_r2"), float("-inf")), "error": _score(sc.get("validation_error"), float("inf")),
              "failed": sc.get("failed") if isinstance(sc.get("failed"), str) else None}
    residual = _score(sc.get("residual"), float("nan"))
    complexity = c.get("complexity") if isinstance(c.get("complexity"), int) else sum(len(e) for e in eqs)
    std = c.get("std") if isinstance(c.get("std"), dict) else {}
    if system:
        errors = tuple(reader.errors(e, std.get(lab)) for e, lab in zip(eqs, labels)) if std else ()
        inc = tuple(i if isinstance(i, dict) else {} for i in inclusion) if isinstance(inclusion, list) else ()
        return SystemCandidate(form, tuple(eqs), complexity, residual, scores, errors, inc)
    inc = inclusion if isinstance(inclusion, dict) else {}
    return PdeCandidate(form, eqs[0], complexity, residual, scores, reader.errors(eqs[0], std), inc)


def load_field_run(run_dir: str | Path, eq: dict | None = None, run: dict | None = None) -> FieldResult:
    """Read a PDE run folder back into the :class:`FieldResult` its report is drawn from.

    Parameters
    ----------
    run_dir : path
    eq, run : dict, optional
        Its ``equations.json`` and ``run.json``, when already read (checked for links and size).

    Raises
    ------
    DataError
        The folder is damaged (a key missing or of the wrong type, a formula that is not a polynomial
        in the fields and their derivatives, an array that does not match its grid), or holds a link.
    """
    d = Path(run_dir)
    eq = read_json(d, "equations.json") if eq is None else eq
    run = read_json(d, "run.json") if run is None else run
    return assemble_checked(d, _assemble, eq, run)


def _assemble(d: Path, eq: dict, run: dict, data: dict) -> FieldResult:
    names, space = _names(d, eq, "variables"), _names(d, eq, "space")
    time = eq.get("time")
    if not isinstance(time, str) or len(space) > 2:
        raise damaged(d, "equations.json has no time name, or more than two space coordinates")
    record = run.get("field") if isinstance(run.get("field"), dict) else {}
    settings = run.get("settings") if isinstance(run.get("settings"), dict) else {}
    periodic = record.get("periodic", settings.get("periodic", [True] * len(space)))
    if not isinstance(periodic, list) or len(periodic) != len(space):
        raise damaged(d, "the periodic axes in run.json are not one true or false per space coordinate")
    runs = record.get("runs") if isinstance(record.get("runs"), list) else []
    fields = _fields(d, data, names, space, time, [bool(p) for p in periodic], runs)
    system = len(names) > 1 or len(space) > 1
    order = record.get("max_order") if isinstance(record.get("max_order"), int) else (2 if len(space) == 2 else 4)
    basis = Basis(tuple(names), tuple(space), order if system else 4)
    reader = _Reader(d, basis, names, space, time)
    listed = eq.get("candidates")
    if not isinstance(listed, list):
        raise damaged(d, "'candidates' in equations.json is not a list")
    inclusion = record.get("inclusion")
    cands = [_candidate(reader, c, names, system, inclusion if i == 0 and eq.get("best") else None)
             for i, c in enumerate(listed)]
    best = cands[0] if eq.get("best") and cands else None
    sel = run.get("selection") if isinstance(run.get("selection"), dict) else {}
    confidence = sel.get("confidence")
    if confidence not in CONFIDENCES:
        raise damaged(d, "the confidence in run.json is not high, medium or low")
    reasons = [str(r) for r in sel.get("reasons", [])] if isinstance(sel.get("reasons", []), list) else []
    holdout = record.get("holdout")
    if not (isinstance(holdout, list) and len(holdout) == len(fields)):
        from discover.fields.select import split_rows

        holdout = [[split_rows(f.t.size)[1].start, f.t.size - split_rows(f.t.size)[1].start] for f in fields]
    holdout = [(int(a), int(b)) for a, b in holdout]
    models = [data.get(f"fields/{i}/model") for i in range(len(fields))]
    info = run.get("info") if isinstance(run.get("info"), dict) else {}
    timings = run.get("timings") if isinstance(run.get("timings"), dict) else {}
    return FieldResult(fields, cands, best, confidence, reasons, [], models, holdout, info,
                       basis if system else None, timings, settings)


def _model_runs(result: FieldResult) -> list:
    """The pick simulated over each run as the run's figures show it (None where it blows up)."""
    if result.basis is None:
        from discover.fields.select import denoise, free_run

        return [free_run(result.best.terms, f, denoise(f)) for f in result.fields]
    from discover.fields.fit_system import _free_run

    snaps = result.info.get("snapshots") or []
    return [_free_run(result.basis, result.best, f,
                      np.asarray(snaps[i] if i < len(snaps) and f.n_space == 2 else np.arange(f.t.size), dtype=int))
            for i, f in enumerate(result.fields)]


def rerender_field(run_dir: str | Path, result: FieldResult | None = None) -> str:
    """Render a PDE run folder's report and figures again from its files (``result``: the folder
    already read); files a user added are kept."""
    from discover.report.pde import write_field_run

    d = Path(run_dir)
    run = read_json(d, "run.json")
    result = load_field_run(d, run=run) if result is None else result
    if result.best is not None and any(m is None for m in result.model_runs):
        result.model_runs = _model_runs(result)  # a folder written before data.npz kept the model's run
    provenance = run.get("provenance") if isinstance(run.get("provenance"), dict) else {}
    settings = run.get("settings") if isinstance(run.get("settings"), dict) else {}
    return write_field_run(result, d, provenance, settings)


__all__ = ["is_field_run", "load_field_run", "rerender_field"]
