"""Readable rational forms (fewest constants, by one rule) and standard errors of every constant."""

import numpy as np
import sympy as sp

from discover.core.readable import count_constants, fewest_constants, forms
from discover.selection.uncertainty import refit_equation

x, y = sp.symbols("x y")


def _same(a, b, var=x):
    f, g = sp.lambdify(var, a), sp.lambdify(var, b)
    grid = np.linspace(0.01, 5, 50)
    return np.allclose(f(grid), g(grid), rtol=1e-10)


def test_michaelis_menten_as_found_is_offered_as_j_minus_v_x_over_k_plus_x():
    found = (0.1771 - 0.8981 * x) / (x + 0.3056)
    name, form = fewest_constants(found)
    assert name == "saturating" and _same(form, found)
    consts = sp.expand(form).as_coefficients_dict()
    assert abs(float(consts[sp.Integer(1)]) - 0.1771 / 0.3056) < 1e-9  # J: the rate at x = 0
    assert abs(float(consts[x / (x + sp.Float(0.3056))]) + (0.8981 + 0.1771 / 0.3056)) < 1e-9  # -V
    assert count_constants(form) == 3


def test_the_form_with_fewer_constants_wins_whatever_the_system():
    # a pure inhibition term reads best divided out: 2 constants, where the saturating form needs 3
    assert fewest_constants((0.6 + 0.0 * x) / (x + 0.3))[1] == fewest_constants(0.6 / (x + 0.3))[1]
    name, form = fewest_constants(0.6 / (x + 0.3))
    assert count_constants(form) == 2 and name in ("division", "as found")
    # a non-monic denominator is made monic; other variables stay in the coefficients
    name, form = fewest_constants((0.36 * x * y + 0.2 * x + 0.06) / (2 * x + 0.6))
    assert _same(form.subs(y, 2.0), ((0.36 * x * y + 0.2 * x + 0.06) / (2 * x + 0.6)).subs(y, 2.0))
    assert count_constants(form) <= count_constants((0.36 * x * y + 0.2 * x + 0.06) / (2 * x + 0.6))
    # polynomials are left alone
    assert forms(x**2 - 3 * x) == {"as found": x**2 - 3 * x}


def test_linear_refit_standard_errors_match_the_noise():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(2000, 2))
    yv = 1.5 * X[:, 0] - 0.7 * X[:, 0] * X[:, 1] + rng.normal(0, 0.1, 2000)
    fit = refit_equation(1.5 * x - 0.7 * x * y, [x, y], X, yv)
    se = {str(r["term"]): r["stderr"] for r in fit.rows}
    # ordinary least squares: SE = sigma / sqrt(sum of squares of the column)
    assert abs(se["x"] / (0.1 / np.sqrt(np.sum(X[:, 0] ** 2))) - 1) < 0.1
    assert fit.condition < 3


def test_gauss_newton_refit_gives_errors_for_inner_constants_and_collinear_terms_are_named():
    rng = np.random.default_rng(1)
    X = rng.uniform(0, 3, size=(1500, 1))
    yv = 0.6 - 1.5 * X[:, 0] / (0.3 + X[:, 0]) + rng.normal(0, 0.01, 1500)
    fit = refit_equation(0.6 - 1.5 * x / (0.3 + x), [x], X, yv)
    inner = [r for r in fit.rows if r["inner"]]
    assert len(fit.rows) == 3 and len(inner) == 1 and 0 < inner[0]["stderr"] < 0.05
    # y = 2x on the data: the terms x and y cannot be told apart
    Z = np.column_stack([X[:, 0], 2 * X[:, 0]])
    fit = refit_equation(x + y, [x, y], Z, 3 * X[:, 0])
    assert fit.condition > 1e8 and {str(t) for t, _ in fit.collinear} == {"x", "y"}


def test_equations_json_offers_the_readable_form_beside_the_found_one():
    from discover.core.candidates import Candidate
    from discover.report.equations_json import _readable

    c = Candidate({"x": (0.1771 - 0.8981 * x) / (x + 0.3056), "y": -y}, "sr")
    assert _readable(c, {"x": "x", "y": "y"}) == {"x": "-1.478*x/(x + 0.3056) + 0.5795"}


def test_a_constant_shared_by_two_terms_is_fitted_once():
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 3, size=(1500, 1))
    yv = (0.18 - 0.9 * X[:, 0]) / (X[:, 0] + 0.3) + rng.normal(0, 0.01, 1500)
    fit = refit_equation(-0.8982 * x / (x + 0.2968) + 0.1795 / (x + 0.2968), [x], X, yv)
    assert len(fit.rows) == 3 and sum(r["inner"] for r in fit.rows) == 1
    assert all(r["stderr"] < 0.01 for r in fit.rows)
