"""Without `--inputs`, a smooth forcing column (a sine of time that no equation in the states explains) is
named in one sentence; the bench's autonomous systems are not."""

import numpy as np
import pytest

import discover
from discover.data.dataset import Dataset, Trajectory
from discover.data.prepared import prepare
from discover.pipeline.driven import SINE_FIT, _sine_r2
from discover.systems import generate, get_system


def _undeclared(name: str) -> Dataset:
    """A driven reference system with its input written as one more column, as a CSV without --inputs reads."""
    d = generate(get_system(name), points=400, trajectories=2, noise=0.01, seed=0, input_signal="sine")
    return Dataset([Trajectory(tr.t, np.hstack([tr.x, tr.u]), tr.label) for tr in d.trajectories], (*d.names, "u"))


def test_a_sine_forcing_column_is_named_and_the_states_are_not():
    model = discover.Discoverer(methods="sindy", random_state=0).fit(_undeclared("heated_room"))
    named = [w for w in model.result_.warnings if w.startswith("Column")]
    assert len(named) == 1 and named[0].startswith("Column 'u' looks like a forcing: a sine of time explains")
    assert "declare it with `--inputs u`" in named[0]


@pytest.mark.parametrize("name", ["sir", "lotka_volterra", "lorenz", "logistic", "hopf_quintic", "pendulum"])
def test_no_bench_state_looks_like_a_sine_of_time(name):
    """The first guard alone: no state of these autonomous systems is a sine of time (hopf_quintic's near-
    circular limit cycle comes closest, 0.978; its equations, which fit, are the second guard)."""
    for noise in (0.01, 0.05):
        data = generate(get_system(name), points=400, trajectories=2, noise=noise, seed=0)
        assert _sine_r2(prepare(data)).max() < SINE_FIT
    assert _sine_r2(prepare(_undeclared("duffing_forced")))[-1] > 0.99


@pytest.mark.parametrize("name", ["sir", "lotka_volterra", "lorenz", "logistic"])
def test_autonomous_bench_systems_get_no_input_warning(name):
    data = generate(get_system(name), points=400, trajectories=2, noise=0.01, seed=0)
    model = discover.Discoverer(methods="sindy", random_state=0).fit(data)
    assert not [w for w in model.result_.warnings if w.startswith("Column")]
