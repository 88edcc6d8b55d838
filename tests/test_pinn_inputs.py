"""Hidden-term PINN with measured inputs: the known part and the hidden network read u(t), and a hidden
cubic and a hidden input term (u*x) are recovered and distilled with the input in SINDy's library."""

import numpy as np
import pytest
import sympy as sp

import discover
from discover.core.errors import ConfigError
from discover.core.structure import terms
from discover.data.prepared import prepare
from discover.surrogates.known import parse_known
from discover.systems import generate
from discover.systems.system import System

x, u = sp.symbols("x u")
# dx/dt = u - a x + b u x - c x^3, driven by a sine of its own per run (offset 0, amplitude 1)
CUBIC = System("cubic_driven", "Driven cubic decay with a multiplicative input", ("x",), ("u - a*x + b*u*x - c*x**3",),
               {"a": 0.5, "b": 0.8, "c": 1.0}, (0.5,), (0.5,), t_end=15.0, inputs=("u",))


def test_known_part_reads_inputs_and_gives_them_no_equation():
    k = parse_known(["v: u - c*v"], ("x", "v"), inputs=("u",))
    assert k.learned == ("c",) and k.inputs == ("u",)
    np.testing.assert_allclose(k.numpy()(np.array([[1.0, 2.0]]), [0.5], np.array([[3.0]])), [[0.0, 2.0]])
    assert k.linear_terms() == {"v": [("c", sp.Symbol("v", real=True))]}
    assert parse_known(["v: b*u"], ("x", "v"), inputs=("u",)).linear_terms() == {"v": [("b", sp.Symbol("u", real=True))]}
    with pytest.raises(ConfigError, match="'u' is a measured input: it gets no equation"):
        parse_known(["u: -x"], ("x", "v"), inputs=("u",))
    with pytest.raises(ConfigError, match="names no parameter"):  # an input is not a parameter
        parse_known(["v: u - c*v"], ("x", "v"), ["u=1"], inputs=("u",))


def test_pinn_network_reads_inputs_and_saves_them(tmp_path):
    from discover.surrogates import HiddenTermPINN

    data = generate(CUBIC, points=40, trajectories=2, noise=0.01, seed=0, input_signal="sine")
    small = {"known": ["x: u - a*x"], "adam_steps": 30, "lbfgs_steps": 0, "width": 8, "hidden_width": 8,
             "samples": 30, "collocation": 32}
    pinn = HiddenTermPINN(small, random_state=0, device="cpu").fit(prepare(data))
    assert pinn.g_net[0].in_features == 2  # the hidden network reads the state and the input
    X, W = np.array([[0.2], [0.4]]), np.array([[0.0], [1.0]])
    field = pinn.vector_field(X, W)
    a = pinn.parameters_["a"]
    np.testing.assert_allclose(field - pinn.hidden_term(X, W), W - a * X, rtol=1e-6)  # the known part reads u
    assert not np.allclose(pinn.hidden_term(X, W[::-1]), pinn.hidden_term(X, W))  # and so does G
    with pytest.raises(ConfigError, match="reads measured inputs"):
        pinn.vector_field(X)
    run = data.trajectories[0]
    forecast, _ = pinn.forecast(run.t, run.x[0], u=run.u)
    assert forecast.shape == run.x.shape and np.isfinite(forecast).all()
    pinn.save(tmp_path / "pinn.pt")
    back = HiddenTermPINN.load(tmp_path / "pinn.pt")
    assert back.inputs_ == ("u",)
    np.testing.assert_allclose(back.vector_field(X, W), field, rtol=1e-5)


@pytest.mark.slow
def test_pinn_recovers_a_hidden_cubic_and_a_hidden_input_term_at_one_percent_noise():
    """Two runs of 60 points at 1% noise; the known part reads u (``x: u - a*x``), the network finds
    0.8*u*x - x**3; all constants are refitted on the measurements, each with a standard error."""
    data = generate(CUBIC, points=60, trajectories=2, noise=0.01, seed=0, input_signal="sine")
    model = discover.Discoverer(methods="pinn+sindy", random_state=0,
                                settings={"pinn": {"known": ["x: u - a*x"], "adam_steps": 1000,
                                                   "lbfgs_steps": 200}}).fit(data)
    best = model.best_
    assert best.method == "pinn+sindy"
    hidden = terms(best.parts.hidden["x"], 1e-9)
    assert set(hidden) == {u * x, x**3}, hidden
    assert hidden[x**3] == pytest.approx(-1.0, rel=0.03)
    assert hidden[u * x] == pytest.approx(0.8, rel=0.05)
    assert best.settings["parameters"]["a"] == pytest.approx(0.5, rel=0.03)
    errors = best.settings["standard_errors"]
    assert set(errors) == {"a", "x**3 in dx", "u*x in dx"} and all(0 < e < 0.05 for e in errors.values())
    run = data.trajectories[1]  # the selected model simulates a run under its own measured input
    sim = model.simulate(run.t, run.x[0], u=run.u)
    assert np.sqrt(np.mean((sim - run.x) ** 2)) < 0.05 * run.x.std()
