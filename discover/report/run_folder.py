"""Writing and reading a run folder.

``DIR/`` holds ``report.md``, ``report.html`` (self-contained: figures as data URIs,
equations as MathML, no script or font fetched from anywhere), ``equations.json``,
``figures/``, ``run.json`` (settings, seed, versions, input hashes, timings) and
``data.npz`` (the trajectories the report was drawn from, so ``discover report DIR``
can render it again). The folder is built beside its destination and moved into place
only when complete, so a failed run never leaves a half-written report over a good one;
where it may go and what is kept is :mod:`discover.core.rundir`'s job.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from discover.core.candidates import Alternative, Candidate
from discover.core.errors import DataError
from discover.core.outputs import DelayResult, SurrogateRecord
from discover.core.rundir import RUN_FILES, is_run_folder, replace_folder
from discover.data.dataset import Trajectory
from discover.report import documents, equations_json, parallel
from discover.report.folder_check import assemble_checked, check_docs, damaged, model_paths, read_json
from discover.report.versions import versions
from discover.result import RunResult

COMPRESS_UP_TO = 16 * 2**20  # bytes of arrays in data.npz above which it is not compressed


def render(result: RunResult, folder: Path, draw_figures: bool = True) -> None:
    """Write figures (unless ``draw_figures`` is false), report.md, report.html and equations.json into ``folder``."""
    # the run's figure worker, if it has one, draws the figures and writes report.md and
    # report.html (:mod:`discover.report.documents`) while this process writes equations.json
    pending = parallel.submit(result, folder) if draw_figures else None
    (folder / "equations.json").write_text(json.dumps(equations_json.to_dict(result), indent=2) + "\n",
                                           encoding="utf-8")
    proposal = equations_json.suggestion(result)
    if proposal is not None:
        (folder / "suggestion.json").write_text(json.dumps(proposal, indent=2) + "\n", encoding="utf-8")
    if pending is None:
        documents.write(result, folder, {})
    else:
        pending.wait()


def _save_data(result: RunResult, path: Path) -> None:
    arrays = {}
    for group in ("train", "train_smoothed", "validation", "validation_smoothed"):
        for i, tr in enumerate(getattr(result, group)):
            arrays[f"{group}/{i}/t"] = tr.t
            arrays[f"{group}/{i}/x"] = tr.x
            if tr.u.shape[1]:
                arrays[f"{group}/{i}/u"] = tr.u
    for i, d in enumerate(result.train_derivatives):
        arrays[f"train_derivatives/{i}"] = d
    for label, record in result.surrogates.items():
        arrays.update(record.arrays(label))
    if result.delay is not None:
        arrays.update({f"delay/{k}": v for k, v in result.delay.arrays.items()})
    # zlib gains ~6% on noisy float64 samples, at ~15 MB/s: on a million rows data.npz took longer to
    # compress than the fit took; arrays beyond COMPRESS_UP_TO bytes in all are stored as they are
    large = sum(np.asarray(a).nbytes for a in arrays.values()) > COMPRESS_UP_TO
    (np.savez if large else np.savez_compressed)(path, **arrays)


def _run_json(result: RunResult, written: list[str]) -> dict:
    labels = {g: [t.label for t in getattr(result, g)] for g in ("train", "validation")}
    return {
        "schema": "discover.run/1",
        "settings": result.settings,
        "provenance": {**result.provenance, "versions": result.provenance.get("versions") or versions()},
        "timings": result.timings,
        "split": {"description": result.split, "in_sample": result.in_sample, "labels": labels},
        "selection": {"confidence": result.confidence, "reasons": result.reasons, "agreement": result.agreement,
                      "rule": result.rule, **({"deciding": result.deciding} if result.deciding else {})},
        "warnings": result.warnings,
        **({"inputs": {"names": list(result.inputs), "hold": result.hold}} if result.inputs else {}),
        "fronts": result.fronts,
        "surrogates": {k: v.summary() for k, v in result.surrogates.items()},
        **({"delay": result.delay.summary()} if result.delay is not None else {}),
        "written": written,
    }


def _own_files(result: RunResult) -> dict:
    """The files the plug-ins' sections write at the top of the run folder (plain names only)."""
    from discover.report.sections import files

    out = {}
    for name, data in files(result).items():
        if not isinstance(name, str) or name != Path(name).name or not name.endswith(".json") or name in RUN_FILES:
            raise ValueError(f"a plug-in's section names the file {name!r}; a section writes plain '.json' names "
                             "beside discover's own files")
        out[name] = data
    return out


