"""PROSE candidates put together equation by equation from the beam's proposals."""

import numpy as np
import sympy as sp

from discover.core.candidates import Candidate
from discover.core.structure import compare
from discover.distillers.prose import assembled

x, y = sp.symbols("x y")


def _lotka_volterra_samples(noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform([0.2, 0.2], [3.0, 3.0], size=(300, 2))
    Y = np.stack([1.3 * X[:, 0] - 0.9 * X[:, 0] * X[:, 1], 0.8 * X[:, 0] * X[:, 1] - 1.8 * X[:, 1]], axis=1)
    return X, Y + noise * Y.std(axis=0) * rng.standard_normal(Y.shape)


def test_each_equation_is_taken_from_the_proposal_that_has_it_right():
    X, Y = _lotka_volterra_samples()
    truth = {"x": 1.3 * x - 0.9 * x * y, "y": 0.8 * x * y - 1.8 * y}
    # neither proposal is right as a whole; each has one equation right
    a = Candidate({"x": 1.0 * x - 1.0 * x * y, "y": 1.0 * x**2 - 1.0 * y}, "prose")
    b = Candidate({"x": 1.0 * x + 1.0 * y**2, "y": 1.0 * x * y - 1.0 * y}, "prose")
    assert not any(compare(c.equations, truth)["exact"] for c in (a, b))
    (best, _), (pooled, _) = assembled([a, b], ["x", "y"], X, Y)
    r = compare(best, truth)
    assert r["exact"], best
    assert compare(pooled, truth)["exact"], pooled  # the pooled library x, y, xy, x^2, y^2, pruned


def test_nothing_to_assemble_from_no_proposals():
    X, Y = _lotka_volterra_samples()
    assert assembled([], ["x", "y"], X, Y) == []
