"""The bootstrap of SINDy's candidates: one set of resamples per regression problem, shared."""

import numpy as np
import sympy as sp

from discover.distillers import SINDy
from discover.distillers.bootstrap import TermBootstrap
from discover.systems import generate, get_system


def _lorenz_samples():
    """States of a simulated Lorenz run and their exact derivatives (its own right-hand side)."""
    system = get_system("lorenz")
    X = generate(system, points=1500, seed=3).trajectories[0].x
    eqs = system.equations()
    Y = np.column_stack([sp.lambdify(system.symbols, eqs[v])(*X.T) for v in system.variables])
    return X, Y


def test_true_terms_survive_every_resample():
    X, Y = _lorenz_samples()
    sindy = SINDy({"degrees": (2,), "forms": ("strong",), "bootstrap": 12})
    cands = sindy.distill(X, Y, ["x", "y", "z"])
    exact = [c for c in cands if c.complexity == 7]
    assert exact, [c.complexity for c in cands]
    conf = exact[0].term_confidence
    # every term of Lorenz is kept on every resample of exact derivatives
    assert conf["x"]["x"] == conf["x"]["y"] == conf["y"]["x*z"] == conf["z"]["x*y"] == conf["z"]["z"] == 1.0
    # a term of another equation's support is not in this equation's probabilities unless a resample kept it
    assert "x*y" not in conf["x"] or conf["x"]["x*y"] < 0.5


def test_one_draw_per_problem():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((300, 6))
    b = A[:, :2] @ np.array([[1.0, 0.0], [0.0, -2.0]])
    boot = TermBootstrap(np.random.default_rng(1), 8)
    entry = {"problem": (A, b, None, None), "coef": np.array([[1.0, 0, 0, 0, 0, 0], [0, -2.0, 0, 0, 0, 0]]),
             "terms": list(range(6)), "threshold": 0.1, "ridge": 1e-5, "subset_sizes": None}
    first = boot.probabilities(entry, ["p", "q"])
    state = boot.rng.bit_generator.state
    second = boot.probabilities({**entry, "subset_sizes": (1, 1)}, ["p", "q"])
    assert boot.rng.bit_generator.state == state  # the second candidate of the problem drew nothing
    assert first == second == {"p": {"0": 1.0}, "q": {"1": 1.0}}
    other = boot.probabilities({**entry, "problem": (A.copy(), b, None, None)}, ["p", "q"])
    assert boot.rng.bit_generator.state != state and other == first
