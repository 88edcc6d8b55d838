"""Field files discover cannot use are refused with one sentence before any fit (issue 31): object or
text arrays in an .npz, NaN times, infinite values, a constant field, and a long-format file whose
times and positions span a grid far larger than its rows (refused before the grid is allocated)."""

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from discover.core.errors import DataError
from discover.fields.io import load_fields
from tests.data.test_input_limits import refused_in_a_child

T = np.linspace(0, 1, 20)
X = np.linspace(0, 1, 16, endpoint=False)
U = np.sin(2 * np.pi * (X[None, :] - T[:, None]))


def _nan_time():
    t = T.copy()
    t[5] = np.nan
    return {"t": t, "x": X, "u": U}


def _inf_value():
    u = U.copy()
    u[3, 4] = np.inf
    return {"t": T, "x": X, "u": u}


CASES = {
    "object array": ({"t": np.array([1.0, "a", None] * 7, dtype=object)[:20], "x": X, "u": U}, "cannot be read"),
    "text in t": ({"t": np.array([f"{v}" for v in T]), "x": X, "u": U}, "not numbers"),
    "NaN time": (_nan_time(), "NaN or infinite"),
    "infinite value": (_inf_value(), "infinite field values"),
    "huge value": ({"t": T, "x": X, "u": U * 1e300}, "overflow"),
    "constant field": ({"t": T, "x": X, "u": np.full_like(U, 2.5)}, "constant"),
    "two-dimensional t": ({"t": np.stack([T, T]), "x": X, "u": U}, "one-dimensional"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_npz_field_is_one_sentence(case, tmp_path):
    arrays, words = CASES[case]
    path = tmp_path / "field.npz"
    np.savez(path, **arrays)
    with pytest.raises(DataError, match=words) as info:
        load_fields(path)
    assert "\n" not in str(info.value)
    r = CliRunner().invoke(app, ["run", str(path), "--space", "x", "--methods", "sindy", "--no-figures",
                                 "--out", str(tmp_path / "out")])
    assert r.exit_code == 2 and "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1, r.output


def test_a_long_file_of_distinct_times_and_positions_is_refused_before_its_grid(tmp_path):
    n = 30_000  # a 0.6 MB file whose distinct times and positions span a 30,000 x 30,000 grid (6.7 GiB)
    rng = np.random.default_rng(0)
    rows = "".join(f"{i * 1e-3:.4f},{0.5 + i * 1e-4:.5f},{v:.3f}\n" for i, v in enumerate(rng.random(n)))
    path = tmp_path / "scattered.csv"
    path.write_text("t,x,u\n" + rows)
    # in a child limited to 3 GiB: a loader that allocates the grid fails there, not on this machine
    assert "of its grid points" in refused_in_a_child(f"load_fields({str(path)!r}, space='x')")


def test_a_field_with_a_constant_column_is_refused_like_a_constant_state(tmp_path):
    tt, xx = np.meshgrid(T, X, indexing="ij")
    path = tmp_path / "long.csv"
    with open(path, "w") as fh:
        fh.write("t,x,u,v\n")
        for a, b, c in zip(tt.ravel(), xx.ravel(), U.ravel()):
            fh.write(f"{a},{b},{c},3.0\n")
    with pytest.raises(DataError, match="field 'v' is constant"):
        load_fields(path, space="x")
