"""What a run folder must hold before it is read back: every damage is one :class:`DataError` sentence.

A run folder may come from someone else, or may have been edited, truncated or half copied.
:func:`~discover.report.run_folder.load_run` reads its JSON and arrays through these functions,
which check the shape of what discover wrote (types of the keys it reads, the confidence
words, numeric arrays) and turn every fault into "the run folder is damaged (what); run
`discover run` again", never a Python exception.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from discover.core.errors import DataError, shown

CONFIDENCES = ("high", "medium", "low")
#: Scores the report computes with (others may be text, such as the ``message`` of a failed simulation).
NUMERIC_SCORES = ("short_r2", "validation_r2", "long_r2", "valid_time", "valid_fraction", "n_compared")
MAX_JSON = 256 * 2**20  # bytes: a run folder's JSON files are far smaller; a bigger one is not discover's
#: What a damaged file raises while it is read (a DataError is already one sentence).
READ_ERRORS = (KeyError, TypeError, ValueError, IndexError, AttributeError, zipfile.BadZipFile, OSError, EOFError)


def damaged(folder: Path, what: str) -> DataError:
    return DataError(f"'{shown(folder, 300)}' is a damaged run folder ({shown(what, 200)}); run `discover run` "
                     "again to write it anew.")


def regular_file(folder: Path, name: str) -> Path:
    """``folder/name`` when it is a regular file inside the folder (not a link, a device or a FIFO)."""
    path = folder / name
    if path.is_symlink():
        raise DataError(f"'{shown(path, 300)}' is a symbolic link; a run folder holds its own files, so discover "
                        "does not follow links out of it — replace the link by the file itself.")
    if not path.is_file():
        raise damaged(folder, f"{name} is not a regular file")
    return path


def read_json(folder: Path, name: str) -> dict:
    """The JSON object in ``folder/name``."""
    path = regular_file(folder, name)
    try:
        if os.path.getsize(path) > MAX_JSON:
            raise damaged(folder, f"{name} is larger than {MAX_JSON // 2**20} MiB")
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        if isinstance(exc, DataError):
            raise
        raise damaged(folder, f"{name} is not readable JSON: {type(exc).__name__}") from None
    if not isinstance(doc, dict):
        raise damaged(folder, f"{name} holds a {type(doc).__name__}, not an object")
    return doc


def assemble_checked(folder: Path, assemble, eq: dict, run: dict):
    """``assemble(folder, eq, run, arrays)`` on the folder's arrays: a fault it meets (a key missing, a
    value of the wrong type, an unreadable array) is one sentence on a damaged folder
    (:func:`damaged`), for a trajectory and a PDE run folder alike."""
    data = load_arrays(folder)
    try:
        return assemble(folder, eq, run, data)
    except DataError:
        raise
    except READ_ERRORS as exc:
        raise damaged(folder, f"{type(exc).__name__}: {exc}") from None


def load_arrays(folder: Path, name: str = "data.npz") -> dict[str, np.ndarray]:
    """Every array of ``folder/name``, numeric and read without unpickling."""
    path = regular_file(folder, name)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (*READ_ERRORS, RecursionError) as exc:
        raise damaged(folder, f"{name} is not a readable .npz archive: {type(exc).__name__}") from None
    for key, a in arrays.items():
        if a.dtype.kind not in "biuf":
            raise damaged(folder, f"array '{key}' of {name} holds {a.dtype} values, not numbers")
    return arrays


def _expect(folder: Path, doc: dict, key: str, kind, file: str, required: bool = True):
    if key not in doc:
        if required:
            raise damaged(folder, f"{file} has no '{key}'")
        return None
    value = doc[key]
    if not isinstance(value, kind):
        raise damaged(folder, f"'{key}' in {file} is not {_KIND_WORDS.get(kind, 'of the right type')}")
    return value


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(value) -> bool:
    """A number, or a (nested) list of them (some distillers store a constant's errors as lists)."""
    return _number(value) or (isinstance(value, list) and all(_numbers(v) for v in value))


def _constant_row(row) -> bool:
    return (isinstance(row, dict) and isinstance(row.get("term"), str) and _number(row.get("value"))
            and "stderr" in row and (row["stderr"] is None or _number(row["stderr"]))
            and isinstance(row.get("inner"), bool))


_KIND_WORDS = {dict: "an object", list: "a list", str: "text", bool: "true or false"}


def check_docs(folder: Path, eq: dict, run: dict) -> None:
    """Refuse equations.json and run.json whose keys do not have the types discover wrote."""
    names = _expect(folder, eq, "variables", list, "equations.json")
    if not names or not all(isinstance(n, str) and n for n in names):
        raise damaged(folder, "the variables in equations.json are not a list of names")
    inputs = eq.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(n, str) and n for n in inputs):
        raise damaged(folder, "the inputs in equations.json are not a list of names")
    _expect(folder, eq, "time", str, "equations.json")
    candidates = _expect(folder, eq, "candidates", list, "equations.json")
    if eq.get("best") and not candidates:
        raise damaged(folder, "equations.json names a best candidate but lists none")
    if eq.get("best") and isinstance(candidates[0], dict):
        scores = candidates[0].get("scores") or {}
        if not scores.get("failed") and not _number(scores.get("short_r2")) and "short_r2" not in (
                candidates[0].get("non_finite_scores") or {}):
            raise damaged(folder, "the best candidate in equations.json has no short-horizon score")
    for c in candidates:
        if not isinstance(c, dict) or not isinstance(c.get("method"), str):
            raise damaged(folder, "a candidate in equations.json has no method")
        for key in ("scores", "settings", "term_confidence", "uncertainty", "non_finite_scores"):
            if (key in c if key in ("scores", "settings", "term_confidence") else c.get(key) is not None) \
                    and not isinstance(c[key], dict):
                raise damaged(folder, f"a candidate's '{key}' in equations.json is not an object")
        for key, value in (c.get("scores") or {}).items():
            if value is not None and not (_number(value) or (key not in NUMERIC_SCORES
                                                             and isinstance(value, (str, bool)))):
                raise damaged(folder, f"a candidate's score '{shown(key, 40)}' in equations.json is not a number")
        for probs in (c.get("term_confidence") or {}).values():
            if not isinstance(probs, dict) or not all(_number(p) for p in probs.values()):
                raise damaged(folder, "a candidate's term confidence in equations.json is not a table of numbers")
        for rows in (c.get("uncertainty") or {}).values():
            if not isinstance(rows, list) or not all(_constant_row(r) for r in rows):
                raise damaged(folder, "a candidate's constants in equations.json are not rows of term, value and "
                              "standard error")
    settings = _expect(folder, run, "settings", dict, "run.json")
    plan = settings.get("plan", [])
    if not isinstance(plan, list) or not all(isinstance(stage, dict) for stage in plan):
        raise damaged(folder, "the plan in run.json is not a list of stages")
    for key in ("methods", "requested_methods"):
        value = settings.get(key, [])
        if not isinstance(value, (list, str)) or (isinstance(value, list) and not all(isinstance(m, str) for m in value)):
            raise damaged(folder, f"'{key}' in run.json is not a list of method names")
    for key in ("validation_horizon", "noise_estimate"):
        if settings.get(key) is not None and not _numbers(settings[key]):
            raise damaged(folder, f"'{key}' in run.json is not a number")
    sel = _expect(folder, run, "selection", dict, "run.json")
    if sel.get("confidence") not in CONFIDENCES:
        raise damaged(folder, "the confidence in run.json is not one of high, medium or low")
    for key in ("reasons", "agreement"):
        if not isinstance(sel.get(key), list):
            raise damaged(folder, f"'{key}' of the selection in run.json is not a list")
    if not all(isinstance(r, str) for r in sel["reasons"]):
        raise damaged(folder, "a reason in run.json is not text")
    _expect(folder, sel, "rule", str, "run.json")
    if sel.get("deciding") is not None and not isinstance(sel["deciding"], str):
        raise damaged(folder, "'deciding' in run.json is not text")
    split = _expect(folder, run, "split", dict, "run.json")
    _expect(folder, split, "description", str, "run.json")
    _expect(folder, split, "in_sample", bool, "run.json")
    labels = _expect(folder, split, "labels", dict, "run.json")
    if not all(isinstance(v, list) for v in labels.values()):
        raise damaged(folder, "the run labels in run.json are not lists")
    for key in ("provenance", "timings"):
        _expect(folder, run, key, dict, "run.json")
    sources = run["provenance"].get("inputs", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) and isinstance(s.get("path"), str)
                                                and isinstance(s.get("sha256"), str) for s in sources):
        raise damaged(folder, "the input files in run.json are not a list of paths with their sha256")
    for key, kind in (("warnings", list), ("fronts", dict), ("surrogates", dict), ("inputs", dict)):
        _expect(folder, run, key, kind, "run.json", required=False)
    if not all(isinstance(w, str) for w in run.get("warnings", [])):
        raise damaged(folder, "a warning in run.json is not text")
    if not all(isinstance(v, dict) for v in run.get("surrogates", {}).values()):
        raise damaged(folder, "a surrogate's facts in run.json are not an object")


def model_paths(folder: Path) -> list[Path]:
    """The ``models/LABEL.pt`` files the run in ``folder`` saved, each a regular file inside it.

    A link (the ``models`` folder or a file in it) is refused: following it would read, and
    copy into a new run folder, a file from outside the folder received.
    """
    from discover.core.rundir import model_files

    models = folder / "models"
    if not os.path.lexists(models):
        return []
    if models.is_symlink():
        raise DataError(f"'{shown(models, 300)}' is a symbolic link; a run folder holds its own files, so discover "
                        "does not follow links out of it — replace the link by the folder itself.")
    if not models.is_dir():
        raise damaged(folder, "models is not a folder")
    return [regular_file(models, name) for name in sorted(model_files(folder)) if os.path.lexists(models / name)]
