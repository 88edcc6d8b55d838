"""The Dask client a batch runs on: a local cluster sized to the machine, or an existing scheduler.

A local cluster has worker *processes* with one thread each: the numerical libraries (NumPy's
BLAS, torch) then have a core each instead of fighting over all of them, and Dask's nanny
sets ``OMP_NUM_THREADS=1`` and its kin in every worker. With ``scheduler`` the batch joins a
cluster someone started (``dask scheduler`` and ``dask worker`` by hand, or dask-jobqueue
on SLURM); its workers must see the data files and the output folder at the same paths.
"""

from __future__ import annotations

import logging
import os
import warnings
from contextlib import contextmanager

from discover.core.errors import ConfigError, shown


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_workers(workers: int | None, scheduler: str | None = None) -> None:
    """Refuse a number of workers below one, or one given with a scheduler.

    Raises
    ------
    ConfigError
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ConfigError(f"`--workers` is {shown(workers)}; give a whole number of at least 1.")
    if workers is not None and scheduler:
        raise ConfigError("`--workers` sizes a local cluster; with `--scheduler` the cluster's own workers run "
                          "the batch, so leave `--workers` out.")


def worker_count(workers: int | None, tasks: int | None, cores: int | None = None) -> int:
    """Worker processes of a local cluster: ``workers`` (default the usable cores), never more than
    the data sets to run or the usable cores; an :class:`OptionWarning` says so when ``workers`` is cut."""
    from discover.core.options import OptionWarning

    cores = cores or usable_cores()
    limits = [cores] + ([tasks] if tasks else [])
    n = max(1, min([workers or cores, *limits]))
    if workers is not None and n < workers:
        why = []
        if tasks and tasks < workers:
            why.append(f"{tasks} data set{'s' if tasks != 1 else ''} to run")
        if cores < workers:
            why.append(f"{cores} usable core{'s' if cores != 1 else ''}")
        warnings.warn(f"`--workers {workers}` is more than the {' and '.join(why)}; {n} worker process"
                      f"{'es' if n != 1 else ''} started.", OptionWarning, stacklevel=2)
    return n


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, tasks: int | None = None):
    """A :class:`distributed.Client`, closed (with its local cluster) on exit.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); without it a
        :class:`distributed.LocalCluster` is started.
    workers : int, optional
        Worker processes of the local cluster (default: the usable cores); never more than
        ``tasks`` or the usable cores (:func:`worker_count`).
    tasks : int, optional
        How many data sets will run (no more workers are started than that).

    Raises
    ------
    ConfigError
        The scheduler cannot be reached, or ``workers`` is below 1.
    """
    check_workers(workers, scheduler)
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"Cannot reach the Dask scheduler at '{shown(scheduler, 200)}' ({shown(exc, 150)}); "
                              "start it (`dask scheduler`) or check `--scheduler`.") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = worker_count(workers, tasks)
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()
