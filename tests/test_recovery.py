"""Real recovery: generated data in, exact structure and coefficients out (SINDy path, default settings)."""

import pytest

import discover
from discover.core.structure import compare


@pytest.mark.parametrize("noise", [0.0, 0.01])
@pytest.mark.parametrize("name", ["lorenz", "lotka_volterra", "vanderpol"])
def test_exact_structure_and_coefficients(write_system, name, noise):
    path, system = write_system(name, noise=noise, points=1500, trajectories=3, seed=0)
    model = discover.Discoverer(random_state=0).fit(discover.load_csv(path))
    result = compare(model.equations_, system.equations())
    assert result["exact"], model.best_.strings()
    assert result["max_coef_error"] < (0.005 if noise == 0 else 0.02)
    assert model.confidence_ == "high"


def test_single_noisy_lorenz_run(write_system):
    """The README's demo case: one Lorenz run at 1% noise, the block from 60% to 80% held out."""
    path, system = write_system("lorenz", noise=0.01, points=4000, trajectories=1, seed=0)
    model = discover.Discoverer(random_state=0).fit(discover.load_csv(path))
    result = compare(model.equations_, system.equations())
    assert result["exact"] and result["max_coef_error"] < 0.02


def test_uneven_sampling(write_system):
    path, system = write_system("vanderpol", noise=0.01, points=1500, trajectories=3, seed=4, uneven=True)
    model = discover.Discoverer(random_state=0).fit(discover.load_csv(path))
    assert compare(model.equations_, system.equations())["exact"], model.best_.strings()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["rossler", "duffing", "sir", "logistic", "brusselator"])
def test_other_polynomial_systems(write_system, name):
    path, system = write_system(name, noise=0.01, points=2000, trajectories=3, seed=0)
    model = discover.Discoverer(random_state=0).fit(discover.load_csv(path))
    assert compare(model.equations_, system.equations())["exact"], model.best_.strings()
