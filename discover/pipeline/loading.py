"""A run folder read back into a fitted :class:`~discover.pipeline.estimator.Discoverer`.

The equations, candidates, scores and confidence come from
:func:`~discover.report.run_folder.load_run`, which reads every formula through the restricted
parser (:mod:`discover.core.expressions`); the surrogates the run saved under ``models/`` are read
back with their plug-in's ``load``. A PDE run folder is read into the same estimator, as
:meth:`~discover.pipeline.estimator.Discoverer.fit` leaves it after fitting fields (``kind_ ==
"field"``; :class:`~discover.pipeline.field_model.FieldModel` is its view of the PDE).
"""

from __future__ import annotations

from pathlib import Path

from discover.pipeline.estimator import Discoverer
from discover.report.folder_check import model_paths
from discover.report.run_folder import load_run
from discover.result import RunResult


def load(run_dir: str | Path, device: str = "cpu"):
    """Read the run folder ``run_dir`` (written by ``discover run`` or ``write_report``) into a fitted model.

    Parameters
    ----------
    run_dir : path
        A run folder: it holds discover's ``run.json``, ``equations.json`` and ``data.npz``.
    device : {"cpu", "cuda", "auto"}, default "cpu"
        Where saved surrogates are loaded.

    Returns
    -------
    Discoverer
        Fitted: ``equations_``, ``best_``, ``candidates_``, ``confidence_``, ``result_`` and
        ``surrogates_`` (those saved in ``models/`` whose plug-in is registered here) are set,
        and ``predict``, ``simulate``, ``score`` and ``write_report`` work as after ``fit``.
        The constructor's parameters are the run's own (methods, seed, device, settings).
        For a PDE run folder (``discover run --space``) the same estimator as after fitting fields:
        ``kind_ == "field"``, ``equations_`` (sympy on internal symbols, ``symbols_`` their labels),
        ``confidence_``, ``coefficients_`` (value and standard error per term), ``candidates_``,
        ``result_`` (the :class:`~discover.fields.result.FieldResult`), ``simulate(run)`` of the
        field on the stored grid, ``to_python`` and ``write_report``.

    Raises
    ------
    DataError
        ``run_dir`` is not a run folder of discover, is damaged (a file unreadable, a key missing or
        of the wrong type, a confidence other than high, medium or low), holds a symbolic link
        where discover writes a file, or a formula in it cannot be read.

    Examples
    --------
    >>> import discover
    >>> model = discover.load("runs/lv")                                  # doctest: +SKIP
    >>> model.simulate(t, x0)                                             # doctest: +SKIP
    """
    from discover.surrogates import REGISTRY

    folder = Path(run_dir)
    result = load_run(folder)
    settings = result.settings or {}
    model = Discoverer(methods=settings.get("requested_methods", "auto"), random_state=settings.get("seed", 0),
                       device=settings.get("device", "auto"), settings=settings.get("tables") or None)
    if not isinstance(result, RunResult):  # a PDE run folder (discover run --space): as after fitting fields
        model._adopt(result, {})
        return model
    surrogates = {}
    for path in model_paths(folder):  # regular files only: a link out of the folder is refused
        label = path.name[: -len(".pt")]
        if label in REGISTRY:
            surrogates[label] = REGISTRY.get_class(label).load(path, device=device)
    model._adopt(result, surrogates)
    return model
