import numpy as np
import sympy as sp

from discover.core.candidates import Candidate
from discover.core.integrate import integrate
from discover.core.structure import compare
from discover.data import Trajectory
from discover.selection import Validation, score
from discover.systems import get_system


def test_perfect_candidate_scores_exact():
    truth = get_system("lorenz").equations()
    r = compare(truth, truth)
    assert r["exact"] and r["f1"] == 1.0 and r["coef_error"] == 0.0


def test_missing_and_extra_terms():
    x, y = sp.symbols("x y")
    r = compare({"x": -10 * x + 10.5 * y + 0.1 * x * y}, {"x": -10 * x + 10 * y})
    assert not r["exact"]
    assert r["precision"] == 2 / 3 and r["recall"] == 1.0
    assert abs(r["coef_error"] - 0.025) < 1e-12  # median of 0 and 0.05


def test_rational_terms_compare_by_skeleton():
    x = sp.Symbol("x")
    r = compare({"x": 0.61 - 1.49 * x / (x + 0.31)}, {"x": 0.6 - 1.5 * x / (x + 0.3)})
    assert r["exact"]


def test_blowing_up_candidate_is_failed_not_raised():
    x = sp.Symbol("x")
    t = np.linspace(0, 5, 100)
    seg = Trajectory(t, np.exp(-t)[:, None])
    val = Validation.build([seg], [seg], 1.0, np.array([0.1]))
    bad = Candidate({"x": 5 + 5 * x**2}, "test")  # blows up from every start within the horizon
    s = score(bad, val, ["x"])
    assert s["failed"] is True
    good = Candidate({"x": -x}, "test")
    assert score(good, val, ["x"])["short_r2"] > 0.999


def test_integrate_reports_blow_up():
    x = sp.Symbol("x")
    sol = integrate([x**2], [x], np.array([[1.0]]), [np.linspace(0, 2, 50)], bound=1e3)
    assert not sol.ok


def test_integrate_per_run_freezes_only_the_run_that_blows_up():
    """x' = x^2 blows up at t = 1/x0 from x0 > 0 and decays from x0 < 0."""
    x = sp.Symbol("x")
    t = np.linspace(0, 2, 50)
    sol = integrate([x**2], [x], np.array([[1.0], [-1.0]]), [t, t], bound=1e3, per_run=True)
    assert sol.ok and sol.failed_runs == (0,)
    assert np.all(np.isnan(sol.x[0]))
    np.testing.assert_allclose(sol.x[1][:, 0], -1 / (1 + t), rtol=1e-4)
    assert not integrate([x**2], [x], np.array([[1.0], [2.0]]), [t, t], bound=1e3, per_run=True).ok


def test_one_window_that_blows_up_does_not_fail_a_candidate():
    """Lotka-Volterra started slightly below zero (a noisy, smoothed start) blows up; the
    other windows still judge the model, and the blown share is recorded."""
    x, y = sp.symbols("x y")
    eqs = {"x": 1.3 * x - 0.9 * x * y, "y": 0.8 * x * y - 1.8 * y}
    from discover.systems import generate, get_system

    data = generate(get_system("lotka_volterra"), points=400, trajectories=1, seed=0)
    tr = data.trajectories[0]
    xs = tr.x.copy()
    xs[0] = [4.0, -1.0]  # the first window starts outside the positive quadrant
    seg = Trajectory(tr.t, xs)
    val = Validation.build([seg], [seg], 1.0, tr.x.var(axis=0))
    s = score(Candidate(eqs, "test"), val, ["x", "y"])
    assert s["failed"] is False and 0 < s["blown_up_windows"] < 0.5
    assert s["short_r2"] > 0.99
