"""One call from CSV files to a run folder: what ``discover run`` does, for Python users."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from discover.data.csv import file_hash, load_csv
from discover.distillers.symbolic_regression import SRConfig
from discover.pipeline import Discoverer


def run(paths: str | Path | Sequence[str | Path], out: str | Path, methods: str = "auto", time: str | None = None,
        states=None, seed: int = 0, device: str = "auto", sr_engine: str = "operon", progress=None, command: str = "",
        config: dict | None = None, node: dict | None = None) -> Discoverer:
    """Load the CSV file(s), fit, and write the report into ``out``.

    ``node`` holds neural ODE settings (fields of :class:`~discover.surrogates.NodeConfig`,
    e.g. ``{"solver": "dopri5", "regularise": 0.01}``).

    Returns the fitted :class:`~discover.pipeline.Discoverer`.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    from discover.distillers.sr_engines import check_engine
    from discover.methods import parse_methods

    wants_sr = any(r.distiller == "sr" for r in parse_methods(methods))
    # An engine the user named must be usable; the default is only checked when SR runs.
    check_engine(sr_engine, required=wants_sr or sr_engine != "operon")
    node_cfg = node_config(node)
    data = load_csv(paths, time=time, states=states)
    model = Discoverer(methods=methods, seed=seed, device=device, sr=SRConfig(engine=sr_engine), node=node_cfg,
                       progress=progress).fit(data)
    provenance = {
        "inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths],
        "command": command,
        "config": config or {},
    }
    model.write_report(out, provenance=provenance)
    return model


def node_config(settings: dict | None):
    """A NodeConfig from a ``[node]`` table; an unknown key is a clear error."""
    if not settings:
        return None
    from dataclasses import fields

    from discover.errors import ConfigError, did_you_mean
    from discover.surrogates import NodeConfig

    known = {f.name for f in fields(NodeConfig)}
    for key in settings:
        if key not in known:
            raise ConfigError(f"Unknown neural ODE setting '{key}' in the [node] table{did_you_mean(key, known)}; "
                              f"allowed: {', '.join(sorted(known))}.")
    return NodeConfig(**settings)
