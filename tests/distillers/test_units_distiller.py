"""The units distiller (sigmoids of weighted sums, trigonometric library), at small sizes."""

import numpy as np
import pytest
import sympy as sp

from discover import Discoverer
from discover.core.structure import compare
from discover.data.prepared import prepare
from discover.distillers.units import Units, fit_units, trig_library
from discover.pipeline.plan import build_plan
from discover.systems import SYSTEMS, generate


def test_one_sigmoid_unit_is_found_from_seeded_starts():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((600, 2))
    y = 0.5 - 0.3 * Z[:, 0] + 2.0 / (1 + np.exp(-(3.0 * Z[:, 0] - 2.0 * Z[:, 1] + 0.5)))
    theta, mse = fit_units(Z, y, 1, np.random.default_rng(1), starts=6, max_nfev=200)
    assert mse < 1e-8
    w = theta[0] * np.sign(theta[0, 0])  # a unit and its mirror image fit equally well
    assert np.allclose(w, [3.0, -2.0, 0.5], rtol=1e-3)


def test_trigonometric_library_holds_differences_and_products():
    a, b = sp.symbols("a b")
    lib = trig_library([a, b])
    assert sp.sin(a - b) in lib and sp.sin(a) * sp.cos(a) in lib and sp.cos(a + b) in lib


def test_auto_tries_units_under_the_escalation_trigger():
    stages = {s.name: s for s in build_plan("auto").stages}
    assert stages["units"].when == "escalate"
    names = list(stages)
    assert names.index("rational") < names.index("units") < names.index("search")


@pytest.mark.parametrize("name", ["wilson_cowan", "kuramoto_pair"])
def test_units_recover_the_exact_structure_at_one_percent_noise(name):
    system = SYSTEMS[name]
    data = generate(system, points=1000, trajectories=3, noise=0.01, seed=0)
    found = Units(random_state=0).fit(prepare(data).samples()).candidates_
    scores = [compare(c.equations, system.equations()) for c in found]
    exact = [r for r in scores if r["exact"]]
    assert exact, [c.equations for c in found]
    assert exact[0]["max_coef_error"] < 0.05


def test_units_skip_systems_with_many_states():
    X = np.random.default_rng(0).standard_normal((200, 5))
    model = Units(random_state=0)
    assert model.distill(X, -X, list("abcde")) == [] and "skipped" in model.facts_


@pytest.mark.slow
def test_auto_recovers_wilson_cowan_at_one_percent_noise():
    system = SYSTEMS["wilson_cowan"]
    data = generate(system, points=2000, trajectories=3, noise=0.01, seed=0)
    model = Discoverer(random_state=0).fit(data)
    r = compare(model.equations_, system.equations())
    assert r["exact"], model.equations_
    assert r["max_coef_error"] < 0.05


def test_two_ways_of_writing_a_sigmoid_have_one_structure():
    E, I = sp.symbols("E I")
    truth = sp.expand(-E + 1 / (1 + sp.exp(-(sp.Float(10.0) * E - sp.Float(10.0) * I + sp.Float(-2.0)))))
    found = -1.004 * E + 1.005 / (7.399 * sp.exp(-9.974 * E + 9.956 * I) + 1)
    assert compare({"E": found}, {"E": truth})["exact"]
    assert not compare({"E": found - 0.3 * I}, {"E": truth})["exact"]


def test_auto_escalates_on_a_slow_drift_but_not_on_chaos():
    from types import SimpleNamespace

    from discover.pipeline.plan import needs_search

    def pick(short, whole, valid):
        best = SimpleNamespace(scores={"short_r2": short, "validation_r2": whole, "valid_fraction": valid},
                               term_confidence={}, equations={"x": sp.Symbol("y")})
        return SimpleNamespace(best=best)

    assert "drifts" in needs_search(pick(0.9994, 0.9587, 1.0), 0.0)  # a truncated sine (Kuramoto)
    assert needs_search(pick(1.0, -0.58, 0.37), 0.0) is None  # chaos leaves the valid band early
    assert needs_search(pick(0.9973, 0.9962, 1.0), 0.0025) is None  # within the noise


def test_a_run_settled_on_its_fixed_point_is_not_a_drift():
    """A logistic run's tail has little variance of its own: its segment R² (0.95) reads a tiny
    offset of the equilibrium as drift, the whole-segment error on the data's scale does not."""
    from types import SimpleNamespace

    from discover.pipeline.plan import needs_search

    best = SimpleNamespace(scores={"short_r2": 0.99992, "validation_r2": 0.9518, "long_r2": 0.99990, "valid_fraction": 1.0},
                           term_confidence={}, equations={"x": sp.Symbol("x")})
    assert needs_search(SimpleNamespace(best=best), 0.0) is None
    best.scores["long_r2"] = 0.9564  # Kuramoto's truncated sine, on the same scale
    assert "drifts" in needs_search(SimpleNamespace(best=best), 0.0)
