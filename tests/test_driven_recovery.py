"""Driven reference systems recovered at 1% noise: exact structure, coefficients within 2%, judged on a
held-out run driven by a different input signal (a chirp) than the training runs (sines)."""

import numpy as np
import pytest

import discover
from discover.core.structure import compare
from discover.systems import generate, get_system


def _data(name: str, points: int):
    system = get_system(name)
    train = generate(system, points=points, trajectories=3, noise=0.01, seed=0, input_signal="sine")
    x0 = system.initial_states(3, np.random.default_rng(5))[2:]
    held = generate(system, points=points, noise=0.01, seed=1, input_signal="chirp", initial_states=x0)
    chirp = held.trajectories[0]
    chirp = type(chirp)(chirp.t, chirp.x, "chirp", chirp.u)
    return system, train.with_trajectories([*train.trajectories, chirp])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["heated_room", "duffing_forced"])
def test_driven_system_recovered_with_a_new_input_held_out(name):
    system, data = _data(name, 600)
    model = discover.Discoverer(methods="sindy", random_state=0).fit(data)
    assert model.result_.split == "1 of 4 trajectories held out (chirp)"
    result = compare(model.equations_, system.equations())
    assert result["exact"], model.equations_
    assert result["max_coef_error"] < 0.02, (model.equations_, result["max_coef_error"])
    assert model.best_.scores["short_r2"] > 0.99
    # the selected equations simulate the held-out run under its own (chirp) input
    run = data.trajectories[-1]
    sim = model.simulate(run.t, run.x[0], u=run.u)
    assert np.sqrt(np.mean((sim - run.x) ** 2)) < 0.05 * run.x.std()
    assert model.score(data.with_trajectories([run])) > 0.99  # scored under the run's own input


@pytest.mark.slow
def test_neural_ode_reads_the_input_and_sindy_distills_it():
    """node+sindy on a driven system: the network takes u(t) beside the states, and its field is distilled
    with u as a variable of the library."""
    system = get_system("heated_room")
    data = generate(system, points=200, trajectories=4, noise=0.01, seed=0, input_signal="sine")
    model = discover.Discoverer(methods="node+sindy", random_state=0,
                                settings={"node": {"epochs": 25, "pretrain": 300, "patience": 10}}).fit(data)
    result = compare(model.equations_, system.equations())
    assert result["exact"] and result["max_coef_error"] < 0.02, model.equations_
    forecast = model.result_.surrogates["node"].forecasts[0]
    held = model.result_.validation[0]
    assert np.sqrt(np.mean((forecast - held.x) ** 2)) < 0.1 * held.x.std()
