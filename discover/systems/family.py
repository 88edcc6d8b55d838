"""A family of data sets from one reference system, with parameters varied, and its manifest.

``discover generate lotka_volterra --vary alpha=0.8:1.6:8 -o lv/`` writes ``lv/lv_1.csv`` ...
``lv/lv_8.csv`` and ``lv/manifest.csv`` (columns ``file``, ``name``, ``alpha``), which
``discover batch lv/`` reads. Several ``--vary`` options make every combination. Every data set
uses the same seed, so only the varied parameters differ between them.
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import numpy as np

from discover.core.errors import ConfigError, did_you_mean, shown
from discover.systems.system import System

MAX_DATASETS = 10_000


def parse_vary(text: str, system: System) -> tuple[str, list[float]]:
    """``"alpha=0.8:1.6:8"`` (start:stop:count, both ends included) or ``"alpha=0.8,1.2"`` -> (name, values).

    Raises
    ------
    ConfigError
        Not ``NAME=VALUES``, a name that is not a parameter of ``system``, or values that are not numbers.
    """
    name, sep, values = str(text).partition("=")
    name = name.strip()
    if not sep or not name or not values.strip():
        raise ConfigError(f"`--vary` '{shown(text)}' must be NAME=START:STOP:COUNT or NAME=V1,V2,...; "
                          "for example alpha=0.8:1.6:8.")
    if name not in system.params:
        raise ConfigError(f"`--vary` names '{shown(name)}', which is not a parameter of {system.name}"
                          f"{did_you_mean(name, system.params)}; its parameters are {', '.join(system.params)}.")
    try:
        if ":" in values:
            parts = values.split(":")
            if len(parts) != 3 or not re.fullmatch(r"\s*\d+\s*", parts[2]):
                raise ValueError
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
            if count < 1:
                raise ValueError
            out = [float(v) for v in np.linspace(start, stop, count)]
        else:
            out = [float(v) for v in values.split(",")]
    except ValueError:
        raise ConfigError(f"`--vary` '{shown(text)}': the values must be START:STOP:COUNT (COUNT a whole number "
                          "of at least 1) or numbers separated by commas.") from None
    if not all(np.isfinite(out)):
        raise ConfigError(f"`--vary` '{shown(text)}' holds a value that is not a finite number.")
    return name, [round(v, 12) for v in out]


def family(system: System, vary: list[str]) -> list[dict]:
    """Every combination of the varied parameters: a list of ``{name: value}``.

    Raises
    ------
    ConfigError
        A bad ``--vary``, one parameter varied twice, or more than :data:`MAX_DATASETS` data sets.
    """
    parsed = [parse_vary(v, system) for v in vary]
    names = [n for n, _ in parsed]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ConfigError(f"`--vary` gives '{shown(dup)}' twice; give each parameter once.")
    n = int(np.prod([len(v) for _, v in parsed]))
    if n > MAX_DATASETS:
        raise ConfigError(f"`--vary` makes {n} data sets; give fewer values (at most {MAX_DATASETS}).")
    return [dict(zip(names, combo)) for combo in itertools.product(*(v for _, v in parsed))]


def write_family(system: System, vary: list[str], folder: str | Path, **generate_args) -> list[Path]:
    """Write one CSV per combination of the varied parameters and ``manifest.csv`` into ``folder``.

    ``generate_args`` are :func:`discover.systems.synthetic.generate`'s (points, noise, seed, ...).
    Files are named after the folder: ``NAME_1.csv``, ``NAME_2.csv``, ...

    Returns
    -------
    list of Path
        The data files, then the manifest.

    Raises
    ------
    ConfigError
        A bad ``--vary``; ``folder`` is a file; or a file it would write already exists (nothing is
        overwritten: give a new folder).
    """
    from discover.systems.synthetic import generate, to_frame

    combos = family(system, vary)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"`--output` '{shown(folder, 300)}' is a file; with `--vary` give a folder for the data sets.")
    stem = re.sub(r"[^\w.-]+", "_", folder.resolve().name).strip("._") or "data"
    files = [folder / f"{stem}_{i}.csv" for i in range(1, len(combos) + 1)]
    manifest = folder / "manifest.csv"
    taken = [p for p in [*files, manifest] if p.exists()]
    if taken:
        raise ConfigError(f"'{shown(taken[0], 300)}' already exists and would be overwritten; give a new folder "
                          "with `--output`.")
    datasets = [generate(system, params=params, **generate_args) for params in combos]  # all checked before writing
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in zip(files, datasets):
        to_frame(data).to_csv(path, index=False, float_format="%.10g")
    with open(manifest, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "name", *combos[0]])
        for path, params in zip(files, combos):
            w.writerow([path.name, path.stem, *(repr(v) for v in params.values())])
    return [*files, manifest]
