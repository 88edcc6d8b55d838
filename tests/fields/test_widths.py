"""Zero noise is not a special case: the weak form's test functions are as wide as the grid needs.

On clean data the noise rule asks for nothing, and test functions a few samples wide make the
grid's sums of their fourth derivative miss the integrals by far more than any term's share; the
width now has a floor from that quadrature error, measured on the data's own spectrum.
"""

import numpy as np
import pytest

from discover.fields import select, sparse
from discover.fields.catalog import generate_field, get_pde
from discover.fields.fit import PdeConfig, _candidates, _holds_wider, discover_pde
from discover.fields.quadrature import TOLERANCE, band_spectrum, quadrature_error, resolved_points
from discover.fields.spectral import noise_cutoff
from discover.fields.terms import coefficient_error
from discover.fields.weak import WeakTerm, _bump, support_points, weak_library, weak_system


def _ks_weak_truth(lib):
    c = np.zeros(len(lib))
    c[lib.index(WeakTerm(2, 1))] = -0.5  # -u u_x = -(u^2)_x / 2
    c[lib.index(WeakTerm(1, 2))] = -1.0
    c[lib.index(WeakTerm(1, 4))] = -1.0
    return c


@pytest.fixture(scope="module")
def fine_ks():
    """Clean Kuramoto-Sivashinsky on a grid twice as fine as the catalog's (dx = 0.2), half its duration."""
    return generate_field("ks", n_x=512, n_t=101, t_end=50.0)


def test_quadrature_error_falls_with_width_and_a_finer_grid_needs_wider_test_functions():
    x = np.linspace(0, 2 * np.pi, 512, endpoint=False)
    rows = np.array([np.sin(3 * x + a) + 0.3 * np.cos(7 * x - a) for a in np.linspace(0, 1, 6)])
    fine, coarse = band_spectrum(rows), band_spectrum(rows[:, ::4])
    errs = [quadrature_error(fine, 512, m, _bump(6), 4) for m in (8, 16, 32, 64)]
    assert all(a > b for a, b in zip(errs, errs[1:])) and errs[0] > 1.0
    m_fine = resolved_points(fine, 512, _bump(6), 4, minimum=4, maximum=128)
    m_coarse = resolved_points(coarse, 128, _bump(6), 4, minimum=4, maximum=32)
    assert quadrature_error(fine, 512, m_fine, _bump(6), 4) < TOLERANCE
    assert m_coarse < m_fine < 4 * m_coarse  # more samples on the finer grid, yet narrower in x
    assert resolved_points(fine, 512, _bump(6), 0, minimum=4, maximum=128) < m_fine  # no derivative: easy


def test_clean_fine_grid_width_is_chosen_from_the_grid_not_the_minimum(fine_ks):
    u = fine_ks.values[..., 0]
    m = support_points(u, 6, minimum=12, order=4)
    assert m > 12
    lib = weak_library(3, 4)
    train = [select.split_rows(fine_ks.t.size)[0]]
    truth = _ks_weak_truth(lib)

    def residual(mx):
        A, b, _ = weak_system([fine_ks], train, lib, m_x=mx, m_t=8)
        return np.linalg.norm(A @ truth - b) / np.linalg.norm(b)

    assert residual(12) > 0.05 and residual(m) < 0.01


def test_clean_kuramoto_sivashinsky_on_a_fine_grid_is_exact_and_rated_high(fine_ks):
    true = get_pde("ks").terms
    res = discover_pde([fine_ks], PdeConfig(forms=("weak",), bootstrap=5), seed=0)
    assert set(res.best.terms) == set(true), res.best.text()
    assert coefficient_error(res.best.terms, true) < 0.01
    assert res.confidence == "high", res.reasons
    assert any("twice as wide finds the same terms" in r for r in res.reasons)


def test_a_term_that_only_absorbs_quadrature_error_fails_the_wider_check(fine_ks):
    lib = weak_library(3, 4)
    train = [select.split_rows(fine_ks.t.size)[0]]
    A, b, used = weak_system([fine_ks], train, lib, m_x=18, m_t=8)
    fits = sparse.sparse_path(A, b, 5)
    systems, info = {"weak": (A, b, lib, fits)}, {"weak": used}
    truth = set(np.flatnonzero(_ks_weak_truth(lib)))
    exact = next(f for f in fits if set(f.support) == truth)
    extra = next(f for f in fits if len(f.support) == 4 and truth < set(f.support))
    cand = {name: _candidates("weak", [f], lib)[0] for name, f in (("exact", exact), ("extra", extra))}
    assert _holds_wider([fine_ks], train, cand["exact"], systems, info, 5) is True
    assert _holds_wider([fine_ks], train, cand["extra"], systems, info, 5) is False


def test_clean_kdv_found_by_the_weak_form_alone_is_rated_high():
    true = get_pde("kdv").terms
    field = generate_field("kdv", n_x=256, n_t=81)
    res = discover_pde([field], PdeConfig(forms=("weak",), bootstrap=5), seed=0)
    assert set(res.best.terms) == set(true), res.best.text()
    assert coefficient_error(res.best.terms, true) < 0.01
    assert res.confidence == "high", res.reasons


def test_a_lone_nyquist_bin_is_not_part_of_the_band():
    x = np.linspace(0, 2 * np.pi, 256, endpoint=False)
    rng = np.random.default_rng(0)
    u = np.tile(np.sin(3 * x), (30, 1)) + 1e-6 * rng.standard_normal((30, 256))
    u += 1e-4 * np.cos(128 * x)  # the grid's odd mode, as a solver's dealiasing can leave it
    cutoff, sigma = noise_cutoff(u)
    assert cutoff < 64 and 5e-7 < sigma < 2e-6
