"""The implicit search's screen: per equation, the states it depends on and the few denominators worth a fit."""

import numpy as np
import sympy as sp

from discover import Discoverer
from discover.core.structure import compare
from discover.distillers.rational_screen import denominators, monomial_column, screen
from discover.systems import generate
from discover.systems.system import System


def _screen(y, X, symbols, own, keep=4):
    return screen(symbols, X, y, lambda t: monomial_column(t, symbols, X), 2, 4, keep, 0.5, own)


def test_screen_keeps_the_true_denominator_and_states_and_drops_most_others():
    rng = np.random.default_rng(0)
    X = rng.uniform(0.05, 3.0, (1500, 3))
    x, z, w = symbols = sp.symbols("x z w")
    options = denominators(symbols, 4)
    assert len(options) == 18

    # Michaelis-Menten uptake in x alone: x is kept, z and w screened out, 1 + b·x among the 4 kept
    y = 0.6 - 1.5 * X[:, 0] / (0.3 + X[:, 0])
    y = y + 0.01 * np.std(y) * rng.standard_normal(len(y))
    sub, dens, notes = _screen(y, X, list(symbols), own=0)
    assert sub == [x]
    assert (x,) in dens and len(dens) == 4
    assert set(notes["states screened out"]) == {"z", "w"}
    assert notes["denominators screened out"].startswith("1 of 5")  # 4 of the 18 over all states are fitted

    # w's equation with a Hill repression by z: z is added to w's own state, 1 + b·z² kept
    y = 0.5 * X[:, 2] - X[:, 1] / (1 + X[:, 1] ** 2)
    y = y + 0.01 * np.std(y) * rng.standard_normal(len(y))
    sub, dens, notes = _screen(y, X, list(symbols), own=2)
    assert sub == [z, w]
    assert (z**2,) in dens and len(dens) == 4
    assert list(notes["states screened out"]) == ["x"]
    assert notes["denominators screened out"].startswith("7 of 11")


def test_the_screened_search_still_finds_a_cascade_exactly_and_records_the_screen():
    """A 3-state cascade fed by Michaelis-Menten uptake: each equation is searched in its own states
    (x1 alone, then its feeder and itself), and the structure is found exactly."""
    system = System("cascade", "", ("x1", "x2", "x3"),
                    ("J - V*x1/(K + x1)", "c1*x1 - d1*x2", "c2*x2 - d2*x3"),
                    {"J": 0.6, "V": 1.5, "K": 0.3, "c1": 1.14, "d1": 0.77, "c2": 0.54, "d2": 0.52},
                    (2.0, 1.0, 0.5), (1.8, 0.9, 0.45), t_end=8.0, polynomial=False, positive=True)
    data = generate(system, points=300, trajectories=6, noise=0.01, seed=0)
    model = Discoverer(methods="sindy_pi", random_state=0).fit(data)
    assert compare(model.equations_, system.equations())["exact"], model.equations_
    notes = model.result_.settings["distiller_facts"]["sindy_pi"]["screening"]
    assert notes["x1"]["states"] == ["x1"]
    assert set(notes["x1"]["states screened out"]) == {"x2", "x3"}
    assert notes["x2"]["states"] == ["x1", "x2"]
