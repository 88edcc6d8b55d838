"""A rival or an alternative must be supported by the data: no coefficient within two standard errors
of zero, no sum of terms that cancel a hundredfold (issue 30 and 31: Van der Pol at 1% noise)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from discover.core.candidates import Candidate
from discover.selection.equivalence import cancels
from discover.selection.paired import supported

x, y = sp.symbols("x y")


def _rows(*pairs):
    return [{"term": t, "value": v, "stderr": s, "inner": False} for t, v, s in pairs]


def test_a_coefficient_within_two_standard_errors_of_zero_is_not_supported():
    c = Candidate({"y": -1.5 * x**2 * y - 0.003 * x * y**2}, "sindy_pi",
                  uncertainty={"y": _rows((x**2 * y, -1.5, 0.007), (x * y**2, -0.003, 0.0049))})
    assert not supported(c)
    c.uncertainty["y"][1]["value"] = -0.03  # six standard errors: supported
    assert supported(c)


def test_rows_without_standard_errors_and_inner_constants_say_nothing():
    c = Candidate({"y": -x}, "sr", uncertainty={"y": [{"term": x, "value": 1e-9, "stderr": None, "inner": False},
                                                      {"term": x, "value": 1e-9, "stderr": 1.0, "inner": True}]})
    assert supported(c)


def test_terms_that_cancel_a_hundredfold_are_a_cancellation():
    X = np.column_stack([np.linspace(-2, 2, 101), np.linspace(-3, 3, 101)])
    law = Candidate({"x": y, "y": -1.5 * x**2 * y - x + 1.5 * y}, "sindy")
    imitation = Candidate({"x": y, "y": 17352945.2 * y - 27282707.1 * y * sp.cos(0.0725 * x)
                           + 9929763.3 * y * sp.cos(0.0934 * x) - x}, "sindy")
    assert not cancels(law, ["x", "y"], X)
    assert cancels(imitation, ["x", "y"], X)
