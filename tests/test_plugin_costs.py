"""The time budget reads each plug-in's cost where the plug-in declares it, never by its name."""

import subprocess
import sys
import warnings

import pytest

from discover.core.budget import WorkCost
from discover.core.options import OptionWarning
from discover.distillers import REGISTRY as DISTILLERS
from discover.distillers.base import BaseDistiller
from discover.pipeline import budget
from discover.pipeline.plan import Route, check_run_settings, network_methods, uses_network
from discover.surrogates import REGISTRY as SURROGATES
from discover.surrogates.base import BaseSurrogate


def test_the_budget_holds_no_cost_table_and_the_declared_costs_import_nothing():
    assert not hasattr(budget, "COSTS")
    assert all(DISTILLERS.cost(name) is not None for name in DISTILLERS)
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


def test_the_distillers_declared_costs_are_the_measured_ones():
    # SINDy on 6,000 samples of 3 variables: 0.3 s plus 0.8 s per equation, its cubic library's rows counting
    assert budget.estimate([Route("sindy")], 6000, 3) == pytest.approx(0.3 + 0.8 * 3 * (1 + 6000 * 20 / 2e7))
    # symbolic regression: 3 s plus 5 s per equation; the units decline past 3 states
    assert budget.estimate([Route("sr")], 6000, 3) == pytest.approx(18.0)
    assert budget.estimate([Route("units")], 6000, 5) == pytest.approx(0.1)


def test_a_third_party_distiller_declares_its_cost_and_its_network_on_its_class():
    class Netted(BaseDistiller):
        name = "netted_test_distiller"
        cost = WorkCost(4.0, 1e-3, "samples x variables")
        uses_network = True

        def _distill(self, samples, rng):
            return []

    DISTILLERS.register(Netted)
    try:
        assert budget.estimate([Route("netted_test_distiller")], 1000, 2) == pytest.approx(4.0 + 1e-3 * 2000)
        assert uses_network("netted_test_distiller") and uses_network("sindy,netted_test_distiller")
        assert not uses_network("sindy")
        assert "netted_test_distiller" in network_methods()
        with warnings.catch_warnings():
            warnings.simplefilter("error", OptionWarning)  # a network: `--device cuda` is not idle here
            check_run_settings(methods="netted_test_distiller", device="cuda")
    finally:
        DISTILLERS.unregister("netted_test_distiller")
    assert "netted_test_distiller" not in network_methods()


def test_a_declared_plugin_is_costed_and_known_to_run_a_network_without_its_module_imported():
    DISTILLERS.declare("declared_test_distiller", "no.such.module", cost=WorkCost(1.5, 2.0), network=True)
    try:
        # neither answer imports the module (there is none)
        assert budget.estimate([Route("declared_test_distiller")], 500, 3) == pytest.approx(1.5 + 2.0 * 3)
        assert uses_network("declared_test_distiller")
        with pytest.warns(OptionWarning, match="declared_test_distiller"):  # listed among those that do
            check_run_settings(methods="sindy", device="cuda")
    finally:
        DISTILLERS.unregister("declared_test_distiller")


def test_the_network_methods_are_those_declared():
    assert {"prose", "hankel", "node", "pinn"} <= set(network_methods())
    assert not {"sindy", "sindy_pi", "sr", "units", "havok"} & set(network_methods())
