"""Symbolic regression engines: pyoperon (embedded default) and PySR (where Julia exists).

Each engine fits one target and returns its Pareto front as ``(expression string,
complexity)`` pairs in the variable names it is given (the distiller passes internal names
``x0, x1, ...``, never the data's own, and reads the strings with the restricted parser).
PySR is detected without importing it: importing PySR on a machine without Julia starts a
download, which this program never does unless the user opts in with
``DISCOVER_ALLOW_JULIA_DOWNLOAD=1``.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
from dataclasses import dataclass

import numpy as np

from discover.core.budget import current
from discover.core.errors import ConfigError, UnavailableError

ENGINES = ("operon", "pysr")
MAX_SECONDS = 7 * 24 * 3600  # pyoperon's time limit when none is set: a week


@dataclass(frozen=True)
class EngineSettings:
    operators: tuple[str, ...]
    generations: int
    population_size: int
    max_length: int
    max_time: int | None
    max_evaluations: int
    threads: int
    stall: int = 0  # generations without progress of the front that end a search (0: run the whole budget)


def julia_executable() -> str | None:
    """Path of a Julia executable, from ``JULIA_EXE``/``PYTHON_JULIACALL_EXE`` or PATH."""
    for var in ("PYTHON_JULIACALL_EXE", "JULIA_EXE"):
        path = os.environ.get(var)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return shutil.which("julia")


def pysr_status() -> tuple[bool, str]:
    """Whether PySR can run here, and why not (no import, no network)."""
    if importlib.util.find_spec("pysr") is None:
        return False, "the `pysr` package is not installed (pip install 'discover-equations[pysr]')"
    if julia_executable() is None:
        return False, ("no Julia executable was found on PATH (install Julia 1.10+ from julialang.org or with "
                       "juliaup, or set JULIA_EXE)")
    return True, "available"


def operon_available() -> bool:
    return importlib.util.find_spec("pyoperon") is not None


def fit_operon(X: np.ndarray, y: np.ndarray, names, settings: EngineSettings, seed: int,
               stats: dict | None = None) -> list[tuple[str, int]]:
    """Search ``y = f(X)``; return the Pareto front as ``(text, complexity)`` pairs.

    With ``settings.stall`` > 0 the search ends once its front has not improved for that many
    generations (:mod:`discover.distillers.operon_search`; a pyoperon without the wrapper parts
    that module builds from runs the whole budget); ``stats``, when given, receives
    ``generations``, ``evaluations`` and ``stopped_early``.
    """
    try:
        from pyoperon.sklearn import SymbolicRegressor
    except ImportError:  # pragma: no cover - pyoperon is a core dependency
        raise UnavailableError("Symbolic regression needs pyoperon; install it with `pip install pyoperon`.") from None
    from discover.distillers import operon_search

    stalling = settings.stall > 0 and operon_search.supported()
    max_time = settings.max_time
    left = current().left()
    if not stalling and math.isfinite(left):
        # the whole-budget search reads the time budget's deadline through pyoperon's own time limit
        # (the stalling search reads it between generations: discover.distillers.operon_search)
        max_time = max(1, min(max_time or MAX_SECONDS, math.ceil(left)))
    reg = SymbolicRegressor(
        allowed_symbols=",".join(("add", "sub", "mul", "div", "constant", "variable") + settings.operators),
        optimizer_iterations=10,  # pyoperon's default of 0 switches constant fitting off
        generations=settings.generations,
        population_size=settings.population_size,
        max_length=settings.max_length,
        objectives=["r2", "length"],
        max_evaluations=settings.max_evaluations,
        max_time=max_time,
        n_threads=settings.threads,
        random_state=seed,
    )
    if stalling:
        operon_search.fit(reg, X, y, settings.stall)
    else:
        reg.fit(X, y)
    if stats is not None:
        stats.update(generations=int(reg.stats_["generations"]), evaluations=int(reg.stats_["evaluation_count"]),
                     stopped_early=bool(reg.stats_.get("stopped_early", False)),
                     **({"cut_by_budget": True} if reg.stats_.get("cut_by_budget") else {}))
    return [(reg.get_model_string(p["tree"], 8, list(names)), int(p["complexity"])) for p in reg.pareto_front_]


def fit_pysr(X: np.ndarray, y: np.ndarray, names, settings: EngineSettings, seed: int,
             stats: dict | None = None) -> list[tuple[str, int]]:
    ok, why = pysr_status()
    if not ok:
        raise UnavailableError(f"PySR cannot run here: {why}; or use the embedded engine with `--sr-engine operon`.")
    if os.environ.get("DISCOVER_ALLOW_JULIA_DOWNLOAD") != "1":
        os.environ.setdefault("PYTHON_JULIAPKG_OFFLINE", "yes")
    from pysr import PySRRegressor  # noqa: PLC0415 - imported only once Julia is known to exist

    unary = [op for op in settings.operators if op in ("sin", "cos", "exp", "log")]
    model = PySRRegressor(
        binary_operators=["+", "-", "*", "/"],
        unary_operators=unary,
        niterations=max(1, settings.generations // 10),
        populations=8,
        maxsize=settings.max_length,
        timeout_in_seconds=settings.max_time,  # None: no limit
        random_state=seed,
        deterministic=True,
        parallelism="serial",
        progress=False,
        verbosity=0,
    )
    model.fit(X, y, variable_names=list(names))
    return [(str(row["sympy_format"]), int(row["complexity"])) for _, row in model.equations_.iterrows()]


def get_engine(name: str):
    if name == "operon":
        return fit_operon
    if name == "pysr":
        ok, why = pysr_status()
        if not ok:
            raise UnavailableError(f"`--sr-engine pysr` cannot run here: {why}; or use `--sr-engine operon`.")
        return fit_pysr
    raise ConfigError(f"Unknown symbolic regression engine '{name}'; choose one of {', '.join(ENGINES)}.")


def engine_usable(name: str) -> bool:
    if name == "operon":
        return operon_available()
    if name == "pysr":
        return pysr_status()[0]
    return False


def check_engine(name: str, required: bool) -> None:
    """Raise a clear error for an unknown engine, or for an unusable one the user asked for."""
    if name not in ENGINES:
        raise ConfigError(f"Unknown symbolic regression engine '{name}'; choose one of {', '.join(ENGINES)}.")
    if required:
        get_engine(name)
