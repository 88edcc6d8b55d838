"""The closed loop: a run on a narrow range proposes a measurement; data from the true system there,
added to the first run, let the next run find the true structure."""

import numpy as np
import pandas as pd
import pytest
import sympy as sp

import discover
from discover.core.structure import compare
from discover.data.dataset import Dataset, Trajectory

from .conftest import harvest_run

X = sp.Symbol("x")
TRUTH = {"x": X * (1 - X / 10) - 2 * X / (1 + X)}


def _exact(equations) -> bool:
    """The true structure, up to terms below a hundredth of the others: x - x**2/10 - 2.001 + 2.002/(x + 1.001)
    is the truth written over one fraction with a numerator constant of 2.002 - 2.001*1.001 = -0.001."""
    return compare(equations, TRUTH, tol=1e-2)["exact"]


def _trajectory(frame: pd.DataFrame, label: str) -> Trajectory:
    return Trajectory(frame["t"].to_numpy(), frame[["x"]].to_numpy(), label)


@pytest.mark.slow
def test_the_suggested_measurement_lets_the_next_run_find_the_true_structure():
    runs = [_trajectory(harvest_run(6.0), "first")]
    model = discover.Discoverer(random_state=0).fit(Dataset(tuple(runs), ("x",)))
    assert not _exact(model.equations_) and model.confidence_ != "high"
    found = None
    for attempt in range(MAX_MEASUREMENTS):
        s = model.suggestion_
        assert s is not None and len(s["models"]) >= 2
        start, duration = s["initial_state"]["x"], s["duration"]
        lo, hi = model.result_.design_box["x"]
        assert lo <= start <= hi and duration > 0
        # measure the true system there, as suggested, and run again on everything measured so far
        runs.append(_trajectory(harvest_run(start, t_end=duration), f"suggested {attempt + 1}"))
        model = discover.Discoverer(random_state=0).fit(Dataset(tuple(runs), ("x",)))
        if _exact(model.equations_):
            found = attempt + 1
            break
    assert found is not None, [a.candidate.strings() for a in model.equivalent_]
    # the new data were from a range the first run never saw
    assert np.min(runs[1].x) < 5.0 or np.max(runs[1].x) > 8.0


#: Measurements the loop may take: each one separates the structures of the run before it.
MAX_MEASUREMENTS = 2
