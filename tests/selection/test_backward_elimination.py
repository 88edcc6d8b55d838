"""Backward elimination by the BIC of the whole measured runs drops a term the regression kept from the
noise, and keeps a small term the runs need."""

import numpy as np
import sympy as sp

from discover.core.candidates import Candidate
from discover.core.integrate import integrate
from discover.core.structure import compare
from discover.data.dataset import Dataset, Trajectory
from discover.data.prepared import prepare
from discover.selection.backward import backward
from discover.selection.trajectory import Judge

x, y = sp.symbols("x y")


def _prepared(rhs, symbols, x0, sigma, seed=0, duration=10.0):
    t = np.linspace(0.0, duration, 512)
    clean = integrate(rhs, symbols, np.array([x0]), [t], rtol=1e-10, atol=1e-12).x[0]
    rng = np.random.default_rng(seed)
    noisy = clean * (1 + sigma * rng.standard_normal(clean.shape))
    return prepare(Dataset((Trajectory(t, noisy, label="0"),), tuple(str(s) for s in symbols)))


def test_a_term_fitted_to_the_noise_is_dropped():
    # the logistic law, seen from a small start at 5% noise, with the kind of small cubic a regression keeps
    truth = 0.8 * x - 0.4 * x**2
    prepared = _prepared([truth], [x], [0.1], 0.05)
    spurious = Candidate({"x": sp.Float(0.79) * x - sp.Float(0.37) * x**2 - sp.Float(0.012) * x**3}, "test")
    record = backward(spurious, Judge(prepared), prepared.samples().states)
    assert record is not None and record["equations"] is not None, record
    equations = record["equations"]
    assert compare({"x": equations["x"]}, {"x": truth})["exact"], equations
    assert [d["term"] for d in record["dropped"]] == ["x**3"] and record["gain"] > 0, record
    # the constants are those of the refit to the runs, near the truth's
    coef = sp.Poly(equations["x"], x).as_dict()
    assert abs(float(coef[(1,)]) - 0.8) < 0.08 and abs(float(coef[(2,)]) + 0.4) < 0.04, equations


def test_a_small_term_the_runs_need_is_kept():
    # a lightly damped oscillator at 1% noise: the damping is a tenth of the restoring force, and it stays
    truth = [y, -x - 0.1 * y]
    prepared = _prepared(truth, [x, y], [1.0, 0.0], 0.01, seed=2, duration=20.0)
    exact = Candidate({"x": sp.Float(1.0) * y, "y": -sp.Float(1.0) * x - sp.Float(0.1) * y}, "test")
    record = backward(exact, Judge(prepared), prepared.samples().states)
    assert record["equations"] is None and not record["dropped"] and not record["close"], record
