import numpy as np
import pytest

import discover
from discover.data import MissingValuesWarning
from discover.errors import DataError


def test_trajectory_column_and_time_detection(write_system):
    path, system = write_system("lotka_volterra", trajectories=3, points=200)
    data = discover.load_csv(path)
    assert data.names == ("x", "y")
    assert data.time_name == "t"
    assert len(data.trajectories) == 3
    assert all(len(tr) == 200 for tr in data.trajectories)


def test_several_files_are_several_runs(write_system, tmp_path):
    p1, _ = write_system("vanderpol", trajectories=1, points=100, seed=1)
    p2, _ = write_system("vanderpol", trajectories=1, points=150, seed=2)
    p2 = p2.rename(tmp_path / "second.csv")
    data = discover.load_csv([p1, p2])
    assert [len(tr) for tr in data.trajectories] == [100, 150]
    assert data.source == (str(p1), str(p2))


def test_states_selection_and_named_time(csv):
    t = np.linspace(0, 1, 20)
    text = "Time,a,b,c\n" + "\n".join(f"{v},{np.sin(v)},{v * v},{np.cos(v)}" for v in t)
    data = discover.load_csv(csv(text), states="c,a")
    assert data.names == ("c", "a") and data.time_name == "Time"
    data = discover.load_csv(csv(text.replace("Time", "clock")), time="clock")
    assert data.n_states == 3


def test_missing_values_warn_with_count(csv):
    t = np.linspace(0, 1, 30)
    rows = [f"{v},{np.sin(v)},{np.cos(v)}" for v in t]
    rows[4] = f"{t[4]},,{np.cos(t[4])}"
    rows[7] = f"{t[7]},{np.sin(t[7])},NaN"
    rows[8] = f"{t[8]},{np.sin(t[8])},"
    with pytest.warns(MissingValuesWarning, match="Dropped 3 rows"):
        data = discover.load_csv(csv("t,x,y\n" + "\n".join(rows)))
    assert data.n_samples == 27 and data.dropped_rows == 3


def test_entirely_empty_column_is_an_error(csv):
    t = np.linspace(0, 1, 30)
    text = "t,x,e\n" + "\n".join(f"{v},{np.sin(v)}," for v in t)
    with pytest.raises(DataError, match="'e'.*entirely empty"):
        discover.load_csv(csv(text))


def test_uneven_spacing_is_kept(write_system):
    path, _ = write_system("lorenz", trajectories=1, points=300, uneven=True)
    data = discover.load_csv(path)
    dt = np.diff(data.trajectories[0].t)
    assert dt.std() / dt.mean() > 0.3
