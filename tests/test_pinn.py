"""Hidden-term PINN: parsing the known part, and recovering hidden terms from sparse data."""

import numpy as np
import pytest
import sympy as sp

from discover.core.errors import ConfigError
from discover.core.structure import terms
from discover.surrogates.known import parse_formula, parse_known
from discover.systems import generate, get_system

x, y = sp.symbols("x y")


def test_known_part_parses_states_parameters_and_fixed_values():
    k = parse_known(["x: a*x", "y: -d*y + sin(y)"], ("x", "y"), ["d=1.8"])
    assert k.learned == ("a",) and k.fixed == {"d": 1.8}
    assert sp.simplify(k.plain("y") - (-1.8 * y + sp.sin(y))) == 0
    f = k.numpy()
    np.testing.assert_allclose(f(np.array([[2.0, 1.0]]), [0.5]), [[1.0, -1.8 + np.sin(1.0)]])
    assert k.linear_terms() == {"x": [("a", sp.Symbol("x", real=True))]}


@pytest.mark.parametrize("spec, words", [
    (["x a*x"], "variable: formula"),
    (["z: a*z"], "not a state variable"),
    (["x: a*"], "not a formula"),
    (["x: foo(x)"], "unknown function 'foo'"),
    (["x: __import__('os')"], "unknown function"),
    (["x: x.real"], "uses something other"),
    (["x: a*t"], "not on time"),
])
def test_bad_known_parts_are_one_clear_sentence(spec, words):
    with pytest.raises(ConfigError, match=words):
        parse_known(spec, ("x", "y"))


def test_bad_params_are_refused():
    with pytest.raises(ConfigError, match="names no parameter"):
        parse_known(["x: a*x"], ("x", "y"), ["b=1"])
    with pytest.raises(ConfigError, match="not a number"):
        parse_known(["x: a*x"], ("x", "y"), ["a=fast"])


def test_formula_parser_never_evaluates_text():
    with pytest.raises(ConfigError):
        parse_formula("(lambda: 1)()", "test")
    assert parse_formula("2^3*x", "test") == 8 * sp.Symbol("x", real=True)


@pytest.fixture(scope="module")
def lotka_volterra_fit():
    """The issue's setting: LV (1.3, 0.9, 0.8, 1.8), x0 = (0.44, 4.63), t in [0, 3], 30 points, 1% noise."""
    import discover

    data = generate(get_system("lotka_volterra"), points=30, noise=0.01, seed=1, t_end=3.0,
                    initial_states=np.array([[0.44, 4.63]]))
    return discover.Discoverer(methods="pinn+sindy", random_state=0, settings={"pinn": {"known": ["x: a*x", "y: -d*y"]}}).fit(data)


def test_pinn_recovers_hidden_lotka_volterra_terms(lotka_volterra_fit):
    best = lotka_volterra_fit.best_
    assert best.method == "pinn+sindy"
    hidden = {v: terms(e, 1e-9) for v, e in best.parts.hidden.items()}  # a typed field, sympy on the data's names
    assert set(hidden["x"]) == {x * y} and set(hidden["y"]) == {x * y}
    assert hidden["x"][x * y] == pytest.approx(-0.9, rel=0.1)
    assert hidden["y"][x * y] == pytest.approx(0.8, rel=0.1)
    assert best.settings["parameters"]["a"] == pytest.approx(1.3, rel=0.1)
    assert best.settings["parameters"]["d"] == pytest.approx(1.8, rel=0.1)


def test_pinn_reports_standard_errors_that_cover_the_truth(lotka_volterra_fit):
    st = lotka_volterra_fit.best_.settings
    se = st["standard_errors"]
    values = {**st["parameters"], **st["hidden_constants"]}
    truth = {"a": 1.3, "d": 1.8, "x*y in dx": -0.9, "x*y in dy": 0.8}
    assert set(se) == set(truth) == set(values)
    for name, want in truth.items():
        assert 0 < se[name] < abs(want)
        assert abs(values[name] - want) < 4 * se[name] + 1e-3 * abs(want), name


def test_standard_errors_match_the_closed_form_of_linear_least_squares():
    from discover.surrogates.assemble import standard_errors

    rng = np.random.default_rng(0)
    t = np.linspace(0, 2, 40)
    y = 1.5 - 0.7 * t + 0.1 * rng.standard_normal(t.size)
    A = np.stack([np.ones_like(t), t], axis=1)
    z, rss = np.linalg.lstsq(A, y, rcond=None)[:2]
    got = standard_errors(lambda c: A @ c - y, z, float(rss[0]), t.size)
    want = np.sqrt(np.diag(rss[0] / (t.size - 2) * np.linalg.inv(A.T @ A)))
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_pinn_model_saves_and_loads(lotka_volterra_fit, tmp_path):
    from discover.surrogates import HiddenTermPINN

    pinn = lotka_volterra_fit.surrogates_["pinn"]
    pinn.save(tmp_path / "pinn.pt")
    back = HiddenTermPINN.load(tmp_path / "pinn.pt")
    X = np.array([[1.0, 2.0], [0.5, 3.0]])
    np.testing.assert_allclose(back.vector_field(X), pinn.vector_field(X), rtol=1e-5)
    np.testing.assert_allclose(back.states([0.0, 1.5]), pinn.states([0.0, 1.5]), rtol=1e-5)


def test_known_without_pinn_is_refused():
    import discover

    data = generate(get_system("lotka_volterra"), points=30, seed=1, t_end=3.0)
    with pytest.raises(ConfigError, match="`pinn` .*which this run does not use"):
        discover.Discoverer(methods="sindy", settings={"pinn": {"known": ["x: a*x"]}}).fit(data)
