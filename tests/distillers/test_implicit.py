"""The implicit (SINDy-PI) distiller and the nonlinear refit of constants, at small sizes."""

import numpy as np
import pytest
import sympy as sp

from discover import Discoverer
from discover.core.structure import compare
from discover.distillers.implicit import explicit
from discover.distillers.nls import Target, refit
from discover.pipeline.plan import build_plan
from discover.systems import SYSTEMS, generate


def test_refit_snaps_a_hill_exponent_and_recovers_constants():
    x = sp.Symbol("x")
    rng = np.random.default_rng(0)
    X = rng.uniform(0.1, 3.0, (400, 1))
    y = 2.0 * X[:, 0] ** 2 / (0.7 + X[:, 0] ** 2) - 0.3 * X[:, 0] + 0.01 * rng.standard_normal(400)
    expr, cost, errors = refit(1.8 * x**2.2 / (x**2.2 + 0.5) - 0.25 * x, [x], Target(X, y))
    assert sp.Integer(2) in {p.exp for p in expr.atoms(sp.Pow)}  # the exponent snapped to 2
    assert not any(isinstance(p.exp, sp.Float) for p in expr.atoms(sp.Pow))
    r = compare({"x": expr}, {"x": 2.0 * x**2 / (x**2 + 0.7) - 0.3 * x})
    assert r["exact"] and r["max_coef_error"] < 0.05
    assert all(r["stderr"] is not None and r["stderr"] < 0.1 for r in errors)
    # each row is a constant of the expression, as refitted (the exponent is an integer, not a row)
    assert {r["value"] for r in errors} == {float(f) for f in expr.atoms(sp.Float)}


def test_refit_keeps_a_phase_the_data_need():
    x = sp.Symbol("x")
    X = np.linspace(-3, 3, 300)[:, None]
    y = 1.5 * np.sin(X[:, 0] + 0.4)
    expr, _, _ = refit(1.3 * sp.sin(1.1 * x + 0.3), [x], Target(X, y))
    phase = [a for a in expr.atoms(sp.Float) if abs(float(a) - 0.4) < 0.01]
    assert phase, expr


def test_explicit_divides_out_the_polynomial_part_over_a_monic_denominator():
    u, v = sp.symbols("u v")
    out = explicit(4.0 - u - u * v**2, 1 + v**2, [u, v])
    assert sp.simplify(out - (-u + 4 / (v**2 + 1))) == 0
    den = [p.base for p in out.atoms(sp.Pow) if p.exp == -1][0]
    assert den.as_coefficients_dict()[v**2] == 1


def test_auto_tries_rational_terms_before_symbolic_regression():
    names = [s.name for s in build_plan("auto").stages]
    assert names.index("rational") < names.index("search")
    assert [s.name for s in build_plan("sindy").stages] == ["distil"]


@pytest.mark.parametrize("name", ["michaelis_menten", "toggle_switch"])
def test_rational_systems_recovered_exactly_at_one_percent_noise(name):
    system = SYSTEMS[name]
    data = generate(system, points=2000, trajectories=3, noise=0.01, seed=0)
    model = Discoverer(methods="sindy_pi", random_state=0).fit(data)
    r = compare(model.equations_, system.equations())
    assert r["exact"], model.equations_
    assert r["max_coef_error"] < 0.05
    # every constant of the pick has its standard error beside it, and the value is the equation's own
    for v, e in model.best_.equations.items():
        rows = model.best_.uncertainty[v]
        assert rows and all(r["stderr"] is not None and np.isfinite(r["stderr"]) for r in rows)
        assert {r["value"] for r in rows if not r["inner"]} <= {float(f) for f in e.atoms(sp.Float)}


def test_holling_type_three_is_found_where_a_near_pole_form_fits_almost_as_well():
    """Budworm: the elimination path at the grid's coarse denominator coefficients proposes
    (a - b·N)/(N² + c); walked again at the refined coefficient (``rescan``) it proposes the
    Holling type III term, which the refit and held-out data then prefer."""
    system = SYSTEMS["budworm"]
    data = generate(system, points=1000, trajectories=3, noise=0.01, seed=0)
    model = Discoverer(methods="sindy_pi", random_state=0, settings={"sindy_pi": {"rescan": True}}).fit(data)
    r = compare(model.equations_, system.equations())
    assert r["exact"], model.equations_
    assert r["max_coef_error"] < 0.05
