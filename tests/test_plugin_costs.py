"""The time budget reads each plug-in's cost where the plug-in declares it, never by its name."""

import subprocess
import sys

import pytest

from discover.core.budget import WorkCost
from discover.pipeline import budget
from discover.pipeline.plan import Route
from discover.surrogates import REGISTRY as SURROGATES
from discover.surrogates.base import BaseSurrogate


def test_the_cost_table_names_no_surrogate_and_their_declared_costs_import_nothing():
    assert not set(budget.COSTS) & set(SURROGATES)
    code = ("import sys\nfrom discover.pipeline.budget import estimate\nfrom discover.pipeline.plan import Route\n"
            "a = estimate([Route('sindy', 'pinn')], 6000, 3)\nb = estimate([Route('sindy')], 6000, 3)\n"
            "assert 'torch' not in sys.modules\nprint(a - b)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # the hidden-term PINN: 10 s plus 300 epochs of 2e-5 s per sample and variable, over 5
    assert float(out.stdout) == pytest.approx(10.0 + 2e-5 * 300 * 6000 * 3 / 5)


def test_a_third_party_surrogate_declares_its_cost_on_its_class():
    class Slow(BaseSurrogate):
        name = "slow_test_surrogate"
        cost = WorkCost(7.0, 0.5, "variables")

    SURROGATES.register(Slow)
    try:
        with_it = budget.estimate([Route("sindy", "slow_test_surrogate")], 1000, 4)
        alone = budget.estimate([Route("sindy")], 1000, 4)
        assert with_it - alone == pytest.approx(7.0 + 0.5 * 4)
        # fitted already: it costs nothing again
        assert budget.estimate([Route("sindy", "slow_test_surrogate")], 1000, 4, {"slow_test_surrogate"}) == alone
    finally:
        SURROGATES.unregister("slow_test_surrogate")


def test_a_cost_names_a_known_measure_of_work():
    with pytest.raises(ValueError, match="work"):
        WorkCost(1.0, 1.0, "epochs")
