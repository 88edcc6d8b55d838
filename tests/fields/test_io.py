"""Reading fields: long and wide CSV, .npz, several runs, missing points, and one-sentence refusals."""

import numpy as np
import pandas as pd
import pytest

from discover.core.errors import DataError
from discover.fields.catalog import generate_field, to_long_frame
from discover.fields.io import MissingPointsWarning, load_fields


@pytest.fixture(scope="module")
def field():
    return generate_field("advection_diffusion", n_x=32, n_t=21)


def test_long_wide_and_npz_read_the_same_grid(tmp_path, field):
    to_long_frame([field]).to_csv(tmp_path / "long.csv", index=False)
    wide = pd.DataFrame(field.values[..., 0], columns=[f"{v:g}" for v in field.coords[0]])
    wide.insert(0, "time", field.t)
    wide.to_csv(tmp_path / "wide.csv", index=False)
    np.savez(tmp_path / "f.npz", t=field.t, x=field.coords[0], u=field.values[..., 0])
    for path in ("long.csv", "wide.csv", "f.npz"):
        (f,) = load_fields(tmp_path / path, space="x")
        assert f.values.shape == field.values.shape and np.allclose(f.values, field.values, atol=1e-6)
        assert f.periodic == (True,)


def test_several_runs_and_uneven_time(tmp_path, field):
    df = to_long_frame([field, field])
    df["trajectory"] = np.repeat(["a", "b"], len(df) // 2)
    df = df[~df["t"].isin(field.t[[3, 7]])]  # uneven times
    df.to_csv(tmp_path / "runs.csv", index=False)
    fields = load_fields(tmp_path / "runs.csv", space=["x"])
    assert [f.run for f in fields] == ["a", "b"] and fields[0].t.size == field.t.size - 2


def test_missing_points_filled_or_refused(tmp_path, field):
    df = to_long_frame([field])
    df.drop(index=[5, 50]).to_csv(tmp_path / "few.csv", index=False)
    with pytest.warns(MissingPointsWarning):
        (f,) = load_fields(tmp_path / "few.csv", space="x")
    assert np.isfinite(f.values).all()
    df.sample(frac=0.5, random_state=0).to_csv(tmp_path / "many.csv", index=False)
    with pytest.raises(DataError, match="misses"):
        load_fields(tmp_path / "many.csv", space="x")


def test_refusals_are_one_sentence(tmp_path, field):
    df = to_long_frame([field])
    df.to_csv(tmp_path / "long.csv", index=False)
    with pytest.raises(DataError, match="spatial column 'z'"):
        load_fields(tmp_path / "long.csv", space="z")
    df2 = df.copy()
    df2["x"] = df2["x"] ** 3
    df2.to_csv(tmp_path / "uneven.csv", index=False)
    with pytest.raises(DataError, match="evenly spaced"):
        load_fields(tmp_path / "uneven.csv", space="x")


def test_bounded_line_is_detected_and_a_plane_read(tmp_path):
    t = np.linspace(0, 1, 21)
    x = np.linspace(0, 1, 32)
    u = np.outer(np.exp(-t), 1 + x)  # u(0) != u(1): not periodic
    np.savez(tmp_path / "b.npz", t=t, x=x, u=u)
    (f,) = load_fields(tmp_path / "b.npz")
    assert f.periodic == (False,)
    tt, xx, yy = np.meshgrid(t, x, x[:20], indexing="ij")
    pd.DataFrame({"t": tt.ravel(), "x": xx.ravel(), "y": yy.ravel(), "u": (tt + xx * yy).ravel()}).to_csv(
        tmp_path / "xy.csv", index=False)
    fields = load_fields(tmp_path / "xy.csv", space="x,y")
    assert fields[0].values.shape == (21, 32, 20, 1)
    assert fields[0].periodic == (False, False)
