"""Neural ODE surrogate: real training at small size on the CPU, seeded."""

import numpy as np
import pytest
import torch

from discover import Discoverer
from discover.core.structure import compare
from discover.data.csv import load_csv
from discover.data.prepared import prepare
from discover.surrogates import NeuralODE, NodeConfig
from discover.surrogates.solvers import Counter, dopri5, local_error, rk4
from discover.systems import generate, get_system


def test_solvers_agree_with_the_exact_solution_on_uneven_windows():
    f = lambda x: torch.stack([x[:, 1], -x[:, 0]], dim=1)  # noqa: E731  harmonic oscillator
    times = torch.tensor([[0.0, 0.1, 0.35, 0.4, 1.0], [0.0, 0.5, 0.6, 1.2, 2.0]])
    x0 = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    exact = torch.stack([torch.stack([torch.cos(times[0]), -torch.sin(times[0])], -1),
                         torch.stack([torch.sin(times[1]), torch.cos(times[1])], -1)])
    assert torch.allclose(rk4(f, x0, times, substeps=8), exact, atol=1e-5)
    counted = Counter(f)
    assert torch.allclose(dopri5(counted, x0, times, rtol=1e-7, atol=1e-9), exact, atol=1e-5)
    assert counted.n > 0
    # a faster oscillation has a larger local error estimate for the same step
    fast = lambda x: 5 * f(x)  # noqa: E731
    h = torch.full((2,), 0.2)
    assert (local_error(fast, x0, h) > local_error(f, x0, h)).all()


def test_lotka_volterra_at_5_percent_noise_is_recovered_through_the_neural_ode(write_system):
    path, system = write_system("lotka_volterra", noise=0.05, points=300, trajectories=3, seed=2)
    model = Discoverer(methods="node", random_state=0).fit(load_csv(path))
    result = compare(model.equations_, system.equations())
    assert model.best_.method == "node+sindy"
    assert result["exact"]
    assert result["max_coef_error"] < 0.1
    facts = model.result_.surrogates["node"]
    assert facts.epochs > 10 and facts.nfe_per_forecast > 0


def test_saved_model_loads_and_forecasts_the_same(tmp_path):
    system = get_system("vanderpol")
    data = generate(system, points=200, trajectories=2, noise=0.01, seed=0)
    node = NeuralODE(NodeConfig(epochs=15, pretrain=100), random_state=3, device="cpu").fit(prepare(data))
    node.save(tmp_path / "node.pt")
    back = NeuralODE.load(tmp_path / "node.pt")
    states = data.trajectories[0].x[:20]
    assert np.allclose(node.vector_field(states), back.vector_field(states), atol=1e-6)
    t = data.trajectories[0].t[:50]
    assert np.allclose(node.predict(t, states[0]), back.predict(t, states[0]), atol=1e-5)


def test_same_seed_same_field():
    data = generate(get_system("lotka_volterra"), points=150, trajectories=2, noise=0.02, seed=0)
    cfg = NodeConfig(epochs=10, pretrain=50)
    a = NeuralODE(cfg, random_state=1).fit(prepare(data)).vector_field(data.trajectories[0].x[:10])
    b = NeuralODE(cfg, random_state=1).fit(prepare(data)).vector_field(data.trajectories[0].x[:10])
    assert np.array_equal(a, b)


def test_unknown_solver_is_refused():
    from discover.core.errors import ConfigError

    data = generate(get_system("lotka_volterra"), points=60, trajectories=1, seed=0)
    with pytest.raises(ConfigError, match=r"'solver' in the \[node\] table must be one of rk4, dopri5, not 'euler'"):
        NeuralODE({"solver": "euler"}).fit(prepare(data))
