"""Batch discovery: one run per data set, spread over a Dask cluster, with a summary.

``discover batch DATA --out DIR`` and :func:`batch` find the data sets
(:mod:`~discover.batch.manifest`), run each on a worker (:mod:`~discover.batch.task`), skip
those already finished (:mod:`~discover.batch.resume`), and write ``DIR/runs/NAME/``,
``DIR/summary.csv`` (:mod:`~discover.batch.summary`) and ``DIR/summary.html``
(:mod:`~discover.batch.html`). Dask is imported only when a batch runs.
"""

import sys
import types

from discover.batch.manifest import DataSet, find_datasets
from discover.batch.runner import batch

__all__ = ["DataSet", "batch", "find_datasets"]


class _CallableModule(types.ModuleType):
    """``discover.batch(...)`` calls :func:`batch`: the package and the function share the name, and
    importing the package binds ``discover.batch`` to it, so the package itself is made callable."""

    def __call__(self, *args, **kwargs):
        return batch(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
