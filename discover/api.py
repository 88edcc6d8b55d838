"""One call from CSV files to a run folder: what ``discover run`` does, for Python users."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from discover.data.csv import file_hash, load_csv
from discover.pipeline import Discoverer


def run(paths: str | Path | Sequence[str | Path], out: str | Path, methods: str = "auto", time: str | None = None,
        states=None, seed: int = 0, device: str = "auto", progress=None, command: str = "",
        config: dict | None = None, **settings) -> Discoverer:
    """Load the CSV file(s), fit, and write the report into ``out``.

    Parameters
    ----------
    paths : path or list of paths
        CSV files (the input contract of the README).
    out : path
        The run folder to write.
    methods, seed, device, progress
        As :class:`~discover.pipeline.Discoverer` (``seed`` is its ``random_state``).
    time, states
        The time column and the state columns (default: found as the README says).
    command, config : recorded in ``run.json``.
    **settings
        A table of settings per plug-in, by its registered name, as in the config file:
        ``sindy={"degrees": [1, 2]}``, ``sr={"engine": "operon"}``, ``node={"solver": "dopri5"}``,
        ``pinn={"known": {"x": "a*x"}, "params": {"a": 1.3}}``, ``delay={"rank": 15}``.

    Returns
    -------
    Discoverer
        Fitted.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    data = load_csv(paths, time=time, states=states)
    model = Discoverer(methods=methods, random_state=seed, device=device,
                       settings={k: v for k, v in settings.items() if v is not None}, progress=progress).fit(data)
    provenance = {
        "inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths],
        "command": command,
        "config": config or {},
    }
    model.write_report(out, provenance=provenance)
    return model
