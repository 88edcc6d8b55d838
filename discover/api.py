"""One call from CSV files to a run folder: what ``discover run`` does, for Python users."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from discover.data.csv import file_hash, load_csv
from discover.distillers.symbolic_regression import SRConfig
from discover.pipeline import Discoverer


def run(paths: str | Path | Sequence[str | Path], out: str | Path, methods: str = "auto", time: str | None = None,
        states=None, seed: int = 0, device: str = "auto", sr_engine: str = "operon", progress=None, command: str = "",
        config: dict | None = None) -> Discoverer:
    """Load the CSV file(s), fit, and write the report into ``out``.

    Returns the fitted :class:`~discover.pipeline.Discoverer`.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    from discover.distillers.sr_engines import check_engine
    from discover.methods import parse_methods

    wants_sr = any(r.distiller == "sr" for r in parse_methods(methods))
    # An engine the user named must be usable; the default is only checked when SR runs.
    check_engine(sr_engine, required=wants_sr or sr_engine != "operon")
    data = load_csv(paths, time=time, states=states)
    model = Discoverer(methods=methods, seed=seed, device=device, sr=SRConfig(engine=sr_engine),
                       progress=progress).fit(data)
    provenance = {
        "inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths],
        "command": command,
        "config": config or {},
    }
    model.write_report(out, provenance=provenance)
    return model
