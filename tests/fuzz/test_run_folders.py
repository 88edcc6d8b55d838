"""Fuzz suite, run folders read back: a run folder whose equations.json or run.json had one value
replaced (by null, a number, text, a list, an object) or one key removed is either read, exported
and rendered again, or refused with a DataError in one line; never another exception (issue 31).

`make test` runs 10 seeded damages; `make test-all` 400 more.
"""

from __future__ import annotations

import json
import random
import shutil

import pytest

from discover.core.errors import DataError
from discover.export import to_latex, to_python, to_sympy_text
from discover.report.run_folder import load_run, write_run

VALUES = [None, 0, 1, -1, 1e308, 2.5, True, "", "x", "nan", "high", [], ["x"], [1, "a"], {}, {"a": 1}]


@pytest.fixture
def run_folder(sindy_run_folder):
    return sindy_run_folder


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            yield from _paths(v, (*prefix, i))


def damage(folder, rng: random.Random) -> str:
    """Replace or remove one value of equations.json or run.json; say which."""
    name = rng.choice(["equations.json", "run.json"])
    doc = json.loads((folder / name).read_text())
    path = rng.choice([p for p in _paths(doc) if p])
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[path[-1]]
        what = "removed"
    else:
        parent[path[-1]] = rng.choice(VALUES)
        what = f"= {parent[path[-1]]!r}"
    (folder / name).write_text(json.dumps(doc))
    return f"{name}: {'/'.join(map(str, path))} {what}"


def check(run_folder, tmp_path, seed: int) -> None:
    folder = tmp_path / f"run{seed}"
    shutil.copytree(run_folder, folder)
    what = damage(folder, random.Random(seed))
    try:
        result = load_run(folder)
        for export in (to_python, to_latex, to_sympy_text):
            export(result)
        write_run(result, tmp_path / f"again{seed}", figures=False)
    except DataError as exc:
        assert "\n" not in str(exc), what
    except Exception as exc:  # noqa: BLE001 - the property: only discover's own error
        raise AssertionError(f"{what}: {type(exc).__name__}: {exc}") from exc


@pytest.mark.parametrize("seed", range(10))
def test_damaged_run_folder_fast(run_folder, tmp_path, seed):
    check(run_folder, tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 410))
def test_damaged_run_folder_whole(run_folder, tmp_path, seed):
    check(run_folder, tmp_path, seed)
