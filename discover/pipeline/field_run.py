"""One call from field files u(t, x) to a PDE run folder: what ``discover run --space x`` does.

The run folder and the files are checked before anything heavy is imported; then
:func:`discover.fields.fit.discover_pde` finds the PDE and :mod:`discover.report.pde` writes the
folder. With ``--methods pinn --known 'u: d*u_xx'`` the hidden-term PINN in PDE form
(:mod:`discover.fields.hidden`) adds its PDE to the candidates.
"""

from __future__ import annotations

from pathlib import Path

from discover.core.errors import ConfigError
from discover.core.rundir import check_out

FIELD_METHODS = ("auto", "sindy", "weak", "strong", "pinn")


def run_field(paths, out: str | Path, space, methods: str = "auto", time: str | None = None, states=None,
              seed: int = 0, periodic: bool | None = None, progress=None, command: str = "",
              config: dict | None = None, force: bool = False, known=None, params=None, pinn_settings=None,
              device: str = "auto", provenance: dict | None = None):
    """Load fields, discover the PDE, and write the run folder ``out``.

    Parameters
    ----------
    paths : path or list of paths
        Long or wide CSV, or ``.npz`` (see :mod:`discover.fields.io`).
    out : path
    space : str or list of str
        Spatial column(s).
    methods : {"auto", "sindy", "weak", "strong", "pinn"}
        ``auto`` and ``sindy`` run both forms; ``weak`` or ``strong`` one of them; ``pinn`` both forms
        and the hidden-term PINN.
    time, states, seed, periodic, progress, command, config, force
        As for :func:`discover.api.run`; ``periodic`` declares the boundary.
    known, params : list of str, optional
        Known part of the operator and fixed parameters for the hidden-term PINN (``--methods pinn``,
        :mod:`discover.fields.hidden`); its PDE is judged beside the weak and strong regressions'.
    pinn_settings : dict, optional
        The ``[pde_pinn]`` table.
    device : {"auto", "cpu", "cuda"}
    provenance : dict, optional
        More facts for ``run.json``'s ``provenance`` (``discover batch`` records its hashes there).

    Returns
    -------
    FieldResult
    """
    check_out(out, force=force)
    from discover.core.options import check_seed

    check_seed(seed)
    m = (methods or "auto").strip().lower()
    if m not in FIELD_METHODS:
        raise ConfigError(f"`--methods` with `--space` must be one of {', '.join(FIELD_METHODS)}, not '{methods}'.")
    from discover.fields.io import load_fields

    fields = load_fields(paths, space=space, time=time, states=states, periodic=periodic)
    from discover.data.csv import file_hash
    from discover.fields.fit import PdeConfig, discover_pde
    from discover.report.pde import write_field_run

    forms = ("weak", "strong") if m in ("auto", "sindy", "pinn") else (m,)
    extra = None
    if m == "pinn":
        from discover.fields.pinn_route import pinn_candidates

        extra = pinn_candidates(fields, known, params, pinn_settings, seed=seed, device=device, progress=progress)
    result = discover_pde(fields, PdeConfig(forms=forms), seed=seed, progress=progress, extra=extra)
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    provenance = {"inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths], "command": command,
                  "config": config or {}, **(provenance or {})}
    settings = {"requested_methods": methods, "seed": seed, "space": list(fields[0].space_names), "forms": list(forms),
                "periodic": list(fields[0].periodic)}
    write_field_run(result, out, provenance, settings, force=force)
    return result


__all__ = ["run_field"]