def write_run(result: RunResult, out_dir: str | Path, models: dict | None = None, force: bool = False,
              source: str | Path | None = None, figures: bool = True) -> str:
    """Write the complete run folder at ``out_dir``.

    ``models`` are fitted surrogates, each saved as ``models/<name>.pt``; a run rendered again
    from the folder ``source`` keeps the models that folder holds.

    The folder is built beside ``out_dir`` and swapped in only when complete (see
    :func:`discover.core.rundir.replace_folder`): an earlier run folder is replaced, keeping any file
    a user added to it; a folder that is not a run folder is refused, or moved aside when
    ``force`` is true. With ``figures=False`` no figure is drawn (nor matplotlib imported): the
    reports hold the text and tables only, for pipelines that read ``equations.json``.

    Raises
    ------
    OutDirError
        ``out_dir`` cannot take a run folder; nothing on disk was changed.
    """
    out = Path(out_dir)
    result.provenance.setdefault("versions", versions())
    source = Path(source) if source is not None else None

    def build(tmp: Path) -> None:
        if figures:
            render(result, tmp)
        else:
            render(result, tmp, draw_figures=False)
        _save_data(result, tmp / "data.npz")
        if models:
            (tmp / "models").mkdir()
            for label, model in models.items():
                model.save(tmp / "models" / f"{label}.pt")
        elif source is not None:  # re-rendering keeps the saved models (only those discover saved, never a link)
            for path in model_paths(source):
                (tmp / "models").mkdir(exist_ok=True)
                shutil.copy2(path, tmp / "models" / path.name, follow_symlinks=False)
        for name, data in own.items():  # the files the plug-ins' sections own
            (tmp / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        drawn = sorted(f"figures/{p.name}" for p in (tmp / "figures").glob("*.png")) if (tmp / "figures").is_dir() else []
        (tmp / "run.json").write_text(json.dumps(_run_json(result, [*own, *drawn]), indent=2, default=str) + "\n",
                                      encoding="utf-8")

    from discover.report.figures import plan  # the one list of figures (matplotlib is imported only to draw)

    own = _own_files(result)
    replace_folder(out, build, force=force, owned=[*own, *(f"figures/{f.key}.png" for f in plan(result))])
    return str(out)


def load_run(run_dir: str | Path):
    """Read a run folder back into a :class:`RunResult`, or a PDE run folder (``discover run --space``)
    into the :class:`~discover.fields.fit.FieldResult` its report is drawn from
    (:func:`discover.report.pde_folder.load_field_run`)."""
    d = Path(run_dir)
    if not d.is_dir():
        raise DataError(f"'{d}' is not a discover run folder (no such folder); give the folder `discover run --out` wrote.")
    if not is_run_folder(d):
        raise DataError(f"'{d}' is not a discover run folder (no run.json written by discover); "
                        "give the folder `discover run --out` wrote.")
    need = [d / "equations.json", d / "run.json", d / "data.npz"]
    missing = [p.name for p in need if not os.path.lexists(p)]
    if missing:
        raise DataError(f"'{d}' is not a discover run folder (missing {', '.join(missing)}); give the folder `discover run --out` wrote.")
    eq = read_json(d, "equations.json")
    run = read_json(d, "run.json")
    if run.get("kind") == "field":  # a PDE run (discover run --space): its own reader
        from discover.report.pde_folder import load_field_run

        return load_field_run(d, eq, run)
    check_docs(d, eq, run)
    return assemble_checked(d, _assemble, eq, run)


def _assemble(d: Path, eq: dict, run: dict, data: dict) -> RunResult:
    """The :class:`RunResult` of checked documents and arrays (a fault left is a damaged folder)."""
    names = tuple(eq["variables"])
    inputs = tuple(eq.get("inputs", ()))
    cands = [Candidate.from_dict(c, names + inputs, eq.get("symbols"), where=f"'{d / 'equations.json'}'")
             for c in eq["candidates"]]
    best = cands[0] if eq.get("best") else None

    def trajs(group):
        labels = run["split"]["labels"].get(group.replace("_smoothed", ""), [])
        out, i = [], 0
        while f"{group}/{i}/t" in data:
            u = data[f"{group}/{i}/u"] if f"{group}/{i}/u" in data else None
            out.append(Trajectory(data[f"{group}/{i}/t"], data[f"{group}/{i}/x"], str(labels[i]) if i < len(labels) else str(i),
                                  u))
            i += 1
        return out

    derivs, i = [], 0
    while f"train_derivatives/{i}" in data:
        derivs.append(data[f"train_derivatives/{i}"])
        i += 1
    sel = run["selection"]
    surrogates = {label: SurrogateRecord.read(label, info, data) for label, info in run.get("surrogates", {}).items()}
    delay = _load_delay(d, run, data)
    train = trajs("train")
    if not train:
        raise damaged(d, "data.npz holds no training data")
    equivalent = _load_equivalent(eq, cands)
    proposal = None
    if os.path.lexists(d / "suggestion.json"):
        proposal = read_json(d, "suggestion.json")  # links refused, damage said in one sentence
        if not isinstance(proposal, dict):
            raise damaged(d, "suggestion.json is not an object")
        proposal = {k: v for k, v in proposal.items() if k not in ("schema", "symbols")}
        models = proposal.get("models", [])
        if not isinstance(models, list) or not all(isinstance(m, dict) for m in models):
            raise damaged(d, "suggestion.json's models are not a list of objects")
        proposal["models"] = [{k: v for k, v in m.items() if k != "equations"} for m in models]
    return RunResult(
        names=names, time_name=eq["time"], candidates=cands, best=best, confidence=sel["confidence"],
        reasons=sel["reasons"], agreement=sel["agreement"], rule=sel["rule"], train=train,
        train_smoothed=trajs("train_smoothed"), train_derivatives=derivs, validation=trajs("validation"),
        validation_smoothed=trajs("validation_smoothed"), split=run["split"]["description"],
        in_sample=run["split"]["in_sample"], settings=run["settings"], provenance=run["provenance"],
        timings=run["timings"], warnings=run.get("warnings", []), fronts=run.get("fronts", {}),
        surrogates=surrogates, delay=delay, deciding=sel.get("deciding"), inputs=inputs,
        hold=run.get("inputs", {}).get("hold", "linear"), equivalent=equivalent,
        design_box={k: tuple(v) for k, v in eq.get("design_box", {}).items()}, suggestion=proposal,
    )


def _load_equivalent(eq: dict, cands: list) -> list[Alternative]:
    """The equivalence set of ``equations.json`` (entries point into the candidates by ``rank``)."""
    out = []
    for e in eq.get("equivalent") or []:
        rank = e.get("rank")
        if not isinstance(rank, int) or not 0 <= rank < len(cands):
            raise DataError("equations.json has an equivalent structure whose `rank` is not the place of a candidate; "
                            "run `discover run` again to write it afresh.")
        d = e.get("differs") or {}
        out.append(Alternative(cands[rank], float(d.get("typical") or 0.0), float(d.get("largest") or 0.0),
                               d.get("variable"), {str(k): float(v) for k, v in (d.get("at") or {}).items()}))
    return out


def _load_delay(d: Path, run: dict, data) -> DelayResult | None:
    """The delay comparison from run.json, its models' descriptions (``<name>.json``, written by the delay
    models' section) and the arrays in data.npz; the models that ran are in run.json (in the plan, for a
    folder written before run.json listed them)."""
    summary = run.get("delay")
    if not summary:
        return None
    planned = [m for stage in run["settings"].get("plan", []) if stage.get("stage") == "delay"
               for m in stage.get("models", [])]
    methods = summary.get("methods", planned)
    if not isinstance(methods, list) or not all(isinstance(m, str) and m == Path(m).name for m in methods):
        raise damaged(d, "the delay models in run.json are not a list of names")
    models = {name: read_json(d, f"{name}.json") for name in methods if os.path.lexists(d / f"{name}.json")}
    return DelayResult.read(summary, data, models, methods)


def rerender(run_dir: str | Path) -> str:
    """Render the report of an existing run folder again (``discover report``).

    Only discover's own files are rewritten; anything else in the folder is kept.
    """
    result = load_run(run_dir)
    if not isinstance(result, RunResult):
        from discover.report.pde_folder import rerender_field

        return rerender_field(run_dir, result)
    model_paths(Path(run_dir))  # a link among the saved models is refused before anything is written
    return write_run(result, run_dir, source=run_dir)
