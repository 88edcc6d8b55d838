"""Using a fitted model: the candidate table, any candidate, print and the notebook display."""

import numpy as np
import pytest
import sympy as sp

import discover
from discover.core.candidates import Candidate
from discover.core.errors import ConfigError, NotFittedError
from discover.pipeline.model_view import candidates_frame
from discover.systems import generate, get_system

X, Y = sp.symbols("x y")
PAYLOAD = "__import__('os').system('touch m')"
MARKUP = "<script>alert('y')</script> & \\input{z}"


def _lv(names=("x", "y")):
    data = generate(get_system("lotka_volterra"), points=400, trajectories=3, noise=0.0, seed=0)
    return discover.Dataset.from_arrays([tr.t for tr in data.trajectories], [tr.x for tr in data.trajectories],
                                        names=names)


@pytest.fixture(scope="module")
def model():
    return discover.Discoverer(methods="sindy", random_state=0).fit(_lv())


@pytest.fixture(scope="module")
def odd_model():
    """The same system, its columns named by a Python payload and by markup."""
    return discover.Discoverer(methods="sindy", random_state=0).fit(_lv((PAYLOAD, MARKUP)))


def test_candidates_frame_lists_every_candidate_best_first(model):
    df = model.candidates_frame()
    assert len(df) == len(model.candidates_) > 1
    assert list(df.columns[:5]) == ["method", "complexity", "selected", "short_r2", "validation_r2"]
    assert df["selected"].tolist() == [True] + [False] * (len(df) - 1)
    best = df.iloc[0]
    assert best["sympy"] == model.equations_ and best["short_r2"] > 0.999
    assert best["equations"].startswith("dx/dt = ") and "; dy/dt = " in best["equations"]
    # the best row is Lotka-Volterra with its constants (alpha 1.3, beta 0.9, gamma 0.8, delta 1.8)
    x = sp.Poly(best["sympy"]["x"], X, Y)
    assert abs(float(x.coeff_monomial(X)) - 1.3) < 0.02 and abs(float(x.coeff_monomial(X * Y)) + 0.9) < 0.02
    assert df["complexity"].min() >= 1 and df["method"].eq("sindy").all()


def test_candidates_frame_carries_a_pinn_candidates_constants_and_errors():
    pinned = Candidate({"x": 1.3 * X - 0.9 * X * Y, "y": 0.8 * X * Y - 1.8 * Y}, "pinn+sindy",
                       {"parameters": {"a": 1.3}, "fixed": {"b": 0.9}, "standard_errors": {"a": 0.02}},
                       scores={"short_r2": 0.99})
    plain = Candidate({"x": X, "y": -Y}, "sindy", scores={"short_r2": 0.5})
    df = candidates_frame([pinned, plain], ["x", "y"], "t", pinned)
    assert df.loc[0, "constants"] == {"a": 1.3, "b": 0.9} and df.loc[0, "standard_errors"] == {"a": 0.02}
    assert df.loc[1, "constants"] == {} and df.loc[1, "selected"] == False  # noqa: E712


def test_use_and_index_work_with_any_candidate(model):
    t, x0 = np.linspace(0, 5, 50), np.array([2.0, 1.0])
    third = model.use(2)
    assert third.equations_ == model.candidates_[2].equations and third.best_ is model.candidates_[2]
    assert model.best_ is model.candidates_[0]  # the model itself is unchanged
    np.testing.assert_allclose(third.simulate(t, x0), model.simulate(t, x0, index=2))
    np.testing.assert_allclose(third.predict(x0[None]), model.predict(x0[None], index=2))
    assert not np.allclose(model.predict(x0[None], index=2), model.predict(x0[None]), rtol=1e-6)
    assert "dx/dt" in str(third) and str(third) != str(model)
    for bad in (len(model.candidates_), 1.5, True, "0"):
        with pytest.raises(ConfigError, match="`index`"):
            model.use(bad)


def test_print_shows_the_selected_system(model):
    text = str(model)
    assert text.splitlines()[0] == f"Discoverer: sindy, complexity {model.best_.complexity}, confidence high"
    lines = text.splitlines()
    assert len(lines) == 3 and lines[1].startswith("  dx/dt = ") and lines[2].startswith("  dy/dt = ")
    assert str(discover.Discoverer()) == repr(discover.Discoverer())


def test_notebook_display_shows_equations_confidence_and_table(model):
    html = model._repr_html_()
    assert html.count('<math display="block">') == 2 and "confidence <b>high</b>" in html
    assert html.count("<tr") == len(model.candidates_) + 1 and "validation_r2" in html
    # Jupyter asks for the mime bundle first (scikit-learn's estimators define one): it is ours once fitted
    assert model._repr_mimebundle_() == {"text/plain": str(model), "text/html": html}
    assert discover.Discoverer()._repr_mimebundle_()["text/plain"] == repr(discover.Discoverer())


def test_labels_are_escaped_in_print_and_html(odd_model):
    html = odd_model._repr_html_()
    assert "<script" not in html and "&lt;script&gt;" in html
    assert f"<mi>{PAYLOAD}</mi>".replace("'", "&#39;") in html  # one escaped MathML identifier
    assert f"({MARKUP})" in str(odd_model)  # plain text: the label itself, in parentheses


def test_unfitted_model_says_so():
    with pytest.raises(NotFittedError):
        discover.Discoverer().candidates_frame()
    with pytest.raises(NotFittedError):
        discover.Discoverer().use(0)


def test_the_pinn_example_reports_constants_with_standard_errors():
    from pathlib import Path

    from discover.export import to_latex
    from discover.report.run_folder import load_run

    result = load_run(Path(__file__).resolve().parents[1] / "reports" / "lotka_volterra_pinn")
    df = candidates_frame(result.candidates, result.names, result.time_name, result.best)
    best = df.iloc[0]
    assert best["selected"] and best["method"] == "pinn+sindy"
    # alpha = 1.3 learned as `a` with a standard error of about 1%, and the hidden term's coefficient
    assert abs(best["constants"]["a"] - 1.3) < 3 * best["standard_errors"]["a"] < 0.1
    assert set(best["standard_errors"]) == set(best["constants"])
    assert r"$a$ & $1.288 \pm 0.01493$ \\" in to_latex(result)
