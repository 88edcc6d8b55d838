"""A well-identified system (Lorenz at 1% noise) is one structure, rated high, and the run says why it
did not search further; SINDy's pick on a narrow range sends auto on to the other families."""

import pytest

import discover
from discover.core.structure import compare
from discover.systems import generate, get_system


def test_lorenz_at_one_percent_is_a_set_of_one_and_high():
    system = get_system("lorenz")
    data = generate(system, points=1000, trajectories=1, noise=0.01, seed=0)
    model = discover.Discoverer(random_state=0).fit(data)
    assert compare(model.equations_, system.equations())["exact"], model.best_.strings()
    assert len(model.equivalent_) == 1 and model.equivalent_[0].candidate is model.best_
    assert model.confidence_ == "high", model.result_.reasons
    assert model.suggestion_ is None
    test = model.result_.settings["distiller_facts"]["form test"]
    assert test["constrained"] and test["coverage"] >= 0.25
    skipped = [s for s in model.result_.settings["plan"] if s.get("when") == "escalate"]
    assert skipped and all(not s["ran"] and "the data fix the form" in s["why"] for s in skipped)


@pytest.mark.slow
def test_a_narrow_range_sends_auto_to_the_other_families(narrow_csv):
    import pandas as pd

    model = discover.Discoverer(random_state=0).fit(pd.read_csv(narrow_csv))
    ran = {s["stage"]: s for s in model.result_.settings["plan"]}
    assert ran["rational"]["ran"] and ran["units"]["ran"] and ran["search"]["ran"]
    assert len(model.equivalent_) >= 2 and model.confidence_ != "high"
    methods = {a.candidate.method for a in model.equivalent_}
    assert methods - {"sindy"}, methods  # a structure from another family fits as well
    assert model.suggestion_ is not None
