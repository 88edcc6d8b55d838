"""A polynomial that imitates a saturating term on clean data is not rated high: the data ask for a term
it lacks (one monomial of the next degree, added alone, moves the field beyond its standard error),
although no experiment within the noise would tell the two apart. An exact quadratic keeps its high."""

import pytest

import discover
from discover.bench.odebench import trajectories
from discover.core.structure import compare, terms
from discover.data.dataset import Dataset, Trajectory
from discover.selection.confidence import MISSING
from discover.systems.odebench import load, select


def _fit(number: str):
    bench = select(load(), (number,))[0]
    t, clean, _ = trajectories(bench)
    data = Dataset((Trajectory(t, clean, label="0"),), bench.system.variables, time_name="t")
    return bench.system, discover.Discoverer(random_state=0).fit(data)


@pytest.mark.parametrize("number", ["14", "18", "19"])  # logistic growth with harvesting or predation
def test_an_inexact_pick_on_a_saturating_system_is_not_high(number):
    system, model = _fit(number)
    if not compare(model.equations_, system.equations())["exact"]:
        assert model.confidence_ != "high", model.result_.reasons


def test_the_term_the_data_ask_for_caps_the_level_and_gets_its_experiment():
    system, model = _fit("19")  # x(1 - x) - 0.08x/(0.8 + x): a polynomial imitates it over 0.13..0.9
    missing = model.result_.settings.get("missing_term")
    assert not compare(model.equations_, system.equations())["exact"]
    assert missing and missing["share"] > MISSING, missing
    assert model.confidence_ == "medium" and "the data ask for a term it lacks" in model.result_.deciding
    # the measurement that tells the pick from the pick with that term: the two models part from its start
    s = model.suggestion_
    assert s is not None and s["separates"] == "missing_term" and len(s["models"]) == 2
    rival, pick = terms(model.candidates_[missing["rival"]].equations["x_0"], 1e-15), terms(model.best_.equations["x_0"], 1e-15)
    assert set(pick) < set(rival) and missing["term"] in {str(t) for t in rival}


def test_an_exact_quadratic_keeps_its_high():
    system, model = _fit("3")  # logistic growth: the quadratic is the truth
    assert compare(model.equations_, system.equations())["exact"], model.best_.strings()
    assert model.confidence_ == "high", model.result_.reasons
    missing = model.result_.settings.get("missing_term")
    assert missing is not None and missing["share"] <= MISSING, missing
