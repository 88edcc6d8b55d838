"""One call from field files u(t, x) to a PDE run folder: what ``discover run --space x`` does.

No route of its own: the run folder, the seed and the method are checked before anything heavy is
imported, the files are read into a field data set (:func:`discover.fields.io.load_field_data`,
the loader ``--space`` chooses), and the same :meth:`discover.Discoverer.fit` that walks trajectories
walks it with the field plan (:mod:`discover.pipeline.field_plan`); ``write_report`` writes the PDE
run folder. :func:`discover.api.run` calls this with ``space=``.
"""

from __future__ import annotations

import time as clock
from pathlib import Path

from discover.core.rundir import check_out


def run_field(paths, out: str | Path, space, methods: str = "auto", time: str | None = None, states=None,
              seed: int = 0, periodic: bool | None = None, progress=None, command: str = "",
              config: dict | None = None, force: bool = False, tables: dict | None = None,
              device: str = "auto", provenance: dict | None = None, budget: float | None = None,
              figures: bool = True):
    """Load fields, fit them with :class:`~discover.pipeline.estimator.Discoverer`, and write the run folder ``out``.

    Parameters
    ----------
    paths : path or list of paths
        Long or wide CSV, or ``.npz`` (see :mod:`discover.fields.io`).
    out : path
    space : str or list of str
        Spatial column(s).
    methods : str
        A name of :data:`discover.fields.methods.METHODS`: ``auto`` and ``sindy`` run both forms;
        ``weak`` or ``strong`` one of them; a method with a hook of its own adds its candidates.
    time, states, seed, periodic, progress, command, config, force
        As for :func:`discover.api.run`; ``periodic`` declares the boundary.
    tables : dict, optional
        The plug-ins' tables by name, as :func:`discover.api.run` takes them; a method's hook reads
        its own (the estimator's ``settings``).
    device : {"auto", "cpu", "cuda"}
    provenance : dict, optional
        More facts for ``run.json``'s ``provenance`` (``discover batch`` records its hashes there).
    budget : float, optional
        Seconds the run may take, counted from this call (reading the files, the fit): as for
        trajectories, each stage of the field plan gets its share and the selection always runs.
    figures : bool, default True
        Draw the figure; ``False`` writes the reports without it (matplotlib is not imported).

    Returns
    -------
    Discoverer
        Fitted on the fields: ``result_`` is the :class:`~discover.fields.result.FieldResult`, its
        ``timings`` ``load_s``, ``fit_s`` and ``total_s``.
    """
    start, started = clock.perf_counter(), clock.monotonic()  # the time budget counts from here
    check_out(out, force=force)
    from discover.core.budget import check_budget, run_started
    from discover.core.options import check_seed
    from discover.fields.methods import field_method

    check_seed(seed)
    check_budget(budget)
    field_method(methods)
    from discover.fields.io import load_field_data

    data = load_field_data(paths, space=space, time=time, states=states, periodic=periodic)
    loaded = clock.perf_counter()
    from discover.data.csv import file_hash
    from discover.pipeline.estimator import Discoverer

    with run_started(started):
        model = Discoverer(methods=methods, random_state=seed, device=device, settings=dict(tables or {}),
                           progress=progress, budget=budget).fit(data)
    result = model.result_
    result.timings = {"load_s": loaded - start, **result.timings}
    provenance = {"inputs": [{"path": p, "sha256": file_hash(p)} for p in data.source], "command": command,
                  "config": config or {}, **(provenance or {})}
    model.write_report(out, provenance=provenance, force=force, figures=figures)
    result.timings["total_s"] = clock.perf_counter() - start
    return model


__all__ = ["run_field"]
