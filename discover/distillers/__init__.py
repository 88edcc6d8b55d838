"""Distillers: from samples of a vector field to symbolic candidate systems.

The registry lives here, light: each distiller's module (and the base class with its heavy
imports) is loaded when it is first used, so checking a method's name loads nothing
(see :mod:`discover.core.registry`).
"""

from math import comb

from discover.core.budget import WorkCost
from discover.core.registry import Registry, lazy_attributes

REGISTRY = Registry("distiller")
register = REGISTRY.register
get_distiller = REGISTRY.get_class


# Their costs for the time budget (discover.pipeline.budget), ``seconds = base + per_unit * work(n, d)``
# for ``n`` training samples of ``d`` variables. The constants were measured on the 2-core machine
# (shared with other sessions, load average about 5 while measuring, so about twice what an idle
# machine takes; Python 3.11, pyoperon 0.6) from the stage seconds in run.json of default runs on clean
# reference systems of 2,000 samples x 3 runs: michaelis_menten (1 variable), toggle_switch and
# brusselator (2), goodwin (3), and the 5-variable saturating cascade of benchmarks/budget.py. A
# stage's seconds include judging its new candidates on held-out data. Measured (s) for 1 / 2 / 3 / 5
# variables: SINDy 0.6 / 1.3-2.8 / 2.1 / 3.1-7.8; the rational search 0.9 / 5.7-13 / 23 / over 240
# (cut; 441 s in issue 33); units 4.3 / 4.6-6.1 / 8.8 / - (more than 3 states: it declines); SR 15 /
# 15-24 / 13 / 19; SINDy with SR's terms 2.1 / 2.2 / 1.2 / 5.3. The model is rough (a factor of two
# either way): the budget needs an order of magnitude to decide what cannot fit, and each search's
# deadline does the rest.
def _sindy_work(n: int, d: int) -> float:
    """SINDy (degrees 1-3, 24 bootstrap refits) and judging its candidates: per equation, and the rows
    of the cubic library count beyond ~10^5."""
    return d * (1.0 + n * comb(d + 3, 3) / 2e7)


def _rational_work(n: int, d: int) -> float:
    """SINDy-PI: per equation, a screen of the states and denominators (discover.distillers.rational_screen),
    then one regression per denominator kept (12) over the library of the states kept, on at most 1,500
    rows, then up to 16 nonlinear refits; with the screen the stage grows about linearly with the
    equations (CPU s after the screen, benchmarks/results/scaling-after.md: 0.7 / 2.4 / 4.9 / 8.1 / 17 /
    30 for 1 / 2 / 3 / 5 / 8 / 10 variables; before it, 0.9 / 5.7-13 / 23 / 238-441 s)."""
    return d * (1.0 + d / 10) * min(n, 1500) / 1500


def _units_work(n: int, d: int) -> float:
    """Sigmoid units (1-2 units, 8 starts) and trigonometric supports per equation; none past 3 states
    (the distiller declines)."""
    return 2.0 + 2.2 * d if d <= 3 else 0.0


# prose: the transformer reads each run once; sr: one pyoperon search per equation (50 generations x
# 300, stopped when stalled).
REGISTRY.declare("prose", "discover.distillers.prose", cost=WorkCost(2.0, 1e-4, "samples x variables"), network=True)
REGISTRY.declare("sindy", "discover.distillers.sindy", cost=WorkCost(0.3, 0.8, _sindy_work))
REGISTRY.declare("sindy_pi", "discover.distillers.implicit", cost=WorkCost(0.5, 1.5, _rational_work))
REGISTRY.declare("sr", "discover.distillers.symbolic_regression", cost=WorkCost(3.0, 5.0, "variables"))
REGISTRY.declare("units", "discover.distillers.units", cost=WorkCost(0.1, 1.0, _units_work))

_LAZY = {
    "BaseDistiller": "discover.distillers.base",
    "Samples": "discover.data.samples",
    "Implicit": "discover.distillers.implicit",
    "ImplicitConfig": "discover.distillers.implicit",
    "Prose": "discover.distillers.prose",
    "ProseConfig": "discover.distillers.prose",
    "SINDy": "discover.distillers.sindy",
    "SindyConfig": "discover.distillers.sindy",
    "SRConfig": "discover.distillers.symbolic_regression",
    "SymbolicRegression": "discover.distillers.symbolic_regression",
    "Units": "discover.distillers.units",
    "UnitsConfig": "discover.distillers.units",
}

__all__ = ["REGISTRY", "BaseDistiller", "Implicit", "ImplicitConfig", "Prose", "ProseConfig", "SINDy", "SRConfig", "Samples", "SindyConfig",
           "SymbolicRegression", "Units", "UnitsConfig", "get_distiller", "register"]

__getattr__ = lazy_attributes(__name__, _LAZY)
