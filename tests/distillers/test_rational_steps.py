"""Simpler variants and extra support paths of the implicit (SINDy-PI) search, at small sizes."""

import numpy as np
import sympy as sp

from discover.core.structure import compare
from discover.distillers.nls import Target
from discover.distillers.rational_steps import compaction_path, trimmed_denominator

S, I = sp.symbols("S I")


def _saturated_incidence(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(0.2, 1.0, n), rng.uniform(0.01, 0.4, n)])
    y = -0.16 * X[:, 0] * X[:, 1] / (X[:, 1] + 0.2) + 1e-4 * rng.standard_normal(n)
    return X, Target(X, y)


def test_compaction_path_reaches_the_one_term_saturation():
    X, target = _saturated_incidence()
    start = {"expr": (-0.165 * I * S - 0.0003 * S**2 - 0.0006 * S) / (I + 0.22), "mse": 1e-8}
    path = compaction_path(start, [S, I], X, target)
    assert [e["complexity"] for e in path] == sorted((e["complexity"] for e in path), reverse=True)
    last = path[-1]
    r = compare({"S": last["expr"]}, {"S": -0.16 * S * I / (I + 0.2)})
    assert r["exact"] and r["max_coef_error"] < 0.05, last["expr"]


def test_a_denominator_term_that_hardly_varies_it_is_trimmed():
    X, target = _saturated_incidence()
    bloated = (1463.0 * I**2 * S + 11630.0 * I * S) / (I**2 - 78308 * I - 14447)
    out = trimmed_denominator({"expr": bloated, "mse": 1e-8}, [S, I], X, target)
    assert out is not None
    den = sp.fraction(sp.together(out["expr"]))[1]
    assert sp.Poly(den, I).degree() == 1, out["expr"]
