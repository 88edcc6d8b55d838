"""A quadratic that imitates a saturating term on clean data is not rated high: the data ask for a term
it lacks (one monomial of the next degree, added alone, moves the field beyond its standard error),
although no experiment within the noise would tell the two apart. An exact quadratic keeps its high."""

import pytest
import sympy as sp

import discover
from discover.bench.odebench import trajectories
from discover.core.structure import compare, terms
from discover.data.dataset import Dataset, Trajectory
from discover.selection.equivalence import MISSING
from discover.systems.odebench import load, select


def _fit(number: str):
    bench = select(load(), (number,))[0]
    t, clean, _ = trajectories(bench)
    data = Dataset((Trajectory(t, clean, label="0"),), bench.system.variables, time_name="t")
    return bench.system, discover.Discoverer(random_state=0).fit(data)


@pytest.mark.parametrize("number", ["18", "19"])  # logistic growth with Michaelis-Menten harvesting
def test_a_polynomial_imitating_a_saturating_term_is_not_high(number):
    system, model = _fit(number)
    missing = model.result_.settings.get("missing_term")
    if compare(model.equations_, system.equations())["exact"]:
        pytest.skip("the run found the saturating form itself")
    assert model.confidence_ != "high", model.result_.reasons
    assert missing and missing["share"] > MISSING, missing
    assert "the data ask for a term it lacks" in model.result_.deciding
    # the measurement that tells the pick from the pick with that term: the two models part from its start
    s = model.suggestion_
    assert s is not None and s["separates"] == "missing_term" and len(s["models"]) == 2
    rival = model.candidates_[missing["rival"]]
    x = sp.Symbol("x_0")
    assert missing["term"] == "x_0**3" and x**3 in terms(rival.equations["x_0"], 1e-15)
    assert set(terms(model.best_.equations["x_0"], 1e-15)) < set(terms(rival.equations["x_0"], 1e-15))


def test_an_exact_quadratic_keeps_its_high():
    system, model = _fit("3")  # logistic growth: the quadratic is the truth
    assert compare(model.equations_, system.equations())["exact"], model.best_.strings()
    assert model.confidence_ == "high", model.result_.reasons
    missing = model.result_.settings.get("missing_term")
    assert missing is not None and missing["share"] <= MISSING, missing
