"""One data set's discovery, as a task that runs on a Dask worker.

:func:`run_dataset` reads the data from their paths on the worker (the task graph holds only
paths and settings), runs the same call as ``discover run`` (:func:`discover.api.run`: the
checks, :class:`~discover.pipeline.estimator.Discoverer` and the run folder), and returns a small summary
dict. It never raises for a data set's own failure: bad input, an internal error and a timeout
become ``status`` and a one-sentence ``reason``, so the batch goes on.

With a timeout the discovery runs in a child process (:mod:`discover.batch.child`), which is
stopped when the time is up: Python cannot stop a thread, and a fit left running would
still write its run folder later.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import traceback
import warnings
from dataclasses import asdict
from pathlib import Path

from discover.batch.manifest import DataSet
from discover.batch.resume import input_hash, is_finished, settings_hash
from discover.core.errors import DiscoverError, shown

GRACE_S = 10.0  # after SIGTERM, how long a timed-out child may take to clean up its temporary folder


def run_folder(out: str | Path, ds: DataSet) -> Path:
    """Where the data set ``ds`` of the batch in ``out`` writes its run folder."""
    return Path(out) / "runs" / ds.folder


def _result(ds: DataSet, status: str, reason: str = "", **facts) -> dict:
    return {"name": ds.name, "status": status, "reason": reason, **facts}


def run_dataset(ds: DataSet, out: str, settings: dict, timeout: float | None = None, force: bool = False) -> dict:
    """Discover the equations of one data set and write its run folder ``OUT/runs/FOLDER``.

    Parameters
    ----------
    ds : DataSet
    out : str
        The batch folder.
    settings : dict
        ``methods``, ``time``, ``states``, ``seed``, ``device``, ``budget`` (seconds per data
        set, kept by the run itself), ``tables`` (settings per plug-in), and ``config``, ``command`` (recorded in ``run.json``).
    timeout : float, optional
        Seconds this data set may take; the discovery then runs in a child process.
    force : bool
        Compute again even when the run folder holds this data set with these settings.

    Returns
    -------
    dict
        ``name``, ``status`` ("ok", "no model", "failed", "timed out"), ``reason`` (one
        sentence, empty when ok), ``wall_s``, ``cached`` (True when nothing was computed),
        and the facts of :func:`discover.batch.rows.read_row` when a run folder was written.
    """
    t0 = time.perf_counter()
    target = run_folder(out, ds)
    try:
        from discover.data.paths import check_paths

        check_paths(list(ds.paths))
        hashes = {"input_hash": input_hash(ds.paths), "settings_hash": settings_hash(settings)}
        if not force and is_finished(target, hashes["input_hash"], hashes["settings_hash"]):
            return _finished(ds, target, t0, cached=True)
        if timeout:
            return _in_child(ds, out, settings, timeout, t0)
        return _discover(ds, out, settings, hashes, t0)
    except DiscoverError as exc:
        return _result(ds, "failed", str(exc), wall_s=round(time.perf_counter() - t0, 3), cached=False)
    except OSError as exc:
        return _result(ds, "failed", f"Cannot read the data of '{shown(ds.name)}' ({exc.strerror or exc}); "
                       "check the file and its permissions.", wall_s=round(time.perf_counter() - t0, 3), cached=False)
    except Exception as exc:  # an internal error of discover: recorded, and the batch goes on
        return _result(ds, "failed", _internal(exc, out, ds), wall_s=round(time.perf_counter() - t0, 3), cached=False)


def _discover(ds: DataSet, out: str, settings: dict, hashes: dict, t0: float) -> dict:
    from discover.api import run

    target = run_folder(out, ds)
    provenance = {"batch": {**hashes, "dataset": ds.name, "metadata": {  # NaN is no JSON: an empty cell is null
        k: None if isinstance(v, float) and v != v else v for k, v in ds.metadata.items()}}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # a field data set (``--space``) differs only in its loader: the same run, fit and report
        run(list(ds.paths), target, methods=settings.get("methods") or "auto", time=settings.get("time"),
            states=settings.get("states"), seed=settings.get("seed", 0), device=settings.get("device") or "auto",
            command=settings.get("command", ""), config=settings.get("config") or {}, provenance=provenance,
            inputs=settings.get("inputs"), input_hold=settings.get("input_hold") or "linear",
            budget=settings.get("budget"), space=settings.get("space") or None, periodic=settings.get("periodic"),
            **(settings.get("tables") or {}))
    notes = [str(w.message) for w in caught if w.category.__module__.startswith("discover")]
    return {**_finished(ds, target, t0, cached=False), "warnings": notes[:5]}


def _finished(ds: DataSet, target: Path, t0: float, cached: bool) -> dict:
    from discover.batch.rows import read_row

    row = read_row(target)
    return {"name": ds.name, "reason": "", **row, "wall_s": round(time.perf_counter() - t0, 3), "cached": cached}


def _internal(exc: BaseException, out: str, ds: DataSet) -> str:
    """The one sentence of an internal error; its traceback goes to ``OUT/logs/FOLDER.log``."""
    text = str(exc).strip().splitlines()
    what = f"{type(exc).__name__}: {shown(text[0], 200)}" if text else type(exc).__name__
    log = Path(out) / "logs" / f"{ds.folder}.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), encoding="utf-8")
        tail = f"the traceback is in {log}"
    except OSError:
        tail = "its traceback could not be saved"
    return f"Internal error while discovering '{shown(ds.name)}' ({what}); {tail}."


def _in_child(ds: DataSet, out: str, settings: dict, timeout: float, t0: float) -> dict:
    """:func:`_discover` in a child process, stopped (SIGTERM, then SIGKILL) after ``timeout`` seconds."""
    job = json.dumps({"dataset": asdict(ds), "out": str(out), "settings": settings}, default=str)
    proc = subprocess.Popen([sys.executable, "-m", "discover.batch.child"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(job, timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return _result(ds, "timed out", f"Discovering '{shown(ds.name)}' took longer than the timeout of {timeout:g} s "
                       "and was stopped; raise `--timeout` or choose faster `--methods`.",
                       wall_s=round(time.perf_counter() - t0, 3), cached=False)
    except BaseException:
        _stop(proc)
        raise
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        last = (stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise RuntimeError(f"the child process ended without a result ({last})")
    return {**json.loads(lines[-1]), "wall_s": round(time.perf_counter() - t0, 3)}


def _stop(proc: subprocess.Popen) -> None:
    """End the child's process group: SIGTERM (it removes its temporary folder), then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.communicate(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
