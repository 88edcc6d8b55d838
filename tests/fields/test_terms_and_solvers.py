"""Monomial algebra, derivatives with a noise cutoff, and the two PDE solvers against exact solutions."""

import numpy as np

from discover.fields.catalog import PDES
from discover.fields.solve import simulate_bounded, simulate_periodic
from discover.fields.spectral import noise_cutoff, spectral_derivatives
from discover.fields.terms import conservative, monomial, to_text


def test_conservative_terms_expand_by_the_chain_rule():
    assert conservative(2, 1) == {monomial(1, 1): 2.0}  # (u^2)_x = 2 u u_x
    assert conservative(2, 2) == {monomial(1, 2): 2.0, (0, 2, 0, 0, 0): 2.0}  # 2 u u_xx + 2 u_x^2
    assert to_text({monomial(1, 1): -1.0, monomial(0, 2): 0.1}) == "-1*u*u_x + 0.1*u_xx"


def test_spectral_derivatives_and_noise_estimate():
    x = np.linspace(0, 2 * np.pi, 128, endpoint=False)
    u = np.tile(np.sin(3 * x), (20, 1))
    d = spectral_derivatives(u, x[1] - x[0], 2)
    assert np.allclose(d[2], -9 * np.sin(3 * x), atol=1e-8)
    rng = np.random.default_rng(0)
    noisy = u + 0.01 * rng.standard_normal(u.shape)
    cut, sigma = noise_cutoff(noisy)
    assert 3 <= cut < 40 and 0.007 < sigma < 0.013


def test_etdrk4_follows_a_kdv_soliton():
    x = -20 + 40 * np.arange(128) / 128
    c = 1.0
    exact = lambda t: c / 2 / np.cosh(np.sqrt(c) / 2 * (x - c * t + 5)) ** 2  # noqa: E731
    t = np.linspace(0, 4, 21)
    u = simulate_periodic(PDES["kdv"].terms, x, exact(0), t)
    assert np.max(np.abs(u[-1] - exact(4))) < 1e-3


def test_method_of_lines_solves_the_heat_equation_with_data_edges():
    x = np.linspace(0, np.pi, 41)
    t = np.linspace(0, 0.5, 11)
    exact = np.exp(-0.5 * t)[:, None] * np.sin(x)[None, :]  # u_t = 0.5 u_xx, u = 0 at both ends
    u = simulate_bounded({monomial(0, 2): 0.5}, x, exact[0], t, edges=exact)
    assert np.max(np.abs(u - exact)) < 2e-3
