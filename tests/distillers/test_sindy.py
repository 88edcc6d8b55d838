import warnings

import numpy as np
import pysindy as ps
import pytest
import sympy as sp

from discover.core.errors import NotFittedError
from discover.core.structure import compare
from discover.distillers import REGISTRY, Samples, SINDy
from discover.distillers.sparse_fit import stlsq as _stlsq


def test_stlsq_matches_pysindy():
    rng = np.random.default_rng(0)
    for _ in range(15):
        A = rng.standard_normal((200, 10))
        w = rng.standard_normal((10, 3)) * (rng.random((10, 3)) < 0.4)
        b = A @ w + 0.05 * rng.standard_normal((200, 3))
        thr = rng.uniform(0.05, 0.8)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = ps.STLSQ(threshold=thr, alpha=1e-8, max_iter=30).fit(A, b).coef_
        # our alpha is relative to the mean squared column norm (~200 here)
        ours = _stlsq(A, b, thr, alpha=1e-8 / np.mean(np.sum(A**2, axis=0)))
        np.testing.assert_allclose(ours, ref, atol=1e-8)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_distiller_contract(name):
    cls = REGISTRY[name]
    d = cls()
    with pytest.raises(NotFittedError):
        d.candidates
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, (400, 2))
    Y = np.column_stack([X[:, 1], -X[:, 0] - 0.5 * X[:, 1]])
    runs = ((np.linspace(0, 10, len(X)), X, Y),)  # for distillers that read whole runs
    assert d.fit(Samples(X, Y, ("x", "y"), trajectories=runs)) is d
    assert all(set(c.equations) == {"x", "y"} for c in d.candidates_)


def test_sindy_finds_linear_oscillator_exactly():
    rng = np.random.default_rng(2)
    X = rng.uniform(-2, 2, (400, 2))
    Y = np.column_stack([X[:, 1], -X[:, 0] - 0.5 * X[:, 1]])
    cands = SINDy().distill(X, Y, ["x", "y"])
    x, y = sp.symbols("x y")
    (three,) = [c for c in cands if c.complexity == 3]
    # the coefficients as fitted (exact data: least squares gives them to rounding error, not rounded)
    assert compare(three.equations, {"x": y, "y": -x - 0.5 * y}, tol=0.0)["exact"]
    assert compare(three.equations, {"x": y, "y": -x - 0.5 * y}, tol=0.0)["max_coef_error"] < 1e-12
    assert three.term_confidence["y"]["x"] == 1.0


def test_selected_terms_are_stable_under_their_own_search(tmp_path):
    """SIR on 200 uneven noisy samples: the exact model is found by the best-subset search; its
    bootstrap reruns that search, so its own terms are kept in (nearly) every refit and the run
    says "high" (the thresholding bootstrap said 0% for terms of the selected model)."""
    import discover
    from discover.core.structure import compare, terms
    from discover.systems import generate, get_system

    system = get_system("sir")
    data = generate(system, points=200, noise=0.01, seed=0, uneven=True)
    model = discover.Discoverer(methods="sindy", random_state=0).fit(data)
    assert compare(model.equations_, system.equations())["exact"]
    kept = [model.best_.term_confidence[v][str(t)] for v, e in model.equations_.items() for t in terms(e, 1e-12)]
    assert kept and min(kept) >= 0.9
    assert model.confidence_ == "high"
