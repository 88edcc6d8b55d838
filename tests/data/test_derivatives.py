import numpy as np

from discover.data import Dataset, estimate_derivatives, weak_form


def _sine(n, noise, uneven, seed=0):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 10, n)) if uneven else np.linspace(0, 10, n)
    x = np.column_stack([np.sin(t), np.cos(2 * t)])
    dx = np.column_stack([np.cos(t), -2 * np.sin(2 * t)])
    return t, x + noise * rng.standard_normal(x.shape), dx


def test_exact_data_on_uneven_grid_gives_accurate_derivatives():
    t, x, dx = _sine(800, 0.0, uneven=True)
    der = estimate_derivatives(Dataset.from_arrays(t, x))
    err = np.abs(der.derivatives[0] - dx)[5:-5].max()
    assert err < 1e-3


def test_noise_widens_the_window_and_smoothing_beats_differences():
    t, x, dx = _sine(2000, 0.0, uneven=False)
    clean = estimate_derivatives(Dataset.from_arrays(t, x))
    t, xn, dx = _sine(2000, 0.02, uneven=False)
    noisy = estimate_derivatives(Dataset.from_arrays(t, xn))
    assert np.all(noisy.half_widths > clean.half_widths)
    rmse = np.sqrt(np.mean((noisy.derivatives[0] - dx) ** 2))
    naive = np.sqrt(np.mean((np.gradient(xn, t, axis=0) - dx) ** 2))
    assert rmse < naive / 5


def test_weak_form_matches_integrals_of_true_derivative():
    for uneven, tol_max, tol_median in [(False, 1e-3, 1e-4), (True, 5e-2, 5e-3)]:
        t, x, dx = _sine(1500, 0.0, uneven=uneven, seed=3)
        wf = weak_form(Dataset.from_arrays(t, x), np.array([[6, 6]]))
        err = np.abs(wf.project(dx) - wf.targets)  # project(dx): integral of phi * dx/dt
        scale = np.abs(wf.targets).max()
        assert wf.W.shape[0] > 20
        assert err.max() < tol_max * scale and np.median(err) < tol_median * scale
