"""`to_callable` of a driven model: f(x, u, t=None), with u the inputs' values or a function u(t), agreeing
with `predict(states, u=...)` and `simulate(t, x0, u=...)`."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import discover
from discover.core.errors import ConfigError
from discover.data.dataset import Dataset, Trajectory


@pytest.fixture(scope="module")
def model():
    """dx/dt = -0.5 x + 0.4 u x + u, u = sin(1.3 t) + 0.5 sin(0.4 t) (two runs, no noise)."""
    runs = []
    for k, x0 in enumerate((0.2, -0.3)):
        t = np.linspace(0, 12, 300)

        def u(s, k=k):
            return np.sin(1.3 * s + k) + 0.5 * np.sin(0.4 * s)

        sol = solve_ivp(lambda s, x: -0.5 * x + 0.4 * u(s) * x + u(s), (0, 12), [x0], t_eval=t, rtol=1e-10,
                        atol=1e-12)
        runs.append(Trajectory(t, sol.y.T, f"r{k}", u(t)[:, None]))
    return discover.Discoverer(methods="sindy", random_state=0).fit(Dataset(runs, ("x",), inputs=("u",)))


def test_driven_callable_agrees_with_predict_and_simulate(model):
    assert model.result_.inputs == ("u",)
    rng = np.random.default_rng(0)
    x, w = rng.uniform(-1, 1, size=(15, 1)), rng.uniform(-1, 1, size=(15, 1))
    f = model.to_callable()
    want = model.predict(x, u=w)
    np.testing.assert_allclose(f(x, w), want, rtol=1e-12)
    np.testing.assert_allclose(f(x, w[:, 0]), want, rtol=1e-12)  # a single input without its own axis
    np.testing.assert_allclose(f(x[0], w[0, 0]), want[0], rtol=1e-12)
    assert f([1.0], [0.0])[0] == pytest.approx(-0.5, rel=1e-3)  # the recovered model itself, at u = 0

    def drive(s):
        return np.array([np.cos(0.7 * s)])

    times = np.linspace(0, 3, 15)
    np.testing.assert_allclose(f(x, drive, t=times), model.predict(x, u=np.cos(0.7 * times)[:, None]), rtol=1e-12)
    sim = model.simulate(times, [0.4], u=drive)
    mine = solve_ivp(lambda s, y: f(y, drive, t=s), (0, 3), [0.4], t_eval=times, rtol=1e-9, atol=1e-12).y.T
    np.testing.assert_allclose(mine, sim, atol=1e-4)


def test_driven_callable_in_torch_and_its_refusals(model):
    f = model.to_callable()
    torch = pytest.importorskip("torch")
    g = model.to_callable("torch")
    x = torch.tensor([[0.3], [-0.2]], dtype=torch.float64, requires_grad=True)
    y = g(x, torch.tensor([[0.5], [1.0]], dtype=torch.float64))
    np.testing.assert_allclose(y.detach().numpy(), f(x.detach().numpy(), [[0.5], [1.0]]), rtol=1e-12)
    y.sum().backward()
    assert torch.isfinite(x.grad).all()
    np.testing.assert_allclose(g(x, lambda s: [s], t=[0.5, 1.0]).detach().numpy(), y.detach().numpy(), rtol=1e-12)
    with pytest.raises(ConfigError, match="also reads the inputs u"):
        f([0.3])
    with pytest.raises(ConfigError, match="give the time"):
        f([0.3], np.sin)
    with pytest.raises(ConfigError, match="one per input"):
        f([[0.3]], [[1.0, 2.0]])
