"""discover: equations dx/dt = f(x) from measured trajectories, with a report that says how sure it is.

The flow is CSV -> Dataset -> Surrogate (optional) -> Distiller -> Candidates -> Selection -> Report.

Examples
--------
>>> import discover
>>> data = discover.load_csv("examples/lorenz.csv")            # doctest: +SKIP
>>> model = discover.Discoverer(random_state=0).fit(data)              # doctest: +SKIP
>>> model.write_report("runs/lorenz")                          # doctest: +SKIP
>>> again = discover.load("runs/lorenz")                       # doctest: +SKIP
"""

from __future__ import annotations

import os as _os

# Compiled solvers (scipy's LSODA) write warnings to file descriptor 1 through gfortran's buffer,
# which is flushed whenever it fills or the process ends, past any redirection in place while
# they ran. Unbuffered, :func:`discover.core.silence.output_silenced` catches them as they come.
# Read by the Fortran runtime when scipy loads it, so set before anything imports scipy.
_os.environ.setdefault("GFORTRAN_UNBUFFERED_PRECONNECTED", "y")

__version__ = "0.1.0"

__all__ = ["Dataset", "Discoverer", "Trajectory", "__version__", "batch", "load", "load_csv", "run"]


def __getattr__(name):
    # Imports stay lazy so that `discover --help` answers at once.
    if name == "load_csv":
        from discover.data.csv import load_csv

        return load_csv
    if name in ("Dataset", "Trajectory"):
        from discover.data import dataset

        return getattr(dataset, name)
    if name == "Discoverer":
        from discover.pipeline.estimator import Discoverer

        return Discoverer
    if name == "load":
        from discover.pipeline.loading import load

        return load
    if name == "run":
        from discover.api import run

        return run
    if name == "batch":  # the package, callable as discover.batch(paths, ...) (see discover/batch/__init__.py)
        import importlib

        return importlib.import_module("discover.batch")
    raise AttributeError(f"module 'discover' has no attribute '{name}'")
