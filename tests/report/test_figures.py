"""The figures' helpers: fronts that are fronts, run names a person reads, ticks for the time unit."""

from __future__ import annotations

import numpy as np

from discover.core.plotkit import dense_times, figure, nondominated, run_name, save, time_axis


def test_nondominated_keeps_only_the_front():
    pts = [{"complexity": c, "mse": m} for c, m in [(5, 1.0), (2, 10.0), (3, 12.0), (5, 0.5), (7, 0.6), (9, 0.1)]]
    front = nondominated(pts)
    assert [(p["complexity"], p["mse"]) for p in front] == [(2, 10.0), (5, 0.5), (9, 0.1)]
    errs = [p["mse"] for p in front]
    assert all(a > b for a, b in zip(errs, errs[1:]))


def test_run_names_read_as_words():
    assert run_name("0 (before)", 1) == "before the held-out block"
    assert run_name("0", 1) == "the data"
    assert run_name("b (after)", 2) == "run b, after the held-out block"
    assert run_name("7", 3) == "run 7"


def test_dense_grid_lies_between_the_samples():
    t = np.arange(1900.0, 1921.0)
    grid = dense_times(t)
    assert grid[0] == t[0] and grid[-1] == t[-1] and len(grid) > 5 * len(t)


def test_year_axis_has_whole_ticks(tmp_path):
    fig, axes = figure(1, 1, (6, 2))
    t = np.arange(1900.0, 1921.0)
    axes[0, 0].plot(t, np.sin(t))
    time_axis(axes[0, 0], t)
    fig.canvas.draw()
    ticks = [x for x in axes[0, 0].get_xticks() if t[0] <= x <= t[-1]]
    assert ticks and all(float(x).is_integer() for x in ticks)
    labels = [lab.get_text() for lab in axes[0, 0].get_xticklabels() if lab.get_text()]
    assert labels and all("." not in lab and "e" not in lab for lab in labels)
    assert save(fig, tmp_path / "f.png") and (tmp_path / "f.png").stat().st_size > 0


def test_r2_near_one_keeps_its_differences():
    from discover.report.numbers import r2_text

    assert r2_text(0.95) == "0.950"
    shown = {r2_text(v) for v in (0.99989, 0.99988, 0.999885)}
    assert len(shown) == 3 and not any(s == "1.000" for s in shown)
    assert r2_text(None) == "—" and r2_text(float("-inf")) == "failed"
