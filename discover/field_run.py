"""One call from field files u(t, x) to a PDE run folder: what ``discover run --space x`` does.

The run folder and the files are checked before anything heavy is imported; then
:func:`discover.fields.fit.discover_pde` finds the PDE and :mod:`discover.report.pde` writes the
folder. The hidden-term PINN in PDE form (``--methods pinn --known 'u: d*u_xx'``) is
:mod:`discover.fields.hidden`; :func:`run_field` refuses it until that module is wired here.
"""

from __future__ import annotations

from pathlib import Path

from discover.errors import ConfigError
from discover.rundir import check_out

FIELD_METHODS = ("auto", "sindy", "weak", "strong")


def run_field(paths, out: str | Path, space, methods: str = "auto", time: str | None = None, states=None,
              seed: int = 0, periodic: bool | None = None, progress=None, command: str = "",
              config: dict | None = None, force: bool = False, known=None):
    """Load fields, discover the PDE, and write the run folder ``out``.

    Parameters
    ----------
    paths : path or list of paths
        Long or wide CSV, or ``.npz`` (see :mod:`discover.fields.io`).
    out : path
    space : str or list of str
        Spatial column(s).
    methods : {"auto", "sindy", "weak", "strong"}
        ``auto`` and ``sindy`` run both forms; ``weak`` or ``strong`` one of them.
    time, states, seed, periodic, progress, command, config, force
        As for :func:`discover.api.run`; ``periodic`` declares the boundary.
    known : dict, optional
        Known part for the hidden-term PINN (``--methods pinn``), passed on to
        :mod:`discover.fields.hidden` once it is wired here.

    Returns
    -------
    FieldResult
    """
    check_out(out, force=force)
    from discover.options import check_seed

    check_seed(seed)
    m = (methods or "auto").strip().lower()
    if m == "pinn":
        # Hook for the hidden-term PINN in PDE form (discover/fields/hidden.py, issue 22): it takes
        # the loaded fields and ``known`` and returns sympy expressions of the hidden term.
        raise ConfigError("`--methods pinn` with `--space` (the hidden-term PINN for PDEs) is not wired in this "
                          "build; use --methods auto, weak or strong.")
    if m not in FIELD_METHODS:
        raise ConfigError(f"`--methods` with `--space` must be one of {', '.join(FIELD_METHODS)}, not '{methods}'.")
    from discover.fields.io import load_fields

    fields = load_fields(paths, space=space, time=time, states=states, periodic=periodic)
    from discover.data.csv import file_hash
    from discover.fields.fit import PdeConfig, discover_pde
    from discover.report.pde import write_field_run

    forms = ("weak", "strong") if m in ("auto", "sindy") else (m,)
    result = discover_pde(fields, PdeConfig(forms=forms), seed=seed, progress=progress)
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    provenance = {"inputs": [{"path": str(p), "sha256": file_hash(p)} for p in paths], "command": command,
                  "config": config or {}}
    settings = {"requested_methods": methods, "seed": seed, "space": list(fields[0].space_names), "forms": list(forms),
                "periodic": list(fields[0].periodic)}
    write_field_run(result, out, provenance, settings, force=force)
    return result


__all__ = ["run_field"]
