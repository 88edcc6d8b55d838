"""Long, densely sampled runs: the convolution path of the smoother (discover.data.sgconv)."""

import numpy as np
import pytest

from discover.data import derivatives, estimate_derivatives, sgconv
from discover.systems import generate, get_system


@pytest.fixture(scope="module")
def dense_lorenz():
    # 60,000 samples over 6 time units at 1% noise: windows of ~400 samples, 24 million
    # gathered values per pass, above sgconv.MIN_WORK
    return generate(get_system("lorenz"), points=60_000, noise=0.01, seed=0, t_end=6.0)


def test_convolution_agrees_with_gathered_windows_on_lorenz(dense_lorenz, monkeypatch):
    traj = dense_lorenz.trajectories[0]
    half = int(derivatives.choose_half_widths(traj).max())
    at = np.arange(len(traj))
    assert sgconv.is_large(at.size, 2 * half + 1)
    value, slope, hat = derivatives._local_fit(traj.t, traj.x, half, at)
    monkeypatch.setattr(sgconv, "MIN_WORK", 10**18)  # every sample gathered, as below the threshold
    v_ref, s_ref, h_ref = derivatives._local_fit(traj.t, traj.x, half, at)
    assert np.allclose(value, v_ref, rtol=0, atol=1e-10 * np.abs(traj.x).max())
    assert np.allclose(slope, s_ref, rtol=0, atol=1e-10 * np.abs(s_ref).max())
    assert np.array_equal(hat, h_ref)
    # the ends, whose windows are shifted inwards, are still gathered: bit for bit the same
    assert np.array_equal(value[:half], v_ref[:half]) and np.array_equal(slope[-half:], s_ref[-half:])


def test_dense_lorenz_derivatives_match_the_true_field(dense_lorenz):
    traj = dense_lorenz.trajectories[0]
    der = estimate_derivatives(dense_lorenz)
    x, y, z = der.smoothed[0].T
    field = np.column_stack([10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z])
    err = np.sqrt(np.mean((der.derivatives[0] - field) ** 2, axis=0)) / np.std(field, axis=0)
    assert np.all(err < 0.02)
    assert len(traj) == 60_000


def test_small_files_never_take_the_convolution_path(monkeypatch):
    calls = []
    monkeypatch.setattr(sgconv, "interior", lambda *a: calls.append(a))
    data = generate(get_system("lorenz"), points=5000, noise=0.05, seed=1)
    estimate_derivatives(data)
    assert not calls


def test_weak_projection_by_blocks_equals_the_whole(dense_lorenz, monkeypatch):
    import pysindy as ps

    from discover.data import weak_form

    traj = dense_lorenz.trajectories[0]
    wf = weak_form(dense_lorenz, np.array([[50, 50, 50]]))
    lib = ps.PolynomialLibrary(degree=3).fit(traj.x[:10])
    whole = wf.project_rows(lib.transform, traj.x)  # 60,000 samples: one product
    assert np.array_equal(whole, wf.project(lib.transform(traj.x)))
    seen = []
    monkeypatch.setattr(derivatives, "PROJECT_ROWS", 7000)

    def blocks(x):
        seen.append(len(x))
        return lib.transform(x)

    by_blocks = wf.project_rows(blocks, traj.x)
    assert max(seen) == 7000 and sum(seen) == len(traj)
    assert np.allclose(by_blocks, whole, rtol=1e-12, atol=1e-12 * np.abs(whole).max())


def test_uneven_normal_equations_agree_with_the_projector_on_lorenz(monkeypatch):
    data = generate(get_system("lorenz"), points=6000, noise=0.01, seed=2, t_end=6.0, uneven=True)
    traj = data.trajectories[0]
    assert not derivatives._is_uniform(traj.t)
    at = np.arange(len(traj))
    monkeypatch.setattr(sgconv, "MIN_WORK", 10**6)  # 6,000 windows of 201 samples count as large here
    calls = []
    real = derivatives.uneven.local_fit
    monkeypatch.setattr(derivatives.uneven, "local_fit", lambda *a: calls.append(1) or real(*a))
    value, slope, hat = derivatives._local_fit(traj.t, traj.x, 100, at)
    assert calls
    monkeypatch.setattr(sgconv, "MIN_WORK", 10**18)
    v_ref, s_ref, h_ref = derivatives._local_fit(traj.t, traj.x, 100, at)
    assert np.allclose(value, v_ref, rtol=0, atol=1e-10 * np.abs(traj.x).max())
    assert np.allclose(slope, s_ref, rtol=0, atol=1e-9 * np.abs(s_ref).max())
    assert np.allclose(hat, h_ref, rtol=0, atol=1e-12)
