"""One call from CSV files to a run folder: what ``discover run`` does, for Python users.

Input is refused fast: the settings, the files and the CSV are checked before the pipeline,
its plug-ins and torch are imported (this module loads nothing heavy itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from discover.rundir import check_out

if TYPE_CHECKING:
    from discover.pipeline import Discoverer


def run(paths: str | Path | Sequence[str | Path], out: str | Path, methods: str = "auto", time: str | None = None,
        states=None, seed: int = 0, device: str = "auto", sr_engine: str = "operon", progress=None, command: str = "",
        config: dict | None = None, node: dict | None = None, known=None, params=None,
        pinn: dict | None = None, delay: dict | None = None, force: bool = False) -> Discoverer:
    """Load the CSV file(s), fit, and write the report into ``out``.

    ``node`` holds neural ODE settings (fields of :class:`~discover.surrogates.NodeConfig`,
    e.g. ``{"solver": "dopri5", "regularise": 0.01}``); ``pinn`` those of
    :class:`~discover.surrogates.PinnConfig`. ``known`` (``{"x": "a*x"}`` or ``["x: a*x"]``) and
    ``params`` (``{"a": 1.3}`` or ``["a=1.3"]``) state the known part for ``methods="pinn"``.
    ``delay`` (``{"delays": 32, "spacing": 1, "rank": 15}``) sets the delay embedding of
    ``havok`` and ``hankel``; what is left out is chosen from the data.

    ``out`` is checked before anything is loaded or fitted (:func:`discover.rundir.check_out`):
    it must be absent, empty or an earlier run folder; ``force=True`` accepts a folder
    discover did not write and moves its content aside when the report is written.

    Returns the fitted :class:`~discover.pipeline.Discoverer`.
    """
    check_out(out, force=force)
    from discover.data.paths import check_paths

    paths = check_paths([paths] if isinstance(paths, (str, Path)) else list(paths))
    from discover.methods import check_run_settings, uses_network
    from discover.options import check_text

    check_run_settings(methods=methods, seed=seed, device=device, time=time, states=states)
    check_text(sr_engine, "`--sr-engine`")
    from discover.data.csv import file_hash, load_csv

    data = load_csv(paths, time=time, states=states)

    # The data are good: only now the pipeline, its plug-ins and (for a network) torch.
    from discover.distillers.sr_engines import check_engine
    from discover.distillers.symbolic_regression import SRConfig
    from discover.methods import parse_methods
    from discover.pipeline import Discoverer

    wants_sr = any(r.distiller == "sr" for r in parse_methods(methods))
    # An engine the user named must be usable; the default is only checked when SR runs.
    check_engine(sr_engine, required=wants_sr or sr_engine != "operon")
    if device == "cuda" and uses_network(methods):
        from discover.surrogates import resolve_device

        resolve_device(device)  # no GPU here: refused before any fitting
    node_cfg = node_config(node)
    pinn_cfg = None
    if pinn:
        from discover.surrogates import PinnConfig

        pinn_cfg = settings_table(pinn, PinnConfig, "pinn", "hidden-term PINN")
    model = Discoverer(methods=methods, seed=seed, device=device, sr=SRConfig(engine=sr_engine), node=node_cfg,
                       known=known, params=params, pinn=pinn_cfg, delay=delay_settings(delay),
                       progress=progress).fit(data)
    provenance = {
        "inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths],
        "command": command,
        "config": config or {},
    }
    model.write_report(out, provenance=provenance, force=force)
    return model


def node_config(settings: dict | None):
    """A NodeConfig from a ``[node]`` table; an unknown key is a clear error."""
    if not settings:
        return None
    from discover.surrogates import NodeConfig

    return settings_table(settings, NodeConfig, "node", "neural ODE")


def settings_table(settings: dict | None, cls, table: str, what: str):
    """A settings dataclass from a TOML table; an unknown key or a wrong type is a clear error."""
    if not settings:
        return None
    from dataclasses import fields

    from discover.errors import ConfigError, did_you_mean, shown

    known = {f.name: f for f in fields(cls)}
    for key, value in settings.items():
        if key not in known:
            raise ConfigError(f"Unknown {what} setting '{key}' in the [{table}] table{did_you_mean(key, known)}; "
                              f"allowed: {', '.join(sorted(known))}.")
        default = known[key].default
        if isinstance(default, bool):
            fine, what = isinstance(value, bool), "true or false"
        elif isinstance(default, int):
            fine, what = isinstance(value, int) and not isinstance(value, bool), "a whole number"
        elif isinstance(default, float):
            fine, what = isinstance(value, (int, float)) and not isinstance(value, bool), "a number"
        elif isinstance(default, str):
            fine, what = isinstance(value, str), "text"
        else:
            fine, what = True, ""
        if not fine:
            raise ConfigError(f"Setting '{key}' in the [{table}] table must be {what}, not {shown(repr(value))}.")
    return cls(**settings)


def delay_settings(settings: dict | None) -> dict | None:
    """The ``[delay]`` table: delays, spacing and rank, positive integers; anything else is refused."""
    if not settings:
        return None
    from discover.errors import ConfigError, did_you_mean

    allowed = ("delays", "spacing", "rank")
    for key, value in settings.items():
        if key not in allowed:
            raise ConfigError(f"Unknown delay setting '{key}' in the [delay] table{did_you_mean(key, allowed)}; "
                              f"allowed: {', '.join(allowed)}.")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"Setting '{key}' in the [delay] table must be a positive whole number, not {value!r}.")
    return dict(settings)
