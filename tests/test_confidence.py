"""Confidence computed on the selected model itself (issue 18): held-out prediction beyond the
noise, stability of its own terms, identifiability of its terms on the data, agreement, and
out-of-sample validation; every level below high names its deciding reason."""

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import expm

import discover
from discover.core.errors import DataError
from discover.core.structure import compare
from discover.systems import generate, get_system


def _heat_rank2(n: int = 20, points: int = 300) -> pd.DataFrame:
    """A discretised heat equation on ``n`` grid points from a sum of two sine modes: 20 columns, rank 2."""
    h = 1.0 / (n + 1)
    grid = np.arange(1, n + 1) * h
    L = 0.01 * (np.diag(-2.0 * np.ones(n)) + np.diag(np.ones(n - 1), 1) + np.diag(np.ones(n - 1), -1)) / h**2
    u0 = np.sin(np.pi * grid) + 0.5 * np.sin(2 * np.pi * grid)
    t = np.linspace(0, 4, points)
    U = np.array([expm(L * ti) @ u0 for ti in t])
    frame = pd.DataFrame(U, columns=[f"u{i}" for i in range(n)])
    frame.insert(0, "t", t)
    return frame


def test_sir_uneven_is_high_with_the_exact_model():
    system = get_system("sir")
    data = generate(system, points=200, trajectories=1, noise=0.01, seed=0, uneven=True)
    model = discover.Discoverer(random_state=0).fit(data)
    assert compare(model.equations_, system.equations())["exact"], model.best_.strings()
    assert model.confidence_ == "high", model.result_.reasons
    assert model.result_.deciding is None
    # every constant of the selected model has a standard error from the refit, and it is small
    rows = [r for v in model.best_.uncertainty.values() for r in v]
    assert len(rows) == 4 and all(r["stderr"] is not None and r["stderr"] < 0.1 * abs(r["value"]) for r in rows)


def test_rank_two_heat_data_in_twenty_columns_are_not_high():
    model = discover.Discoverer(random_state=0).fit(_heat_rank2())
    assert model.confidence_ != "high"
    assert "cannot be told apart" in model.result_.deciding
    assert "span only 2 dimensions" in model.result_.deciding
    assert model.result_.reasons[0] == model.result_.deciding


def test_data_at_1e_minus_200_are_not_high():
    data = generate(get_system("sir"), points=200, trajectories=1, noise=0.01, seed=0, uneven=True)
    frame = discover.systems.to_frame(data)
    frame[list(data.names)] *= 1e-200
    with pytest.raises(DataError, match="rescale"):
        discover.Discoverer(random_state=0).fit(frame)


def _lorenz_like(prob_y: float):
    import sympy as sp

    from discover.core.candidates import Candidate

    x, y = sp.symbols("x y")
    return y, Candidate({"x": -1.0 * x + 2.0 * y, "y": -0.98 * y}, "sindy",
                        term_confidence={"x": {"x": 1.0, "y": 1.0}, "y": {"y": prob_y}},
                        scores={"failed": False, "short_r2": 0.997})


def test_a_wavering_term_lowers_confidence_unless_the_data_fix_it_and_another_method_agrees():
    from discover.selection.confidence import Evidence, judge
    from discover.selection.uncertainty import Fit

    y, c = _lorenz_like(0.83)
    fits = {"y": Fit([{"term": y, "value": -0.98, "stderr": 0.13, "inner": False}])}
    assert judge(c, [c], ["sr"], [], Evidence(noise=0.002, fits=fits), 1e-3)[0] == "high"
    level, reasons, deciding = judge(c, [c], [], [], Evidence(noise=0.002, fits=fits), 1e-3)
    assert level == "medium" and deciding == reasons[0] and "83% of bootstrap refits" in deciding
    loose = {"y": Fit([{"term": y, "value": -0.98, "stderr": 0.6, "inner": False}])}
    level, reasons, _ = judge(c, [c], ["sr"], [], Evidence(noise=0.002, fits=loose), 1e-3)
    assert level == "medium" and any("within 2 standard errors of zero" in r for r in reasons)
    y, c = _lorenz_like(0.4)
    assert judge(c, [c], ["sr"], [], Evidence(noise=0.002, fits=fits), 1e-3)[0] == "low"


def test_a_model_no_better_than_holding_the_state_constant_is_low():
    from discover.selection.confidence import Evidence, judge

    _, c = _lorenz_like(1.0)
    level, _, deciding = judge(c, [c], [], [], Evidence(noise=0.0, null_error=0.004), 1e-3)
    assert level == "low" and "holding every state constant" in deciding


def test_a_model_that_drifts_from_whole_segments_it_tracks_is_not_high():
    """Hopf's quintic read from runs near its cycle: the harmonic oscillator predicts every short
    window (R² 0.9999) and loses whole segments (0.87); a chaotic flow that parts from the data
    (valid fraction below 1) is not judged by whole segments."""
    from discover.selection.confidence import Evidence, judge

    _, c = _lorenz_like(1.0)
    c.scores.update({"short_r2": 0.9999, "long_r2": 0.8667, "valid_fraction": 1.0})
    level, _, deciding = judge(c, [c], ["sr"], [], Evidence(noise=0.0), 1e-3)
    assert level == "medium" and "drifts from whole held-out segments" in deciding
    c.scores.update({"long_r2": 0.9990})  # within the noise of the short windows
    assert judge(c, [c], ["sr"], [], Evidence(noise=0.0), 1e-3)[0] == "high"
    c.scores.update({"long_r2": -0.6, "valid_fraction": 0.4})  # chaos
    assert judge(c, [c], ["sr"], [], Evidence(noise=0.0), 1e-3)[0] == "high"
