"""Many data sets at once: :func:`batch` spreads one discovery per data set over a Dask cluster.

The flow: find the data sets (:mod:`~discover.batch.manifest`), check ``out`` and the settings
before anything runs, skip every data set whose run folder already holds its inputs and
settings (:mod:`~discover.batch.resume`), submit one task per remaining data set
(:func:`~discover.batch.task.run_dataset`: paths in, a small summary out), and write
``summary.csv`` and ``summary.html`` when the tasks end, or when the batch is interrupted (the
finished run folders stay as they are).

Dask reruns the task of a worker that died on another worker; a data set whose task keeps
killing workers is recorded as failed with that reason.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from discover.batch.folder import check_batch_out, open_batch_folder
from discover.batch.manifest import DataSet, find_datasets
from discover.batch.resume import RESULT_SETTINGS, input_hash, is_finished, settings_hash
from discover.batch.task import run_dataset, run_folder
from discover.core.errors import ConfigError, shown
from discover.core.progress import NullProgress

RETRIES = 2  # a task that raised outside its own error handling runs again, on any worker
POLL_S = 0.25


def _check_timeout(timeout) -> None:
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0):
        raise ConfigError(f"`--timeout` is {shown(timeout)}; give seconds per data set, a number above 0.")
    if timeout is not None:
        from discover.core.options import check_number

        check_number(timeout, "`--timeout` (seconds per data set)", 1e-3, 366 * 86400.0)


def batch(paths, client=None, *, out, methods="auto", time=None, states=None, seed: int = 0, device: str = "auto",
          timeout: float | None = None, force: bool = False, scheduler: str | None = None, workers: int | None = None,
          progress=None, config: dict | None = None, command: str = "", inputs=None, input_hold: str = "linear",
          space=None, periodic: bool | None = None, budget: float | None = None, **tables):
    """Discover the equations of every data set in ``paths``, one run folder each, on Dask.

    Parameters
    ----------
    paths : path, glob pattern, or list of them
        A folder (its ``manifest.csv``, else its CSV files), a pattern, CSV files, or a manifest
        (see :func:`discover.batch.manifest.find_datasets`).
    client : distributed.Client, optional
        The cluster to use; without one, ``scheduler`` is joined or a local cluster is started
        for the batch and closed after it.
    out : path
        The batch folder: ``runs/NAME/``, ``summary.csv``, ``summary.html``.
    methods, time, states, seed, device, inputs, input_hold
        As for ``discover run``, the same for every data set.
    budget : float, optional
        Seconds each data set's run may take, kept by the run itself (it ends with the best model
        so far; see ``discover run --budget``); default scaled with each data set's size. Unlike
        ``timeout``, a run that hits it still gives equations.
    space, periodic
        Every data set is a field with these spatial column(s): a PDE each, as ``discover run --space``.
    timeout : float, optional
        Seconds each data set may take; one that takes longer is stopped and recorded.
    force : bool
        Compute every data set again; and accept an ``out`` that discover did not write (its
        content is moved aside, never deleted).
    scheduler : str, optional
        Address of a running Dask scheduler.
    workers : int, optional
        Worker processes of the local cluster (default: the usable cores).
    progress : Progress, optional
        Receives one task whose description counts the data sets done, failed and running.
    config, command
        Recorded in each ``run.json``.
    **tables
        Settings per plug-in, as :func:`discover.api.run` takes them (``sindy={"degrees": [1, 2]}``).

    Returns
    -------
    pandas.DataFrame
        The summary (see :mod:`discover.batch.summary`), also written to ``out/summary.csv``.

    Raises
    ------
    DataError, ConfigError, OutDirError
        Before any work: no data set found, a bad setting, an ``out`` that cannot be used.
    """
    from discover.batch.client import check_workers
    from discover.pipeline.plan import check_run_settings

    datasets = find_datasets(paths)
    check_run_settings(methods=methods, seed=seed, device=device, time=time, states=states, inputs=inputs,
                       input_hold=input_hold, budget=budget)
    _check_timeout(timeout)
    check_workers(workers, scheduler)
    kind = check_batch_out(out, force=force)
    settings = {"methods": methods, "time": time, "states": states, "seed": seed, "device": device,
                "tables": {k: v for k, v in tables.items() if v is not None}, "config": config or {},
                "command": command}
    # set only when given, so that the settings hash of a batch without them is what it was
    settings.update({k: v for k, v in {"inputs": inputs, "input_hold": None if input_hold == "linear" else input_hold,
                                       "space": space, "periodic": periodic, "budget": budget}.items()
                     if v is not None})
    out = open_batch_folder(out, kind, {"settings": {k: settings[k] for k in RESULT_SETTINGS if k in settings},
                                        "datasets": [d.name for d in datasets]})
    results: dict[str, dict] = {}
    todo = datasets if force else [d for d in datasets if not _skip(d, out, settings, results)]
    progress = progress or NullProgress()
    try:
        with progress.task(_describe(results, len(datasets), 0), total=len(datasets)) as bar:
            bar.advance(len(results))
            if todo:
                _run_all(todo, out, settings, timeout, force, client, scheduler, workers, results, bar, len(datasets))
    finally:
        frame = write_summary(datasets, results, out)
    return frame


def _skip(ds: DataSet, out: Path, settings: dict, results: dict) -> bool:
    """Record a data set finished earlier (when its files can be read here); True when it is skipped."""
    from discover.batch.rows import read_row

    target = run_folder(out, ds)
    try:
        if not (target / "run.json").is_file():
            return False
        if not is_finished(target, input_hash(ds.paths), settings_hash(settings)):
            return False
        results[ds.name] = {"name": ds.name, "reason": "", **read_row(target), "wall_s": 0.0, "cached": True}
    except Exception:  # unreadable here (a cluster's path, a broken folder): the worker decides
        return False
    return True


def _describe(results: dict, total: int, running: int) -> str:
    ok = sum(r["status"] in ("ok", "no model") for r in results.values())
    return f"data sets: {ok} done, {len(results) - ok} failed, {running} running, {total - len(results) - running} waiting"


def _run_all(todo, out, settings, timeout, force, client, scheduler, workers, results, bar, total) -> None:
    from discover.batch.client import dask_client

    if client is not None:
        _submit_and_collect(client, todo, out, settings, timeout, force, results, bar, total)
        return
    with dask_client(scheduler, workers, tasks=len(todo)) as own:
        _submit_and_collect(own, todo, out, settings, timeout, force, results, bar, total)


def _submit_and_collect(client, todo, out, settings, timeout, force, results, bar, total) -> None:
    token = uuid.uuid4().hex[:8]
    futures = {client.submit(run_dataset, ds, str(out), settings, timeout, force, key=f"discover-{ds.folder}-{token}",
                             retries=RETRIES, pure=False): ds for ds in todo}
    pending = dict(futures)
    last = 0.0
    try:
        while pending:
            for fut in [f for f in pending if f.done()]:
                ds = pending.pop(fut)
                results[ds.name] = _collect(fut, ds)
                bar.advance(1)
            now = time.monotonic()
            if now - last > 1.0 or not pending:
                bar.update(_describe(results, total, _running(client, pending)))
                last = now
            if pending:
                time.sleep(POLL_S)
    except BaseException:
        client.cancel(list(pending))
        raise


def _collect(fut, ds: DataSet) -> dict:
    """The summary a task returned; a task that could not finish (its workers died) as a failure."""
    try:
        return fut.result()
    except Exception as exc:
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            reason = (f"The worker running '{shown(ds.name)}' died each time it was tried (out of memory or killed); "
                      "run it alone with `discover run` to see why.")
        else:
            reason = f"Its task failed on the cluster ({type(exc).__name__}: {shown(exc, 200)})."
        return {"name": ds.name, "status": "failed", "reason": reason, "cached": False}


def _running(client, pending: dict) -> int:
    """How many of the pending tasks a worker is processing now."""
    keys = {f.key for f in pending}
    try:
        return sum(k in keys for ks in client.processing().values() for k in ks)
    except Exception:  # the scheduler is busy or gone: the count is only for display
        return 0


def write_summary(datasets: list[DataSet], results: dict, out: Path):
    """Write ``summary.csv`` and ``summary.html`` into ``out`` and return the table."""
    from discover.batch.html import write_html
    from discover.batch.summary import summary_frame, write_csv

    frame = summary_frame(datasets, results, out)
    write_csv(frame, Path(out) / "summary.csv")
    write_html(frame, Path(out) / "summary.html")
    return frame
