"""One call from CSV files to a run folder: what ``discover run`` does, for Python users.

Input is refused fast: the run folder, the settings, the files and the CSV are checked before
the pipeline, its plug-ins and torch are imported (this module loads nothing heavy itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from discover.core.rundir import check_out

if TYPE_CHECKING:
    from discover.pipeline.estimator import Discoverer


def run(paths: str | Path | Sequence[str | Path], out: str | Path, methods: str = "auto", time: str | None = None,
        states=None, seed: int = 0, device: str = "auto", progress=None, command: str = "",
        config: dict | None = None, force: bool = False, provenance: dict | None = None, figures: bool = True,
        inputs=None, input_hold: str = "linear", design_box=None, budget: float | None = None,
        space=None, periodic: bool | None = None, **settings) -> Discoverer:
    """Load the CSV file(s), fit, and write the report into ``out``.

    ``space`` chooses the loader and nothing else: without it the files are trajectories
    (:func:`discover.data.csv.load_csv`), with it fields on a grid
    (:func:`discover.pipeline.field_run.run_field`: :func:`discover.fields.io.load_field_data`); either
    way the same :meth:`Discoverer.fit <discover.pipeline.estimator.Discoverer.fit>` walks the data's
    plan and ``write_report`` writes the run folder.

    Parameters
    ----------
    paths : path or list of paths
        CSV files (the input contract of the README); with ``space``, long or wide CSV or ``.npz``
        of fields.
    out : path
        The run folder to write. It is checked before anything is loaded or fitted
        (:func:`discover.core.rundir.check_out`): it must be absent, empty or an earlier run folder.
    methods, seed, device, progress
        As :class:`~discover.pipeline.estimator.Discoverer` (``seed`` is its ``random_state``).
    time, states
        The time column and the state columns (default: found as the README says).
    inputs : str or list of str, optional
        Input columns (control or forcing signals): measured, not modelled.
    input_hold : {"linear", "zoh"}
        How inputs are read between samples when a model is simulated.
    design_box : str, list of str or dict, optional
        Where a next experiment may start (``"x: 0..10, y: -1..1"``); see
        :class:`~discover.pipeline.estimator.Discoverer`.
    budget : float, optional
        Seconds the fit may take; default generous but finite, scaled with the data's size (see
        :class:`~discover.pipeline.estimator.Discoverer`). A run that hits it still ends with a model;
        it bounds a field run the same way (each stage of the field plan gets its share).
    space : str or list of str, optional
        The spatial column(s) of field data (``"x"``, ``"x,y"``): the files are read as fields, and
        ``methods`` names a field method (:data:`discover.fields.methods.METHODS`). ``inputs``,
        ``input_hold`` and ``design_box`` do not apply to fields.
    periodic : bool, optional
        With ``space``: declare the boundary periodic (True) or bounded (False); detected by default.
    command, config : recorded in ``run.json``.
    force : bool
        Accept a folder discover did not write; its content is moved aside, never deleted.
    provenance : dict, optional
        More facts for ``run.json``'s ``provenance`` (``discover batch`` records its hashes there).
    figures : bool, default True
        Draw the figures; ``False`` writes the reports without them (faster; for pipelines that
        read only ``equations.json``).
    **settings
        A table of settings per plug-in, by its registered name, as in the config file:
        ``sindy={"degrees": [1, 2]}``, ``sr={"engine": "operon"}``, ``node={"solver": "dopri5"}``,
        ``pinn={"known": {"x": "a*x"}, "params": {"a": 1.3}}``, ``delay={"rank": 15}``.

    Returns
    -------
    Discoverer
        Fitted.
    """
    import time as clock

    if space is not None:  # fields: their loader, then the same fit and report
        from discover.pipeline.field_run import run_field

        return run_field(paths, out, space, methods=methods, time=time, states=states, seed=seed,
                         periodic=periodic, progress=progress, command=command, config=config, force=force,
                         tables={k: v for k, v in settings.items() if v is not None}, device=device,
                         provenance=provenance, budget=budget, figures=figures)
    started = clock.monotonic()  # the time budget counts from here: reading, fitting and the report
    check_out(out, force=force)
    from discover.data.paths import check_paths

    paths = check_paths([paths] if isinstance(paths, (str, Path)) else list(paths))
    from discover.pipeline.plan import check_run_settings, uses_network

    check_run_settings(methods=methods, seed=seed, device=device, time=time, states=states, inputs=inputs,
                       input_hold=input_hold, budget=budget)
    from discover.core.designbox import check_names, parse_design_box

    box = parse_design_box(design_box)
    from discover.data.csv import file_hash, load_csv

    data = load_csv(paths, time=time, states=states, inputs=inputs, hold=input_hold)
    check_names(box, data.names)

    # The data are good: a second process starts on the figures' imports (discover.report.parallel),
    # and only now this one imports the pipeline, its plug-ins and (for a network) torch.
    from discover.report.parallel import figure_worker

    with figure_worker(figures):
        from discover.pipeline.estimator import Discoverer

        if device == "cuda" and uses_network(methods):
            from discover.core.device import resolve_device

            resolve_device(device)  # no GPU here: refused before any fitting
        from discover.core.budget import run_started

        with run_started(started):
            model = Discoverer(methods=methods, random_state=seed, device=device,
                               settings={k: v for k, v in settings.items() if v is not None}, progress=progress,
                               design_box=box or None, budget=budget).fit(data)
        provenance = {
            "inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths],
            "command": command,
            "config": config or {},
            **(provenance or {}),
        }
        model.write_report(out, provenance=provenance, force=force, figures=figures)
    return model
