import os

import numpy as np
import pytest

from discover.systems import generate, get_system, to_frame

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the fuzz tests skip themselves
    pass
else:
    # Property-based tests: `make test` runs the small seeded profile, `make test-all` sets
    # HYPOTHESIS_PROFILE=thorough. Both are derandomised (the same cases every run).
    _common = {"derandomize": True, "deadline": None, "database": None,
               "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
    settings.register_profile("fast", max_examples=100, **_common)
    settings.register_profile("thorough", max_examples=1000, **_common)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


@pytest.fixture
def write_system(tmp_path):
    """Write a generated reference system to a CSV and return (path, system)."""

    def _write(name, noise=0.0, points=1000, trajectories=3, seed=0, uneven=False):
        system = get_system(name)
        data = generate(system, points=points, trajectories=trajectories, noise=noise, seed=seed, uneven=uneven)
        path = tmp_path / f"{name}_{noise}_{trajectories}_{seed}.csv"
        to_frame(data).to_csv(path, index=False)
        return path, system

    return _write


@pytest.fixture
def csv(tmp_path):
    """Write text to a CSV file and return its path."""

    def _csv(text, name="data.csv"):
        p = tmp_path / name
        p.write_text(text)
        return p

    return _csv


def ramp_csv(n=30, cols="t,x,y"):
    t = np.linspace(0, 3, n)
    rows = [cols] + [f"{a:.4f},{np.sin(a):.5f},{np.cos(a):.5f}" for a in t]
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="session")
def lotka_volterra_csv(tmp_path_factory):
    """``make(points, trajectories)``: the path of a CSV of Lotka-Volterra at 1% noise (seed 0),
    written once per size for the whole session."""
    made = {}

    def _make(points, trajectories):
        if (points, trajectories) not in made:
            path = tmp_path_factory.mktemp("data") / f"lv_{points}_{trajectories}.csv"
            data = generate(get_system("lotka_volterra"), points=points, trajectories=trajectories, noise=0.01, seed=0)
            to_frame(data).to_csv(path, index=False)
            made[points, trajectories] = path
        return made[points, trajectories]

    return _make


@pytest.fixture(scope="session")
def sindy_run_folder(lotka_volterra_csv, tmp_path_factory):
    """A run folder written by `discover run --methods sindy --no-figures` (copy it before changing it)."""
    from typer.testing import CliRunner

    from cli.main import app

    out = tmp_path_factory.mktemp("sindy_run") / "run"
    r = CliRunner().invoke(app, ["run", str(lotka_volterra_csv(200, 2)), "--out", str(out), "--methods", "sindy",
                                 "--no-figures", "--quiet"])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="session")
def decay_csv(tmp_path_factory):
    """Two decays, x = exp(-t/2) and y = 2 exp(-3t/2), 200 rows on [0, 4]: the smallest run that selects."""
    t = np.linspace(0, 4, 200)
    path = tmp_path_factory.mktemp("data") / "decay.csv"
    rows = "\n".join(f"{a},{np.exp(-0.5 * a)},{2 * np.exp(-1.5 * a)}" for a in t)
    path.write_text("t,x,y\n" + rows + "\n")
    return path
