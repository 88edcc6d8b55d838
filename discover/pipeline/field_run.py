"""One call from field files u(t, x) to a PDE run folder: what ``discover run --space x`` does.

The run folder and the files are checked before anything heavy is imported; then
:func:`discover.fields.fit.discover_pde` finds the PDE and :mod:`discover.report.pde` writes the
folder. The method ``--methods`` names is looked up in :data:`discover.fields.methods.METHODS`: the
regression forms it runs, and the hook of a method that brings candidates of its own (the
hidden-term PINN in PDE form, ``--methods pinn --known 'u: d*u_xx'``), judged with the regressions'.
"""

from __future__ import annotations

import time as clock
from pathlib import Path

from discover.core.rundir import check_out


def run_field(paths, out: str | Path, space, methods: str = "auto", time: str | None = None, states=None,
              seed: int = 0, periodic: bool | None = None, progress=None, command: str = "",
              config: dict | None = None, force: bool = False, tables: dict | None = None,
              device: str = "auto", provenance: dict | None = None):
    """Load fields, discover the PDE, and write the run folder ``out``.

    Parameters
    ----------
    paths : path or list of paths
        Long or wide CSV, or ``.npz`` (see :mod:`discover.fields.io`).
    out : path
    space : str or list of str
        Spatial column(s).
    methods : str
        A name of :data:`discover.fields.methods.METHODS`: ``auto`` and ``sindy`` run both forms;
        ``weak`` or ``strong`` one of them; ``pinn`` both forms and the hidden-term PINN.
    time, states, seed, periodic, progress, command, config, force
        As for :func:`discover.api.run`; ``periodic`` declares the boundary.
    tables : dict, optional
        The plug-ins' tables by name, as :func:`discover.api.run` takes them (``--known`` and
        ``--param`` in the PINN's table, ``[pde_pinn]``); a method's hook reads its own.
    device : {"auto", "cpu", "cuda"}
    provenance : dict, optional
        More facts for ``run.json``'s ``provenance`` (``discover batch`` records its hashes there).

    Returns
    -------
    FieldResult
    """
    start = clock.perf_counter()
    check_out(out, force=force)
    from discover.core.options import check_seed
    from discover.fields.methods import FieldOptions, field_method

    check_seed(seed)
    method = field_method(methods)
    from discover.fields.io import load_fields

    fields = load_fields(paths, space=space, time=time, states=states, periodic=periodic)
    loaded = clock.perf_counter()
    from discover.data.csv import file_hash
    from discover.fields.fit import PdeConfig, discover_pde
    from discover.report.pde import write_field_run

    extra = method.extra(fields, FieldOptions(tables=dict(tables or {}), seed=seed, device=device, progress=progress))
    result = discover_pde(fields, PdeConfig(forms=method.forms), seed=seed, progress=progress, extra=extra)
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    provenance = {"inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths], "command": command,
                  "config": config or {}, **(provenance or {})}
    settings = {"requested_methods": methods, "seed": seed, "space": list(fields[0].space_names),
                "forms": list(method.forms), "periodic": list(fields[0].periodic)}
    result.timings = {"load_s": loaded - start, "fit_s": clock.perf_counter() - loaded}
    write_field_run(result, out, provenance, settings, force=force)
    result.timings["total_s"] = clock.perf_counter() - start
    return result


__all__ = ["run_field"]
